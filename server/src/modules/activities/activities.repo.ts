import type { Queryable } from '../../db/database.ts';
import type { ActivityLink, FormSubmissionDetails } from './activities.schema.ts';

/** A meeting attendee as stored. */
export type Attendee = { email: string; name: string | null; contactId: string | null };

/** An activity row as stored (without its search vector). */
export type ActivityRow = {
  workspace_id: string;
  id: string;
  kind: 'note' | 'call' | 'email' | 'meeting' | 'form_submission';
  subject: string | null;
  body: string | null;
  body_html: string | null;
  occurred_at: Date;
  owner_id: string | null;
  call_direction: 'inbound' | 'outbound' | null;
  call_duration_seconds: number | null;
  call_outcome: string | null;
  email_from: string | null;
  email_to: string[];
  email_cc: string[];
  meeting_start_at: Date | null;
  meeting_end_at: Date | null;
  meeting_location: string | null;
  meeting_attendees: Attendee[];
  form_submission: FormSubmissionDetails | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
};

/** The writable columns, in the order insert and update bind them. */
const activityColumns = [
  'kind',
  'subject',
  'body',
  'body_html',
  'occurred_at',
  'owner_id',
  'call_direction',
  'call_duration_seconds',
  'call_outcome',
  'email_from',
  'email_to',
  'email_cc',
  'meeting_start_at',
  'meeting_end_at',
  'meeting_location',
  'meeting_attendees',
  'form_submission',
] as const;
export type ActivityValues = Pick<ActivityRow, (typeof activityColumns)[number]>;

/** The columns an activity SELECT returns, over alias `ac`. */
export const activitySelect = `ac.workspace_id, ac.id, ${activityColumns.map((k) => `ac.${k}`).join(', ')}, ac.version, ac.created_at, ac.updated_at, ac.deleted_at`;

const jsonColumns = new Set<string>(['meeting_attendees', 'form_submission']);
const bind = (v: ActivityValues) => activityColumns.map((k) => (jsonColumns.has(k) && v[k] !== null ? JSON.stringify(v[k]) : v[k]));

/** Inserts an activity. */
export async function insertActivityRow(db: Queryable, workspaceId: string, id: string, values: ActivityValues): Promise<ActivityRow> {
  const res = await db.query<ActivityRow>(
    `INSERT INTO activities AS ac (workspace_id, id, ${activityColumns.join(', ')})
     VALUES ($1, $2, ${activityColumns.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING ${activitySelect}`,
    [workspaceId, id, ...bind(values)],
  );
  return res.rows[0] as ActivityRow;
}

