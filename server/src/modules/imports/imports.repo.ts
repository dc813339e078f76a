import type { Queryable } from '../../db/database.ts';
import type { DateFormat, ImportObject, MappingEntry, UpsertKey } from './imports.schema.ts';

/** An import row: the file's description, the mapping, and how far the job has got. */
export type ImportRow = {
  workspace_id: string;
  id: string;
  object_type: ImportObject;
  status: string;
  file_name: string;
  file_size: number;
  chunk_count: number;
  encoding: string;
  delimiter: string;
  headers: string[];
  sample_rows: string[][];
  mapping: MappingEntry[];
  upsert_key: UpsertKey;
  date_format: DateFormat;
  template_id: string | null;
  rows_total: number | null;
  rows_done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors_by_kind: Record<string, number>;
  error: string | null;
  runner_id: string | null;
  lease_until: Date | null;
  run_started_at: Date | null;
  run_start_rows: number;
  progress_at: Date | null;
  created_by: string | null;
  actor_type: string;
  actor_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  cancelled_at: Date | null;
  reverted_at: Date | null;
  version: number;
};

/** Starts an import whose file is still arriving (status 'uploading', not shown yet). */
export async function insertUploadingImport(
  db: Queryable,
  i: {
    workspaceId: string;
    id: string;
    object: ImportObject;
    fileName: string;
    upsertKey: UpsertKey;
    createdBy: string | null;
    actorType: string;
    actorId: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO imports (workspace_id, id, object_type, status, file_name, upsert_key, created_by, actor_type, actor_id)
     VALUES ($1, $2, $3, 'uploading', $4, $5, $6, $7, $8)`,
    [i.workspaceId, i.id, i.object, i.fileName, i.upsertKey, i.createdBy, i.actorType, i.actorId],
  );
}

/** Stores one piece of an uploaded file. */
export async function insertFileChunk(db: Queryable, workspaceId: string, importId: string, seq: number, data: Buffer): Promise<void> {
  await db.query('INSERT INTO import_file_chunks (workspace_id, import_id, seq, data) VALUES ($1, $2, $3, $4)', [
    workspaceId,
    importId,
    seq,
    data,
  ]);
}

/** The pieces of an import's file, in order, read one at a time. */
export async function* fileChunks(db: Queryable, workspaceId: string, importId: string, count: number): AsyncGenerator<Uint8Array> {
  for (let seq = 0; seq < count; seq++) {
    const res = await db.query<{ data: Uint8Array }>(
      'SELECT data FROM import_file_chunks WHERE workspace_id = $1 AND import_id = $2 AND seq = $3',
      [workspaceId, importId, seq],
    );
    const data = res.rows[0]?.data;
    if (!data) throw new Error(`Piece ${seq} of import ${importId} is missing`);
    yield data;
  }
}

/** Deletes an import and everything it owns (a failed upload). */
export async function deleteImportRow(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM imports WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** One import, optionally locked. */
export async function findImportRow(db: Queryable, workspaceId: string, id: string, lock = false): Promise<ImportRow | undefined> {
  const res = await db.query<ImportRow>(`SELECT * FROM imports WHERE workspace_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

/** A workspace's imports, newest first, after the id `before` when given. */
export async function listImportRows(db: Queryable, workspaceId: string, limit: number, before?: string): Promise<ImportRow[]> {
  const res = await db.query<ImportRow>(
    `SELECT * FROM imports WHERE workspace_id = $1 AND status <> 'uploading' AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [workspaceId, before ?? null, limit],
  );
  return res.rows;
}

/** The settings of an import a draft may change. */
export type ImportSettings = {
  status?: string;
  fileSize?: number;
  chunkCount?: number;
  encoding?: string;
  delimiter?: string;
  headers?: string[];
  sampleRows?: string[][];
  mapping?: MappingEntry[];
  upsertKey?: string;
  dateFormat?: string;
  templateId?: string | null;
  rowsTotal?: number | null;
};

/** Saves settings of an import, bumping its version; returns the new row. */
export async function updateImportSettings(db: Queryable, workspaceId: string, id: string, s: ImportSettings): Promise<ImportRow> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const res = await db.query<ImportRow>(
    `UPDATE imports SET status = coalesce($3, status), file_size = coalesce($4, file_size), chunk_count = coalesce($5, chunk_count),
       encoding = coalesce($6, encoding), delimiter = coalesce($7, delimiter), headers = coalesce($8::jsonb, headers),
       sample_rows = coalesce($9::jsonb, sample_rows), mapping = coalesce($10::jsonb, mapping), upsert_key = coalesce($11, upsert_key),
       date_format = coalesce($12, date_format), template_id = CASE WHEN $13 THEN $14::uuid ELSE template_id END,
       rows_total = CASE WHEN $15 THEN $16::integer ELSE rows_total END, version = version + 1
     WHERE workspace_id = $1 AND id = $2 RETURNING *`,
    [
      workspaceId,
      id,
      s.status ?? null,
      s.fileSize ?? null,
      s.chunkCount ?? null,
      s.encoding ?? null,
      s.delimiter ?? null,
      json(s.headers),
      json(s.sampleRows),
      json(s.mapping),
      s.upsertKey ?? null,
      s.dateFormat ?? null,
      s.templateId !== undefined,
      s.templateId ?? null,
      s.rowsTotal !== undefined,
      s.rowsTotal ?? null,
    ],
  );
  return res.rows[0] as ImportRow;
}

/** Moves an import to a new status (queued, cancelled, reverting …), stamping the matching time. */
export async function setImportStatus(
  db: Queryable,
  workspaceId: string,
  id: string,
  status: string,
  extra: { error?: string } = {},
): Promise<ImportRow> {
  const res = await db.query<ImportRow>(
    `UPDATE imports SET status = $3, version = version + 1, error = coalesce($4, error),
       cancelled_at = CASE WHEN $3 = 'cancelled' THEN now() ELSE cancelled_at END,
       finished_at = CASE WHEN $3 IN ('completed', 'failed', 'cancelled') THEN coalesce(finished_at, now()) ELSE finished_at END,
       reverted_at = CASE WHEN $3 = 'reverted' THEN now() ELSE reverted_at END,
       runner_id = CASE WHEN $3 IN ('queued', 'reverting') THEN runner_id ELSE NULL END,
       lease_until = CASE WHEN $3 IN ('queued', 'reverting') THEN lease_until ELSE NULL END
     WHERE workspace_id = $1 AND id = $2 RETURNING *`,
    [workspaceId, id, status, extra.error ?? null],
  );
  return res.rows[0] as ImportRow;
}

/**
 * Takes the job's lease unless a live runner holds it; marks a queued import running. Returns
 * the row when this runner may go on.
 */
export async function claimImport(
  db: Queryable,
  workspaceId: string,
  id: string,
  runnerId: string,
  leaseSeconds: number,
): Promise<ImportRow | undefined> {
  const res = await db.query<ImportRow>(
    `UPDATE imports SET runner_id = $3, lease_until = now() + make_interval(secs => $4),
       status = CASE WHEN status = 'queued' THEN 'running' ELSE status END,
       started_at = CASE WHEN status = 'queued' THEN coalesce(started_at, now()) ELSE started_at END,
       run_started_at = now(), run_start_rows = rows_done
     WHERE workspace_id = $1 AND id = $2 AND status IN ('queued', 'running', 'reverting')
       AND (runner_id IS NULL OR lease_until IS NULL OR lease_until < now() OR runner_id = $3)
     RETURNING *`,
    [workspaceId, id, runnerId, leaseSeconds],
  );
  return res.rows[0];
}

/** What one batch adds to an import's counters. */
export type BatchCounts = {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errorsByKind: Record<string, number>;
};

/** Advances the checkpoint after a batch (in the batch's transaction) and renews the lease. */
export async function saveImportProgress(
  db: Queryable,
  workspaceId: string,
  id: string,
  c: BatchCounts,
  leaseSeconds: number,
): Promise<void> {
  await db.query(
    `UPDATE imports SET rows_done = rows_done + $3, created = created + $4, updated = updated + $5, unchanged = unchanged + $6,
       failed = failed + $7,
       errors_by_kind = (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) FROM (
         SELECT k, sum(v)::int AS v FROM (
           SELECT key AS k, value::int AS v FROM jsonb_each_text(errors_by_kind)
           UNION ALL SELECT key, value::int FROM jsonb_each_text($8::jsonb)) e GROUP BY k) s),
       progress_at = now(), lease_until = now() + make_interval(secs => $9)
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, c.rows, c.created, c.updated, c.unchanged, c.failed, JSON.stringify(c.errorsByKind), leaseSeconds],
  );
}

