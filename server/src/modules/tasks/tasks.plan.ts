import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { memberIds } from '../custom-fields/custom-fields.values.ts';
import { liveRecordExists, type TaskRow, type TaskValues } from './tasks.repo.ts';
import type { TaskCreate, TaskUpdate } from './tasks.schema.ts';

/**
 * Validates and normalises a task create (no `current`) or an update of `current`, collecting
 * every field error into one 400. Completing sets `completed_at`, reopening clears it, and a new
 * reminder time re-arms the reminder (`reminded_at` back to null).
 */
export async function planTask(ctx: Ctx, input: TaskCreate | TaskUpdate, current?: TaskRow): Promise<TaskValues> {
  const errors: FieldError[] = [];
  const keep = <T>(value: T | undefined, now: T) => (value === undefined ? now : value);

  const assigneeId = input.assigneeId === undefined ? (current ? current.assignee_id : ctx.actor.userId) : input.assigneeId;
  if (assigneeId && assigneeId !== current?.assignee_id && !(await memberIds(ctx.tx, ctx.workspaceId)).has(assigneeId)) {
    errors.push({ field: 'body.assigneeId', message: 'Not a member of this workspace' });
  }

  const record = input.record === undefined ? undefined : input.record;
  if (record && (record.recordType !== current?.record_type || record.recordId !== current?.record_id)) {
    if (!(await liveRecordExists(ctx.tx, ctx.workspaceId, record.recordType, record.recordId))) {
      errors.push({ field: 'body.record', message: `No such ${record.recordType} in this workspace`, code: 'not_found' });
    }
  }
  if (errors.length > 0) throw new AppError('validation_failed', 'The task is not valid', errors);

  const remindAt = input.remindAt === undefined ? (current?.remind_at ?? null) : input.remindAt ? new Date(input.remindAt) : null;
  const reminderMoved = remindAt?.getTime() !== current?.remind_at?.getTime();
  const status = keep((input as TaskUpdate).status, current?.status ?? 'open');
  const completedAt = status === 'open' ? null : (current?.completed_at ?? new Date());
  return {
    title: keep(input.title, current?.title ?? ''),
    notes: keep(input.notes, current?.notes ?? null),
    due_at: input.dueAt === undefined ? (current?.due_at ?? null) : input.dueAt ? new Date(input.dueAt) : null,
    remind_at: remindAt,
    reminded_at: reminderMoved ? null : (current?.reminded_at ?? null),
    priority: keep(input.priority, current?.priority ?? 'normal'),
    assignee_id: assigneeId ?? null,
    status,
    completed_at: completedAt,
    record_type: record === undefined ? (current?.record_type ?? null) : (record?.recordType ?? null),
    record_id: record === undefined ? (current?.record_id ?? null) : (record?.recordId ?? null),
  };
}