/** Saves an activity if its version is still `version`; undefined when it changed meanwhile. */
export async function updateActivityRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: ActivityValues,
): Promise<ActivityRow | undefined> {
  const res = await db.query<ActivityRow>(
    `UPDATE activities ac SET ${activityColumns.map((k, i) => `${k} = $${i + 4}`).join(', ')}, version = ac.version + 1, updated_at = now()
     WHERE ac.workspace_id = $1 AND ac.id = $2 AND ac.version = $3 RETURNING ${activitySelect}`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

/** An activity by id, including one in the trash. */
export async function findActivityRow(db: Queryable, workspaceId: string, id: string): Promise<ActivityRow | undefined> {
  const res = await db.query<ActivityRow>(`SELECT ${activitySelect} FROM activities ac WHERE ac.workspace_id = $1 AND ac.id = $2`, [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

/** Activities by id (any state), for presenting timeline entries. */
export async function findActivityRows(db: Queryable, workspaceId: string, ids: string[]): Promise<ActivityRow[]> {
  if (ids.length === 0) return [];
  const res = await db.query<ActivityRow>(
    `SELECT ${activitySelect} FROM activities ac WHERE ac.workspace_id = $1 AND ac.id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  return res.rows;
}

/** Moves an activity to the trash or takes it back out. */
export async function setActivityDeleted(
  db: Queryable,
  workspaceId: string,
  id: string,
  deleted: boolean,
): Promise<ActivityRow | undefined> {
  const res = await db.query<ActivityRow>(
    `UPDATE activities ac SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = ac.version + 1, updated_at = now()
     WHERE ac.workspace_id = $1 AND ac.id = $2 RETURNING ${activitySelect}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** The links of each of `activityIds`, in a stable order (type, then record id). */
export async function linksOf(db: Queryable, workspaceId: string, activityIds: string[]): Promise<Map<string, ActivityLink[]>> {
  const out = new Map<string, ActivityLink[]>();
  if (activityIds.length === 0) return out;
  const res = await db.query<{ activity_id: string; record_type: ActivityLink['recordType']; record_id: string }>(
    `SELECT activity_id, record_type, record_id FROM activity_links
     WHERE workspace_id = $1 AND activity_id = ANY($2::uuid[]) ORDER BY activity_id, record_type, record_id`,
    [workspaceId, activityIds],
  );
  for (const r of res.rows) {
    const list = out.get(r.activity_id) ?? [];
    list.push({ recordType: r.record_type, recordId: r.record_id });
    out.set(r.activity_id, list);
  }
  return out;
}

/** Adds and removes links so that the activity is linked to exactly `links`. */
export async function replaceActivityLinks(db: Queryable, workspaceId: string, activityId: string, links: ActivityLink[]): Promise<void> {
  const types = links.map((l) => l.recordType);
  const ids = links.map((l) => l.recordId);
  await db.query(
    `DELETE FROM activity_links al WHERE al.workspace_id = $1 AND al.activity_id = $2
       AND (al.record_type, al.record_id) NOT IN (SELECT * FROM unnest($3::text[], $4::uuid[]))`,
    [workspaceId, activityId, types, ids],
  );
  await db.query(
    `INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id)
     SELECT $1, $2, l.record_type, l.record_id FROM unnest($3::text[], $4::uuid[]) AS l (record_type, record_id)
     ON CONFLICT DO NOTHING`,
    [workspaceId, activityId, types, ids],
  );
}

/** Which of `links` point at a live contact, company or deal of the workspace, as `type:id` keys. */
export async function liveLinkTargets(db: Queryable, workspaceId: string, links: ActivityLink[]): Promise<Set<string>> {
  const idsOf = (type: string) => links.filter((l) => l.recordType === type).map((l) => l.recordId);
  const res = await db.query<{ key: string }>(
    `SELECT 'contact:' || id AS key FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL
     UNION ALL
     SELECT 'company:' || id FROM companies WHERE workspace_id = $1 AND id = ANY($3::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL
     UNION ALL
     SELECT 'deal:' || id FROM deals WHERE workspace_id = $1 AND id = ANY($4::uuid[]) AND deleted_at IS NULL`,
    [workspaceId, idsOf('contact'), idsOf('company'), idsOf('deal')],
  );
  return new Set(res.rows.map((r) => r.key));
}

/** Which of `ids` are live contacts of the workspace. */
export async function liveContactIds(db: Queryable, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const res = await db.query<{ id: string }>(
    'SELECT id FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL',
    [workspaceId, ids],
  );
  return new Set(res.rows.map((r) => r.id));
}

/**
 * Moves the last-activity time of the linked contacts, companies and deals forward to
 * `occurredAt` (never back: a note about last year leaves a newer time alone).
 */
export async function touchLastActivity(db: Queryable, workspaceId: string, links: ActivityLink[], occurredAt: Date): Promise<void> {
  for (const [type, table] of [
    ['contact', 'contacts'],
    ['company', 'companies'],
    ['deal', 'deals'],
  ] as const) {
    const ids = links.filter((l) => l.recordType === type).map((l) => l.recordId);
    if (ids.length === 0) continue;
    await db.query(
      `UPDATE ${table} SET last_activity_at = greatest(last_activity_at, $3)
       WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND last_activity_at IS DISTINCT FROM greatest(last_activity_at, $3)`,
      [workspaceId, ids, occurredAt],
    );
  }
}

/**
 * Makes an activity's timeline entries match its links: entries of links that are gone are
 * removed, the others get the activity's current time and summary, and new links get an entry
 * (the caller writes those, as they carry the actor). Returns the links that have no entry yet.
 */
export async function syncActivityTimeline(
  db: Queryable,
  workspaceId: string,
  activityId: string,
  links: ActivityLink[],
  occurredAt: Date,
  data: Record<string, unknown>,
): Promise<ActivityLink[]> {
  const types = links.map((l) => l.recordType);
  const ids = links.map((l) => l.recordId);
  await db.query(
    `DELETE FROM timeline_entries te WHERE te.workspace_id = $1 AND te.activity_id = $2 AND te.kind = 'activity'
       AND (te.record_type, te.record_id) NOT IN (SELECT * FROM unnest($3::text[], $4::uuid[]))`,
    [workspaceId, activityId, types, ids],
  );
  const kept = await db.query<{ record_type: string; record_id: string }>(
    `UPDATE timeline_entries te SET occurred_at = $3, data = $4 WHERE te.workspace_id = $1 AND te.activity_id = $2 AND te.kind = 'activity'
     RETURNING te.record_type, te.record_id`,
    [workspaceId, activityId, occurredAt, JSON.stringify(data)],
  );
  const have = new Set(kept.rows.map((r) => `${r.record_type}:${r.record_id}`));
  return links.filter((l) => !have.has(`${l.recordType}:${l.recordId}`));
}