/** Marks an import finished: completed (the total becomes exactly the rows read) or failed. */
export async function finishImportRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  status: 'completed' | 'failed',
  error?: string,
): Promise<ImportRow> {
  const res = await db.query<ImportRow>(
    `UPDATE imports SET status = $3, error = $4, finished_at = now(), runner_id = NULL, lease_until = NULL, version = version + 1,
       rows_total = CASE WHEN $3 = 'completed' THEN rows_done ELSE rows_total END
     WHERE workspace_id = $1 AND id = $2 RETURNING *`,
    [workspaceId, id, status, error ?? null],
  );
  return res.rows[0] as ImportRow;
}

/** Imports whose job has no live runner: queued, running or reverting with no lease or a lapsed one. */
export async function orphanedImports(db: Queryable): Promise<{ workspace_id: string; id: string }[]> {
  const res = await db.query<{ workspace_id: string; id: string }>(
    `SELECT workspace_id, id FROM imports WHERE status IN ('queued', 'running', 'reverting') AND (lease_until IS NULL OR lease_until < now()) LIMIT 100`,
  );
  return res.rows;
}

/** A bad row to keep for errors.csv. */
export type ImportErrorRow = { row: number; kind: string; message: string; raw: string[] };

/** Stores the bad rows of a batch in one statement. */
export async function insertImportErrors(db: Queryable, workspaceId: string, importId: string, rows: ImportErrorRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO import_errors (workspace_id, import_id, row_number, kind, message, raw)
     SELECT $1, $2, e.row, e.kind, e.message, e.raw FROM jsonb_to_recordset($3::jsonb) AS e (row integer, kind text, message text, raw jsonb)`,
    [workspaceId, importId, JSON.stringify(rows)],
  );
}

/** A page of an import's bad rows in row order, after row `after`. */
export async function importErrorsPage(
  db: Queryable,
  workspaceId: string,
  importId: string,
  after: number,
  limit: number,
): Promise<ImportErrorRow[]> {
  const res = await db.query<ImportErrorRow>(
    `SELECT row_number AS row, kind, message, raw FROM import_errors WHERE workspace_id = $1 AND import_id = $2 AND row_number > $3
     ORDER BY row_number LIMIT $4`,
    [workspaceId, importId, after, limit],
  );
  return res.rows;
}

/** Remembers what the import did to records ('c' created, 'u' updated); the first action recorded stays. */
export async function insertImportRecords(
  db: Queryable,
  workspaceId: string,
  importId: string,
  recordType: string,
  action: 'c' | 'u',
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO import_records (workspace_id, import_id, record_id, record_type, action)
     SELECT $1, $2, unnest($3::uuid[]), $4, $5 ON CONFLICT DO NOTHING`,
    [workspaceId, importId, ids, recordType, action],
  );
}

