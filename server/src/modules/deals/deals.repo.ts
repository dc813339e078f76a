import type { Queryable } from '../../db/database.ts';

/** A deal row as stored (without its search vector). */
export type DealRow = {
  workspace_id: string;
  id: string;
  name: string;
  pipeline_id: string;
  stage_id: string;
  amount: number | null;
  currency: string;
  expected_close_date: string | null;
  probability: number | null;
  owner_id: string | null;
  company_id: string | null;
  status: 'open' | 'won' | 'lost';
  lost_reason: string | null;
  closed_at: Date | null;
  stage_entered_at: Date;
  external_id: string | null;
  custom: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date | null;
  deleted_at: Date | null;
};

/** The writable columns, in the order insert and update bind them. */
export const dealColumns = [
  'name',
  'pipeline_id',
  'stage_id',
  'amount',
  'currency',
  'expected_close_date',
  'probability',
  'owner_id',
  'company_id',
  'status',
  'lost_reason',
  'closed_at',
  'stage_entered_at',
  'external_id',
  'custom',
] as const;
export type DealValues = Pick<DealRow, (typeof dealColumns)[number]>;

/** The columns a deal SELECT returns, over alias `d`. */
export const dealSelect = `d.workspace_id, d.id, ${dealColumns
  .map((k) => (k === 'expected_close_date' ? `to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date` : `d.${k}`))
  .join(', ')}, d.version, d.created_at, d.updated_at, d.last_activity_at, d.deleted_at`;

/** The SQL type of each writable column inside jsonb_to_recordset. */
const recordsetTypes: Record<(typeof dealColumns)[number], string> = {
  name: 'text',
  pipeline_id: 'uuid',
  stage_id: 'uuid',
  amount: 'bigint',
  currency: 'text',
  expected_close_date: 'date',
  probability: 'integer',
  owner_id: 'uuid',
  company_id: 'uuid',
  status: 'text',
  lost_reason: 'text',
  closed_at: 'timestamptz',
  stage_entered_at: 'timestamptz',
  external_id: 'text',
  custom: 'jsonb',
};
const recordsetShape = `r (id uuid, version integer, ${dealColumns.map((k) => `${k} ${recordsetTypes[k]}`).join(', ')})`;

/** One row to write: its id, the version it must still have (updates), and its values. */
export type DealWriteRow = { id: string; version?: number; values: DealValues };

const toRecordset = (rows: DealWriteRow[]) => JSON.stringify(rows.map((r) => ({ id: r.id, version: r.version ?? null, ...r.values })));

/** Inserts many deals in one statement. */
export async function insertDealRows(db: Queryable, workspaceId: string, rows: DealWriteRow[]): Promise<DealRow[]> {
  if (rows.length === 0) return [];
  const res = await db.query<DealRow>(
    `INSERT INTO deals AS d (workspace_id, id, ${dealColumns.join(', ')})
     SELECT $1, r.id, ${dealColumns.map((k) => `r.${k}`).join(', ')} FROM jsonb_to_recordset($2::jsonb) AS ${recordsetShape}
     RETURNING ${dealSelect}`,
    [workspaceId, toRecordset(rows)],
  );
  return res.rows;
}

/** Saves many deals in one statement, each only if its version is unchanged; returns those saved. */
export async function updateDealRows(db: Queryable, workspaceId: string, rows: DealWriteRow[]): Promise<DealRow[]> {
  if (rows.length === 0) return [];
  const res = await db.query<DealRow>(
    `UPDATE deals d SET ${dealColumns.map((k) => `${k} = r.${k}`).join(', ')}, version = d.version + 1, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS ${recordsetShape}
     WHERE d.workspace_id = $1 AND d.id = r.id AND d.version = r.version
     RETURNING ${dealSelect}`,
    [workspaceId, toRecordset(rows)],
  );
  return res.rows;
}

/** A deal by id, including deleted ones (callers decide what those mean). */
export async function findDealRow(db: Queryable, workspaceId: string, id: string): Promise<DealRow | undefined> {
  const res = await db.query<DealRow>(`SELECT ${dealSelect} FROM deals d WHERE d.workspace_id = $1 AND d.id = $2`, [workspaceId, id], {
    prepare: true,
  });
  return res.rows[0];
}

/** Live (not deleted) deals by id, or by external id. */
export async function findLiveDealRows(db: Queryable, workspaceId: string, by: 'id' | 'external_id', keys: string[]): Promise<DealRow[]> {
  if (keys.length === 0) return [];
  const res = await db.query<DealRow>(
    `SELECT ${dealSelect} FROM deals d WHERE d.workspace_id = $1 AND d.deleted_at IS NULL AND ${
      by === 'id' ? 'd.id = ANY($2::uuid[])' : 'd.external_id = ANY($2::text[])'
    } ORDER BY d.id`,
    [workspaceId, keys],
  );
  return res.rows;
}

/** Marks deals deleted (trash) or restores them; returns the rows changed. */
export async function setDealsDeleted(db: Queryable, workspaceId: string, ids: string[], deleted: boolean): Promise<DealRow[]> {
  if (ids.length === 0) return [];
  const res = await db.query<DealRow>(
    `UPDATE deals d SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND (deleted_at IS NULL) = $3 RETURNING ${dealSelect}`,
    [workspaceId, ids, deleted],
  );
  return res.rows;
}

/** A contact on a deal. */
export type DealContactRow = { deal_id: string; contact_id: string; role: string | null };

