import type { Queryable } from '../../db/database.ts';
import { SqlParams } from '../../lib/sql-params.ts';
import type { TaskBucket } from './tasks.schema.ts';

/** A task row as stored. */
export type TaskRow = {
  workspace_id: string;
  id: string;
  title: string;
  notes: string | null;
  due_at: Date | null;
  remind_at: Date | null;
  reminded_at: Date | null;
  priority: 'low' | 'normal' | 'high';
  assignee_id: string | null;
  status: 'open' | 'completed';
  completed_at: Date | null;
  record_type: 'contact' | 'company' | 'deal' | null;
  record_id: string | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
};

/** The writable columns, in the order insert and update bind them. */
const taskColumns = [
  'title',
  'notes',
  'due_at',
  'remind_at',
  'reminded_at',
  'priority',
  'assignee_id',
  'status',
  'completed_at',
  'record_type',
  'record_id',
] as const;
export type TaskValues = Pick<TaskRow, (typeof taskColumns)[number]>;

/** The columns a task SELECT returns, over alias `t`. */
export const taskSelect = `t.workspace_id, t.id, ${taskColumns.map((k) => `t.${k}`).join(', ')}, t.created_by, t.version, t.created_at, t.updated_at, t.deleted_at`;

const bind = (v: TaskValues) => taskColumns.map((k) => v[k]);

/** Inserts a task made by `createdBy`. */
export async function insertTaskRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  createdBy: string | null,
  values: TaskValues,
): Promise<TaskRow> {
  const res = await db.query<TaskRow>(
    `INSERT INTO tasks AS t (workspace_id, id, created_by, ${taskColumns.join(', ')})
     VALUES ($1, $2, $3, ${taskColumns.map((_, i) => `$${i + 4}`).join(', ')}) RETURNING ${taskSelect}`,
    [workspaceId, id, createdBy, ...bind(values)],
  );
  return res.rows[0] as TaskRow;
}

/** Saves a task if its version is still `version`; undefined when it changed meanwhile. */
export async function updateTaskRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: TaskValues,
): Promise<TaskRow | undefined> {
  const res = await db.query<TaskRow>(
    `UPDATE tasks t SET ${taskColumns.map((k, i) => `${k} = $${i + 4}`).join(', ')}, version = t.version + 1, updated_at = now()
     WHERE t.workspace_id = $1 AND t.id = $2 AND t.version = $3 RETURNING ${taskSelect}`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

/** A task by id, including one in the trash. */
export async function findTaskRow(db: Queryable, workspaceId: string, id: string): Promise<TaskRow | undefined> {
  const res = await db.query<TaskRow>(`SELECT ${taskSelect} FROM tasks t WHERE t.workspace_id = $1 AND t.id = $2`, [workspaceId, id]);
  return res.rows[0];
}

/** Moves a task to the trash or takes it back out. */
export async function setTaskDeleted(db: Queryable, workspaceId: string, id: string, deleted: boolean): Promise<TaskRow | undefined> {
  const res = await db.query<TaskRow>(
    `UPDATE tasks t SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = t.version + 1, updated_at = now()
     WHERE t.workspace_id = $1 AND t.id = $2 RETURNING ${taskSelect}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** Removes the notification a task's reminder sent, so a new reminder time can send a new one. */
export async function deleteReminderNotification(db: Queryable, workspaceId: string, taskId: string): Promise<void> {
  await db.query('DELETE FROM notifications WHERE workspace_id = $1 AND source_key = $2', [workspaceId, `task-reminder:${taskId}`]);
}

/** Whether a live contact, company or deal with this id exists in the workspace. */
export async function liveRecordExists(
  db: Queryable,
  workspaceId: string,
  recordType: 'contact' | 'company' | 'deal',
  id: string,
): Promise<boolean> {
  const sql = {
    contact: 'SELECT 1 FROM contacts WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND merged_into IS NULL',
    company: 'SELECT 1 FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND merged_into IS NULL',
    deal: 'SELECT 1 FROM deals WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL',
  }[recordType];
  return (await db.query(sql, [workspaceId, id])).rows.length > 0;
}

/** A keyset position in a due-ordered task list. */
export type DuePosition = { dueAt: string; id: string };

/**
 * A page of a user's open tasks in one bucket, soonest due first. Buckets split time at now and
 * at the next midnight in `timeZone` (the workspace's): overdue is due before now, today from now
 * until that midnight, upcoming after it. Tasks without a due time are in none.
 */
export async function myTasksPage(
  db: Queryable,
  input: { workspaceId: string; userId: string; bucket: TaskBucket; timeZone: string; limit: number; after?: DuePosition },
): Promise<(TaskRow & { position: string })[]> {
  const params = new SqlParams([input.workspaceId, input.userId]);
  const midnight = () => {
    const tz = params.add(input.timeZone);
    return `((date_trunc('day', now() AT TIME ZONE ${tz}) + interval '1 day') AT TIME ZONE ${tz})`;
  };
  const window =
    input.bucket === 'overdue'
      ? 't.due_at < now()'
      : input.bucket === 'today'
        ? `t.due_at >= now() AND t.due_at < ${midnight()}`
        : `t.due_at >= ${midnight()}`;
  const after = input.after
    ? `AND (t.due_at, t.id) > (${params.add(input.after.dueAt)}::timestamptz, ${params.add(input.after.id)}::uuid)`
    : '';
  const res = await db.query<TaskRow & { position: string }>(
    `SELECT ${taskSelect}, to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position
     FROM tasks t WHERE t.workspace_id = $1 AND t.assignee_id = $2 AND t.status = 'open' AND t.deleted_at IS NULL AND ${window} ${after}
     ORDER BY t.due_at, t.id LIMIT ${params.add(input.limit)}`,
    params.values,
  );
  return res.rows;
}
