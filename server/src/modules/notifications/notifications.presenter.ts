import type { NotificationRow } from './notifications.repo.ts';

/** A notification as the API shows it. */
export function notificationView(r: NotificationRow) {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    record: r.record_type && r.record_id ? { recordType: r.record_type, recordId: r.record_id } : null,
    readAt: r.read_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}
