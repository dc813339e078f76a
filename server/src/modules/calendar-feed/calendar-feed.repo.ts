import type { Queryable } from '../../db/database.ts';

/** A calendar feed row (the token itself is never stored, only its hash). */
export type CalendarFeedRow = {
  workspace_id: string;
  id: string;
  user_id: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
};

const columns = 'workspace_id, id, user_id, prefix, created_at, last_used_at';

/** The feed of a user in a workspace, if they have one. */
export async function findUserFeed(db: Queryable, workspaceId: string, userId: string): Promise<CalendarFeedRow | undefined> {
  const res = await db.query<CalendarFeedRow>(`SELECT ${columns} FROM calendar_feeds WHERE workspace_id = $1 AND user_id = $2`, [
    workspaceId,
    userId,
  ]);
  return res.rows[0];
}

/** Replaces the user's feed (the old token stops working in the same statement's transaction). */
export async function replaceUserFeed(
  db: Queryable,
  f: { workspaceId: string; id: string; userId: string; tokenHash: string; prefix: string },
): Promise<CalendarFeedRow> {
  await db.query('DELETE FROM calendar_feeds WHERE workspace_id = $1 AND user_id = $2', [f.workspaceId, f.userId]);
  const res = await db.query<CalendarFeedRow>(
    `INSERT INTO calendar_feeds (workspace_id, id, user_id, token_hash, prefix) VALUES ($1, $2, $3, $4, $5) RETURNING ${columns}`,
    [f.workspaceId, f.id, f.userId, f.tokenHash, f.prefix],
  );
  return res.rows[0] as CalendarFeedRow;
}

/** Deletes the user's feed; returns it, or undefined if there was none. */
export async function deleteUserFeed(db: Queryable, workspaceId: string, userId: string): Promise<CalendarFeedRow | undefined> {
  const res = await db.query<CalendarFeedRow>(`DELETE FROM calendar_feeds WHERE workspace_id = $1 AND user_id = $2 RETURNING ${columns}`, [
    workspaceId,
    userId,
  ]);
  return res.rows[0];
}

/** A feed by token hash, with its owner's email and the workspace name, while the owner is still a member. */
export async function findFeedByTokenHash(
  db: Queryable,
  tokenHash: string,
): Promise<(CalendarFeedRow & { user_email: string; workspace_name: string }) | undefined> {
  const res = await db.query<CalendarFeedRow & { user_email: string; workspace_name: string }>(
    `SELECT ${columns.replace(/(\w+)/g, 'f.$1')}, u.email AS user_email, w.name AS workspace_name
     FROM calendar_feeds f
     JOIN memberships m ON m.workspace_id = f.workspace_id AND m.user_id = f.user_id
     JOIN users u ON u.id = f.user_id
     JOIN workspaces w ON w.id = f.workspace_id
     WHERE f.token_hash = $1`,
    [tokenHash],
  );
  return res.rows[0];
}

/** Records that a feed was read, at most once a minute. */
export async function touchFeed(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE calendar_feeds SET last_used_at = now()
     WHERE workspace_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [workspaceId, id],
  );
}

/** A task as the feed shows it. */
export type FeedTaskRow = {
  id: string;
  title: string;
  notes: string | null;
  due_at: Date | null;
  priority: 'low' | 'normal' | 'high';
  status: 'open' | 'completed';
  completed_at: Date | null;
  record_type: string | null;
  record_id: string | null;
  created_at: Date;
  updated_at: Date;
};

/** At most this many tasks and this many meetings in one feed. */
export const FEED_LIMIT = 2000;

/** The user's open tasks and those completed in the last 30 days, soonest due first. */
export async function feedTasks(db: Queryable, workspaceId: string, userId: string): Promise<FeedTaskRow[]> {
  const res = await db.query<FeedTaskRow>(
    `SELECT id, title, notes, due_at, priority, status, completed_at, record_type, record_id, created_at, updated_at
     FROM tasks
     WHERE workspace_id = $1 AND assignee_id = $2 AND deleted_at IS NULL
       AND (status = 'open' OR completed_at > now() - interval '30 days')
     ORDER BY due_at NULLS LAST, id
     LIMIT ${FEED_LIMIT}`,
    [workspaceId, userId],
  );
  return res.rows;
}

/** A meeting as the feed shows it. */
export type FeedMeetingRow = {
  id: string;
  subject: string | null;
  body: string | null;
  start_at: Date;
  end_at: Date | null;
  meeting_location: string | null;
  meeting_attendees: { email: string; name?: string | null }[];
  created_at: Date;
  updated_at: Date;
};

/**
 * Meetings the user owns or is invited to (an attendee with their email), from 90 days back to
 * a year ahead.
 */
export async function feedMeetings(db: Queryable, workspaceId: string, userId: string, email: string): Promise<FeedMeetingRow[]> {
  const res = await db.query<FeedMeetingRow>(
    `SELECT id, subject, body, coalesce(meeting_start_at, occurred_at) AS start_at, meeting_end_at AS end_at,
            meeting_location, meeting_attendees, created_at, updated_at
     FROM activities a
     WHERE workspace_id = $1 AND kind = 'meeting' AND deleted_at IS NULL
       AND coalesce(meeting_start_at, occurred_at) BETWEEN now() - interval '90 days' AND now() + interval '365 days'
       AND (owner_id = $2 OR EXISTS (
         SELECT 1 FROM jsonb_array_elements(a.meeting_attendees) att WHERE lower(att->>'email') = lower($3)))
     ORDER BY start_at, id
     LIMIT ${FEED_LIMIT}`,
    [workspaceId, userId, email],
  );
  return res.rows;
}
