import type { Queryable } from '../../db/database.ts';

/** A notification row as stored. */
export type NotificationRow = {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string | null;
  record_type: string | null;
  record_id: string | null;
  source_key: string | null;
  read_at: Date | null;
  created_at: Date;
};

const select = 'n.id, n.user_id, n.kind, n.title, n.body, n.record_type, n.record_id, n.source_key, n.read_at, n.created_at';

/** A page of a user's notifications, newest first (ids are time-ordered), optionally only unread ones. */
export async function notificationsPage(
  db: Queryable,
  input: { workspaceId: string; userId: string; limit: number; before?: string; unreadOnly: boolean },
): Promise<NotificationRow[]> {
  const res = await db.query<NotificationRow>(
    `SELECT ${select} FROM notifications n
     WHERE n.workspace_id = $1 AND n.user_id = $2 AND ($3::uuid IS NULL OR n.id < $3) AND (NOT $4 OR n.read_at IS NULL)
     ORDER BY n.id DESC LIMIT $5`,
    [input.workspaceId, input.userId, input.before ?? null, input.unreadOnly, input.limit],
  );
  return res.rows;
}

/** How many of a user's notifications are unread. */
export async function unreadCount(db: Queryable, workspaceId: string, userId: string): Promise<number> {
  const res = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL',
    [workspaceId, userId],
  );
  return res.rows[0]?.n ?? 0;
}

/** One of a user's notifications (another user's is not found). */
export async function findNotification(
  db: Queryable,
  workspaceId: string,
  userId: string,
  id: string,
): Promise<NotificationRow | undefined> {
  const res = await db.query<NotificationRow>(
    `SELECT ${select} FROM notifications n WHERE n.workspace_id = $1 AND n.user_id = $2 AND n.id = $3`,
    [workspaceId, userId, id],
  );
  return res.rows[0];
}

/** Marks a user's unread notifications read (all, or the one `id`); returns those it marked. */
export async function markRead(db: Queryable, workspaceId: string, userId: string, id?: string): Promise<NotificationRow[]> {
  const res = await db.query<NotificationRow>(
    `UPDATE notifications n SET read_at = now()
     WHERE n.workspace_id = $1 AND n.user_id = $2 AND n.read_at IS NULL AND ($3::uuid IS NULL OR n.id = $3) RETURNING ${select}`,
    [workspaceId, userId, id ?? null],
  );
  return res.rows;
}
