import type { TaskRow } from './tasks.repo.ts';

/** A task as the API shows it. */
export function taskView(r: TaskRow) {
  return {
    id: r.id,
    title: r.title,
    notes: r.notes,
    dueAt: r.due_at?.toISOString() ?? null,
    remindAt: r.remind_at?.toISOString() ?? null,
    remindedAt: r.reminded_at?.toISOString() ?? null,
    priority: r.priority,
    assigneeId: r.assignee_id,
    status: r.status,
    completedAt: r.completed_at?.toISOString() ?? null,
    record: r.record_type && r.record_id ? { recordType: r.record_type, recordId: r.record_id } : null,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type TaskView = ReturnType<typeof taskView>;

/** The fields an audit diff compares (not timestamps or the reminder's bookkeeping). */
export function taskAuditFields(view: TaskView): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, id: _id, remindedAt: _r, ...rest } = view;
  return rest;
}
