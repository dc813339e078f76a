import type { Queryable } from '../../db/database.ts';

/** A bulk job row: what to do to which records, and how far it has got. */
export type BulkJobRow = {
  workspace_id: string;
  id: string;
  object_type: string;
  operation: 'update' | 'delete';
  filter_groups: unknown[];
  patch: Record<string, unknown> | null;
  status: 'queued' | 'running' | 'completed' | 'failed';
  total: number | null;
  processed: number;
  failed: number;
  last_id: string | null;
  error: string | null;
  created_by: string | null;
  actor_type: string;
  actor_id: string | null;
  created_at: Date;
  finished_at: Date | null;
};

/** Stores a queued job. */
export async function insertBulkJob(
  db: Queryable,
  j: {
    workspaceId: string;
    id: string;
    objectType: string;
    operation: string;
    filterGroups: unknown;
    patch: unknown;
    createdBy: string | null;
    actorType: string;
    actorId: string | null;
  },
): Promise<BulkJobRow> {
  const res = await db.query<BulkJobRow>(
    `INSERT INTO bulk_jobs (workspace_id, id, object_type, operation, filter_groups, patch, created_by, actor_type, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      j.workspaceId,
      j.id,
      j.objectType,
      j.operation,
      JSON.stringify(j.filterGroups),
      j.patch === undefined ? null : JSON.stringify(j.patch),
      j.createdBy,
      j.actorType,
      j.actorId,
    ],
  );
  return res.rows[0] as BulkJobRow;
}

/** One job, optionally locked for the runner. */
export async function findBulkJob(db: Queryable, workspaceId: string, id: string, lock = false): Promise<BulkJobRow | undefined> {
  const res = await db.query<BulkJobRow>(`SELECT * FROM bulk_jobs WHERE workspace_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

/** A workspace's jobs, newest first. */
export async function listBulkJobs(db: Queryable, workspaceId: string, limit: number): Promise<BulkJobRow[]> {
  const res = await db.query<BulkJobRow>('SELECT * FROM bulk_jobs WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2', [workspaceId, limit]);
  return res.rows;
}

/** Records progress: the checkpoint a restarted runner resumes from. */
export async function saveBulkProgress(
  db: Queryable,
  workspaceId: string,
  id: string,
  p: {
    status: string;
    total?: number | null;
    processedDelta: number;
    failedDelta: number;
    lastId: string | null;
    error?: string | null;
    finished: boolean;
  },
): Promise<void> {
  await db.query(
    `UPDATE bulk_jobs SET status = $3, total = coalesce($4, total), processed = processed + $5, failed = failed + $6,
       last_id = coalesce($7, last_id), error = $8, finished_at = CASE WHEN $9 THEN now() ELSE finished_at END
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, p.status, p.total ?? null, p.processedDelta, p.failedDelta, p.lastId, p.error ?? null, p.finished],
  );
}