/** The live contacts of several deals, in the order they were added. */
export async function dealContactsOf(db: Queryable, workspaceId: string, dealIds: string[]): Promise<DealContactRow[]> {
  if (dealIds.length === 0) return [];
  const res = await db.query<DealContactRow>(
    `SELECT dc.deal_id, dc.contact_id, dc.role FROM deal_contacts dc
     JOIN contacts c ON c.workspace_id = dc.workspace_id AND c.id = dc.contact_id
     WHERE dc.workspace_id = $1 AND dc.deal_id = ANY($2::uuid[]) AND c.deleted_at IS NULL AND c.merged_into IS NULL
     ORDER BY dc.created_at, dc.contact_id`,
    [workspaceId, dealIds],
  );
  return res.rows;
}

/** Replaces the contacts of the given deals (each entry: a deal and its full new set). */
export async function replaceDealContacts(
  db: Queryable,
  workspaceId: string,
  sets: { dealId: string; contacts: { contactId: string; role: string | null }[] }[],
): Promise<void> {
  if (sets.length === 0) return;
  await db.query('DELETE FROM deal_contacts WHERE workspace_id = $1 AND deal_id = ANY($2::uuid[])', [
    workspaceId,
    sets.map((s) => s.dealId),
  ]);
  const rows = sets.flatMap((s) => s.contacts.map((c, n) => ({ deal_id: s.dealId, contact_id: c.contactId, role: c.role, n })));
  if (rows.length === 0) return;
  // created_at keeps the order given: the contacts list shows them as they were sent.
  await db.query(
    `INSERT INTO deal_contacts (workspace_id, deal_id, contact_id, role, created_at)
     SELECT $1, r.deal_id, r.contact_id, r.role, now() + make_interval(secs => r.n / 1000000.0)
     FROM jsonb_to_recordset($2::jsonb) AS r (deal_id uuid, contact_id uuid, role text, n integer)`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/** Which of these contact ids are live contacts of the workspace. */
export async function liveContactIds(db: Queryable, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const res = await db.query<{ id: string }>(
    'SELECT id FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL',
    [workspaceId, ids],
  );
  return new Set(res.rows.map((r) => r.id));
}

/** A deal entering a stage at a time. */
export type StageEntry = { dealId: string; pipelineId: string; stageId: string; at: Date };

/** Closes each deal's open stay in the stage history and opens one in its new stage. */
export async function enterStages(
  db: Queryable,
  workspaceId: string,
  actor: { type: string; userId: string | null },
  entries: (StageEntry & { id: string })[],
): Promise<void> {
  if (entries.length === 0) return;
  const json = JSON.stringify(
    entries.map((e) => ({ id: e.id, deal_id: e.dealId, pipeline_id: e.pipelineId, stage_id: e.stageId, at: e.at })),
  );
  const shape = 'r (id uuid, deal_id uuid, pipeline_id uuid, stage_id uuid, at timestamptz)';
  await db.query(
    `UPDATE deal_stage_history h SET left_at = greatest(r.at, h.entered_at) FROM jsonb_to_recordset($2::jsonb) AS ${shape}
     WHERE h.workspace_id = $1 AND h.deal_id = r.deal_id AND h.left_at IS NULL`,
    [workspaceId, json],
  );
  await db.query(
    `INSERT INTO deal_stage_history (workspace_id, id, deal_id, pipeline_id, stage_id, entered_at, actor_type, actor_id)
     SELECT $1, r.id, r.deal_id, r.pipeline_id, r.stage_id, r.at, $3, $4 FROM jsonb_to_recordset($2::jsonb) AS ${shape}`,
    [workspaceId, json, actor.type, actor.userId],
  );
}

/** A stay in the stage history, with the stage's name if it still exists. */
export type StageStayRow = {
  id: string;
  pipeline_id: string;
  stage_id: string;
  stage_name: string | null;
  entered_at: Date;
  left_at: Date | null;
  duration_seconds: number;
  actor_type: string;
  actor_id: string | null;
};

/** A deal's stage history, oldest stay first; the open stay's duration runs to now. */
export async function stageHistoryOf(db: Queryable, workspaceId: string, dealId: string): Promise<StageStayRow[]> {
  const res = await db.query<StageStayRow>(
    `SELECT h.id, h.pipeline_id, h.stage_id, s.name AS stage_name, h.entered_at, h.left_at,
       floor(extract(epoch FROM coalesce(h.left_at, now()) - h.entered_at))::int AS duration_seconds, h.actor_type, h.actor_id
     FROM deal_stage_history h LEFT JOIN pipeline_stages s ON s.workspace_id = h.workspace_id AND s.id = h.stage_id
     WHERE h.workspace_id = $1 AND h.deal_id = $2 ORDER BY h.entered_at, h.id`,
    [workspaceId, dealId],
  );
  return res.rows;
}

/** Every deal (trashed ones too) in these stages, locked for a move. */
export async function lockDealsInStages(db: Queryable, workspaceId: string, stageIds: string[]): Promise<DealRow[]> {
  const res = await db.query<DealRow>(
    `SELECT ${dealSelect} FROM deals d WHERE d.workspace_id = $1 AND d.stage_id = ANY($2::uuid[]) ORDER BY d.id FOR UPDATE`,
    [workspaceId, stageIds],
  );
  return res.rows;
}

/** Puts deals in a stage (of its pipeline), entered at `at`. */
export async function moveDealRows(
  db: Queryable,
  workspaceId: string,
  ids: string[],
  to: { pipelineId: string; stageId: string; at: Date },
): Promise<DealRow[]> {
  const res = await db.query<DealRow>(
    `UPDATE deals d SET pipeline_id = $3, stage_id = $4, stage_entered_at = $5, version = d.version + 1, updated_at = now()
     WHERE d.workspace_id = $1 AND d.id = ANY($2::uuid[]) RETURNING ${dealSelect}`,
    [workspaceId, ids, to.pipelineId, to.stageId, to.at],
  );
  return res.rows;
}
