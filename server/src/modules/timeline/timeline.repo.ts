import type { Queryable } from '../../db/database.ts';
import { SqlParams } from '../../lib/sql-params.ts';
import type { TimelineTarget } from '../../records/timeline.ts';
import { type ActivityRow, activitySelect } from '../activities/activities.repo.ts';
import type { ActivityLink } from '../activities/activities.schema.ts';

/** A timeline entry as stored, with its exact position (microseconds) for cursors. */
export type TimelineRow = {
  id: string;
  record_type: TimelineTarget['recordType'];
  record_id: string;
  kind: string;
  occurred_at: Date;
  position: string;
  activity_id: string | null;
  task_id: string | null;
  actor_type: string | null;
  actor_id: string | null;
  data: Record<string, unknown>;
  /** The activity of an `activity` entry, with the records it is linked to. */
  activity: { row: ActivityRow; links: ActivityLink[] } | null;
};

/** Whether a record exists here, is in the trash, or was merged into another (contacts and companies). */
export type RecordState = { deleted: boolean; mergedInto: string | null };

const tables = { contact: 'contacts', company: 'companies', deal: 'deals' } as const;

/** The state of a contact, company or deal by id; undefined when the workspace has no such record. */
export async function findRecordState(db: Queryable, workspaceId: string, target: TimelineTarget): Promise<RecordState | undefined> {
  const merged = target.recordType === 'deal' ? 'NULL::uuid' : 'merged_into';
  const res = await db.query<{ deleted: boolean; merged_into: string | null }>(
    `SELECT deleted_at IS NOT NULL AS deleted, ${merged} AS merged_into FROM ${tables[target.recordType]} WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, target.recordId],
  );
  const row = res.rows[0];
  return row ? { deleted: row.deleted, mergedInto: row.merged_into } : undefined;
}

/** What a company's timeline rolls up: its live contacts (through contact_companies) and its deals not in the trash. */
export async function companyRollupTargets(db: Queryable, workspaceId: string, companyId: string): Promise<TimelineTarget[]> {
  const res = await db.query<{ record_type: 'contact' | 'deal'; record_id: string }>(
    `SELECT 'contact' AS record_type, c.id AS record_id FROM contact_companies cc
       JOIN contacts c ON c.workspace_id = cc.workspace_id AND c.id = cc.contact_id
     WHERE cc.workspace_id = $1 AND cc.company_id = $2 AND c.deleted_at IS NULL AND c.merged_into IS NULL
     UNION ALL
     SELECT 'deal', d.id FROM deals d WHERE d.workspace_id = $1 AND d.company_id = $2 AND d.deleted_at IS NULL`,
    [workspaceId, companyId],
  );
  return res.rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id }));
}

/** Where a page starts: after the entry at this exact time and id (newest first). */
export type TimelinePosition = { occurredAt: string; id: string };

/** The activity columns a page returns beside each entry, prefixed so they cannot clash with the entry's. */
const activityColumns = activitySelect.split(', ').map((c) => `${c} AS "ac_${c.slice(3)}"`);

/** An entry row as the page statement returns it: the entry, its activity's prefixed columns, the record's state. */
type PageRow = Omit<TimelineRow, 'activity'> & { state_deleted: boolean; state_merged_into: string | null } & Record<string, unknown>;

/**
 * One page of the timelines of `targets` merged, newest first (occurred_at DESC, id DESC), with
 * each entry's activity and the records that activity is linked to, in one statement. Each
 * record is read by its own scan of the (record, occurred_at DESC, id DESC) index, limited to
 * the page size, and the scans are merged: a page costs the same at any depth and for any amount
 * of history. Entries of activities and tasks in the trash are skipped. When several records are
 * read, an activity linked to more than one of them appears once (as its entry with the greatest
 * id among them, so the choice is the same on every page).
 *
 * With `stateOf`, the statement also reads that record's state and returns the page only when it
 * is live: undefined when the workspace has no such record.
 */
export async function timelinePage(
  db: Queryable,
  workspaceId: string,
  targets: TimelineTarget[],
  page: { limit: number; after?: TimelinePosition; kinds?: string[]; stateOf?: TimelineTarget },
): Promise<{ state?: RecordState; rows: TimelineRow[] } | undefined> {
  const params = new SqlParams([workspaceId, targets.map((t) => t.recordType), targets.map((t) => t.recordId)]);
  const conditions = [
    'te.workspace_id = $1',
    'te.record_type = t.record_type',
    'te.record_id = t.record_id',
    `(te.activity_id IS NULL OR NOT EXISTS (SELECT 1 FROM activities a WHERE a.workspace_id = $1 AND a.id = te.activity_id AND a.deleted_at IS NOT NULL))`,
    `(te.task_id IS NULL OR NOT EXISTS (SELECT 1 FROM tasks tk WHERE tk.workspace_id = $1 AND tk.id = te.task_id AND tk.deleted_at IS NOT NULL))`,
  ];
  if (page.after) {
    conditions.push(`(te.occurred_at, te.id) < (${params.add(page.after.occurredAt)}::timestamptz, ${params.add(page.after.id)}::uuid)`);
  }
  if (page.kinds) conditions.push(`te.kind = ANY(${params.add(page.kinds)}::text[])`);
  if (targets.length > 1) {
    conditions.push(`(te.activity_id IS NULL OR NOT EXISTS (
      SELECT 1 FROM timeline_entries o WHERE o.workspace_id = $1 AND o.activity_id = te.activity_id AND o.id > te.id
        AND (o.record_type, o.record_id) IN (SELECT * FROM unnest($2::text[], $3::uuid[]))))`);
  }
  const limit = params.add(page.limit);
  const entries = `SELECT te.id, te.record_type, te.record_id, te.kind, te.occurred_at,
       to_char(te.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position,
       te.activity_id, te.task_id, te.actor_type, te.actor_id, te.data
     FROM unnest($2::text[], $3::uuid[]) AS t (record_type, record_id)
     CROSS JOIN LATERAL (
       SELECT te.* FROM timeline_entries te WHERE ${conditions.join(' AND ')}
       ORDER BY te.occurred_at DESC, te.id DESC LIMIT ${limit}
     ) te
     ORDER BY te.occurred_at DESC, te.id DESC LIMIT ${limit}`;
  const withActivities = (
    from: string,
    withState: boolean,
  ) => `SELECT ${withState ? 's.deleted AS state_deleted, s.merged_into AS state_merged_into, ' : ''}e.*,
       ${activityColumns.join(', ')},
       (SELECT coalesce(json_agg(json_build_object('recordType', l.record_type, 'recordId', l.record_id) ORDER BY l.record_type, l.record_id), '[]')
          FROM activity_links l WHERE l.workspace_id = $1 AND l.activity_id = ac.id) AS ac_links
     FROM ${from}
     LEFT JOIN activities ac ON ac.workspace_id = $1 AND ac.id = e.activity_id
     ORDER BY e.occurred_at DESC, e.id DESC`;
  let sql: string;
  if (page.stateOf) {
    const merged = page.stateOf.recordType === 'deal' ? 'NULL::uuid' : 'merged_into';
    const state = `SELECT deleted_at IS NOT NULL AS deleted, ${merged} AS merged_into FROM ${tables[page.stateOf.recordType]}
      WHERE workspace_id = $1 AND id = ${params.add(page.stateOf.recordId)}`;
    sql = withActivities(`(${state}) s LEFT JOIN LATERAL (${entries}) e ON NOT s.deleted AND s.merged_into IS NULL`, true);
  } else sql = withActivities(`(${entries}) e`, false);
  // A contact's or deal's page reads by key whatever the record: its plan is kept. A company's
  // roll-up reads a list of records of varying length and is planned for each.
  const res = await db.query<PageRow>(sql, params.values, { prepare: targets.length === 1 });
  const first = res.rows[0];
  if (page.stateOf && !first) return undefined;
  const state = first && page.stateOf ? { deleted: first.state_deleted, mergedInto: first.state_merged_into } : undefined;
  const rows = res.rows
    .filter((r) => r.id !== null)
    .map((r): TimelineRow => {
      const activity: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (k.startsWith('ac_') && k !== 'ac_links') activity[k.slice(3)] = v;
      return {
        id: r.id,
        record_type: r.record_type,
        record_id: r.record_id,
        kind: r.kind,
        occurred_at: r.occurred_at,
        position: r.position,
        activity_id: r.activity_id,
        task_id: r.task_id,
        actor_type: r.actor_type,
        actor_id: r.actor_id,
        data: r.data,
        activity: activity.id ? { row: activity as ActivityRow, links: (r.ac_links as ActivityLink[]) ?? [] } : null,
      };
    });
  return { state, rows };
}
