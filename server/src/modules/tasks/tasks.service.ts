import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { AppError, notFound, staleWrite } from '../../lib/errors.ts';
import type { FilterGroups } from '../../lib/filters.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { listRecords, type Sort } from '../../lib/record-list.ts';
import { escapeLike, type SqlParams } from '../../lib/sql-params.ts';
import { sameJson } from '../../lib/stable-json.ts';
import { authorize, can } from '../../policies.ts';
import { taskType } from '../../records/record-types.ts';
import { addTimelineEntry } from '../../records/timeline.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { planTask } from './tasks.plan.ts';
import { taskAuditFields, taskView } from './tasks.presenter.ts';
import {
  deleteReminderNotification,
  findTaskRow,
  insertTaskRow,
  myTasksPage,
  setTaskDeleted,
  type TaskRow,
  type TaskValues,
  taskSelect,
  updateTaskRow,
} from './tasks.repo.ts';
import type { TaskBucket, TaskCreate, TaskUpdate } from './tasks.schema.ts';

const audited = (row: TaskRow) => taskAuditFields(taskView(row));

/** The record a task is linked to, as a timeline target, if any. */
const linkedRecord = (row: TaskRow) => (row.record_type && row.record_id ? [{ recordType: row.record_type, recordId: row.record_id }] : []);

/**
 * Throws forbidden unless the caller may change this task: managers and above any task, members
 * the tasks assigned to them or that they made.
 */
function authorizeChange(ctx: Ctx, action: 'records.update' | 'records.delete', row: TaskRow): void {
  if (can(ctx, action, { ownerId: row.created_by })) return;
  authorize(ctx, action, { ownerId: row.assignee_id });
}

/** Creates a task (assigned to its creator unless said otherwise); a linked record shows it on its timeline. */
export async function createTask(ctx: Ctx, input: TaskCreate): Promise<TaskRow> {
  authorize(ctx, 'records.create');
  const values = await planTask(ctx, input);
  const row = await insertTaskRow(ctx.tx, ctx.workspaceId, newId(), ctx.actor.userId, values);
  await recordWrite(ctx, { recordType: 'task', recordId: row.id, action: 'create', before: null, after: audited(row) });
  await addTimelineEntry(ctx, linkedRecord(row), { kind: 'task_created', taskId: row.id, data: { title: row.title } });
  return row;
}

/** A task that is not in the trash, or not_found. */
export async function getTask(ctx: Ctx, id: string): Promise<TaskRow> {
  authorize(ctx, 'records.read');
  const row = await findTaskRow(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Task');
  return row;
}

/**
 * Updates a task; `status` completes or reopens it (completion goes on the linked record's
 * timeline), a new `remindAt` re-arms its reminder. `expectedVersion` (If-Match) refuses a stale write.
 */
export async function updateTask(ctx: Ctx, input: { id: string; patch: TaskUpdate; expectedVersion?: number }): Promise<TaskRow> {
  const current = await getTask(ctx, input.id);
  authorizeChange(ctx, 'records.update', current);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const values = await planTask(ctx, input.patch, current);
  if (unchanged(values, current)) return current;
  const row = await updateTaskRow(ctx.tx, ctx.workspaceId, current.id, current.version, values);
  if (!row) throw staleWrite(current.version + 1);
  if (current.reminded_at && !row.reminded_at) await deleteReminderNotification(ctx.tx, ctx.workspaceId, row.id);
  const { changes } = await recordWrite(ctx, {
    recordType: 'task',
    recordId: row.id,
    action: 'update',
    before: audited(current),
    after: audited(row),
  });
  if (changes.status?.to === 'completed') {
    await addTimelineEntry(ctx, linkedRecord(row), { kind: 'task_completed', taskId: row.id, data: { title: row.title } });
  }
  return row;
}

/** Whether planned values are those the task already has (an update that changes nothing writes nothing). */
function unchanged(values: TaskValues, current: TaskRow): boolean {
  return Object.entries(values).every(([k, v]) => sameJson(v, current[k as keyof TaskValues]));
}

/** Completes a task; completing a completed task changes nothing. */
export async function completeTask(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<TaskRow> {
  return updateTask(ctx, { ...input, patch: { status: 'completed' } });
}

/** Moves a task to the trash (its reminder no longer fires). */
export async function deleteTask(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getTask(ctx, input.id);
  authorizeChange(ctx, 'records.delete', current);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await setTaskDeleted(ctx.tx, ctx.workspaceId, current.id, true);
  await recordWrite(ctx, { recordType: 'task', recordId: current.id, action: 'delete', before: audited(current), after: null });
}

/** Takes a task back out of the trash. */
export async function restoreTask(ctx: Ctx, id: string): Promise<TaskRow> {
  const current = await findTaskRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at) throw notFound('Deleted task');
  authorizeChange(ctx, 'records.delete', current);
  const row = (await setTaskDeleted(ctx.tx, ctx.workspaceId, id, false)) as TaskRow;
  await recordWrite(ctx, { recordType: 'task', recordId: id, action: 'restore', before: null, after: audited(row) });
  return row;
}

/** A page of tasks matching filter groups, sorted, with the total; `q` matches a title prefix. */
export async function searchTasks(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<{ rows: TaskRow[]; nextCursor: string | null; total?: number }> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  return listRecords<TaskRow>(ctx.tx, {
    type: taskType,
    fields: taskType.fields,
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: taskSelect,
    withTotal: true,
    where: q ? (params: SqlParams) => `lower(t.title) LIKE ${params.add(`${escapeLike(q.toLowerCase())}%`)}` : undefined,
  });
}

/**
 * A page of the caller's open tasks in one bucket (overdue, today, upcoming), soonest due first;
 * "today" ends at midnight in the workspace's time zone.
 */
export async function myTasks(
  ctx: Ctx,
  input: { bucket: TaskBucket; limit: number; cursor?: string },
): Promise<{ rows: TaskRow[]; nextCursor: string | null }> {
  authorize(ctx, 'records.read');
  if (!ctx.actor.userId) return { rows: [], nextCursor: null };
  const workspace = await findWorkspace(ctx.tx, ctx.workspaceId);
  const { timezone: timeZone } = { ...defaultWorkspaceSettings, ...workspace?.settings };
  const rows = await myTasksPage(ctx.tx, {
    workspaceId: ctx.workspaceId,
    userId: ctx.actor.userId,
    bucket: input.bucket,
    timeZone,
    limit: input.limit + 1,
    after: dueCursor(input.cursor),
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > input.limit && last ? encodeCursor([last.position, last.id]) : null };
}

/** The position a "my tasks" cursor carries; a foreign or tampered one is a 400. */
function dueCursor(cursor: string | undefined): { dueAt: string; id: string } | undefined {
  if (!cursor) return undefined;
  const [dueAt, id] = decodeCursor(cursor, 2);
  if (typeof dueAt === 'string' && !Number.isNaN(Date.parse(dueAt)) && typeof id === 'string' && isUuid(id)) return { dueAt, id };
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}
