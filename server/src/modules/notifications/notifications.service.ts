import type { Ctx } from '../../context.ts';
import { recordWrites } from '../../lib/audit.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { findNotification, markRead, type NotificationRow, notificationsPage, unreadCount } from './notifications.repo.ts';

/**
 * The caller's own user id: notifications belong to a person (an API key sees its creator's).
 * Every role may read and clear their own notifications: that changes no shared data.
 */
function recipient(ctx: Ctx): string {
  authorize(ctx, 'records.read');
  if (!ctx.actor.userId) throw notFound('Notification');
  return ctx.actor.userId;
}

/** A page of the caller's notifications, newest first, with their unread count. */
export async function listNotifications(
  ctx: Ctx,
  input: { limit: number; cursor?: string; unreadOnly: boolean },
): Promise<{ rows: NotificationRow[]; nextCursor: string | null; unreadCount: number }> {
  const userId = recipient(ctx);
  let before: string | undefined;
  if (input.cursor) {
    const [id] = decodeCursor(input.cursor, 1);
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new AppError('validation_failed', 'The cursor is not valid for this list', [
        { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
      ]);
    }
    before = id;
  }
  const rows = await notificationsPage(ctx.tx, {
    workspaceId: ctx.workspaceId,
    userId,
    limit: input.limit + 1,
    before,
    unreadOnly: input.unreadOnly,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.id]) : null,
    unreadCount: await unreadCount(ctx.tx, ctx.workspaceId, userId),
  };
}

/** Audits notifications being marked read. */
async function auditRead(ctx: Ctx, rows: NotificationRow[]): Promise<void> {
  await recordWrites(
    ctx,
    rows.map((r) => ({
      recordType: 'notification',
      recordId: r.id,
      action: 'update',
      before: { readAt: null },
      after: { readAt: r.read_at?.toISOString() ?? null },
      event: 'notification.read',
    })),
  );
}

/** Marks one of the caller's notifications read (again is fine); another person's is not found. */
export async function readNotification(ctx: Ctx, id: string): Promise<NotificationRow> {
  const userId = recipient(ctx);
  const [marked] = await markRead(ctx.tx, ctx.workspaceId, userId, id);
  if (marked) {
    await auditRead(ctx, [marked]);
    return marked;
  }
  const row = await findNotification(ctx.tx, ctx.workspaceId, userId, id);
  if (!row) throw notFound('Notification');
  return row;
}

/** Marks all of the caller's notifications read; returns how many were unread. */
export async function readAllNotifications(ctx: Ctx): Promise<number> {
  const userId = recipient(ctx);
  const marked = await markRead(ctx.tx, ctx.workspaceId, userId);
  await auditRead(ctx, marked);
  return marked.length;
}