/** A page of the records an import touched, in id order after `after`. */
export async function importRecordsPage(
  db: Queryable,
  workspaceId: string,
  importId: string,
  after: string | null,
  limit: number,
): Promise<{ record_id: string; record_type: string; action: string }[]> {
  const res = await db.query<{ record_id: string; record_type: string; action: string }>(
    `SELECT record_id, record_type, action FROM import_records WHERE workspace_id = $1 AND import_id = $2 AND ($3::uuid IS NULL OR record_id > $3)
     ORDER BY record_id LIMIT $4`,
    [workspaceId, importId, after, limit],
  );
  return res.rows;
}

/** An import template row. */
export type ImportTemplateRow = {
  workspace_id: string;
  id: string;
  name: string;
  object_type: ImportObject;
  mapping: { column: string; field: string | null }[];
  upsert_key: UpsertKey;
  date_format: DateFormat;
  created_by: string | null;
  created_at: Date;
};

/** Stores a template. */
export async function insertTemplate(
  db: Queryable,
  t: {
    workspaceId: string;
    id: string;
    name: string;
    object: string;
    mapping: unknown;
    upsertKey: string;
    dateFormat: string;
    createdBy: string | null;
  },
): Promise<ImportTemplateRow> {
  const res = await db.query<ImportTemplateRow>(
    `INSERT INTO import_templates (workspace_id, id, name, object_type, mapping, upsert_key, date_format, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [t.workspaceId, t.id, t.name, t.object, JSON.stringify(t.mapping), t.upsertKey, t.dateFormat, t.createdBy],
  );
  return res.rows[0] as ImportTemplateRow;
}

/** A workspace's templates, optionally of one object, by name. */
export async function listTemplates(db: Queryable, workspaceId: string, object?: string): Promise<ImportTemplateRow[]> {
  const res = await db.query<ImportTemplateRow>(
    `SELECT * FROM import_templates WHERE workspace_id = $1 AND ($2::text IS NULL OR object_type = $2) ORDER BY name, id`,
    [workspaceId, object ?? null],
  );
  return res.rows;
}

/** One template. */
export async function findTemplate(db: Queryable, workspaceId: string, id: string): Promise<ImportTemplateRow | undefined> {
  const res = await db.query<ImportTemplateRow>('SELECT * FROM import_templates WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return res.rows[0];
}

/** Deletes a template; returns whether it existed. */
export async function deleteTemplateRow(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const res = await db.query('DELETE FROM import_templates WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return res.rowCount > 0;
}
