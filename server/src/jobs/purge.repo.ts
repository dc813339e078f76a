import type { Queryable } from '../db/database.ts';

/** The record types that go to the trash, and their tables (a closed set, safe to interpolate). */
export const trashTables = {
  activity: 'activities',
  task: 'tasks',
  deal: 'deals',
  contact: 'contacts',
  company: 'companies',
} as const;
export type TrashedType = keyof typeof trashTables;

/** One record, by its full key. */
export type RecordKey = { workspace_id: string; id: string };
/** A row changed because a record it pointed at was purged, and what it pointed at. */
export type Detached = { workspace_id: string; id: string; from: string };

/** `keys` as the two uuid[] parameters the statements below unnest. */
const unnestParams = (keys: RecordKey[]) => [keys.map((k) => k.workspace_id), keys.map((k) => k.id)];

/**
 * Locks and returns up to `limit` records of `type` deleted before `cutoff`, oldest first, across
 * workspaces; rows another purge holds are skipped so two workers never fight over a batch.
 */
export async function lockTrashBatch(tx: Queryable, type: TrashedType, cutoff: Date, limit: number): Promise<RecordKey[]> {
  const res = await tx.query<RecordKey>(
    `SELECT workspace_id, id FROM ${trashTables[type]} WHERE deleted_at < $1 ORDER BY deleted_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoff, limit],
  );
  return res.rows;
}

/** Clears the company of every deal (live or trashed) at one of these companies. */
export async function clearDealCompanies(tx: Queryable, companies: RecordKey[]): Promise<Detached[]> {
  const res = await tx.query<Detached>(
    `UPDATE deals d SET company_id = NULL, version = d.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE d.workspace_id = k.workspace_id AND d.company_id = k.id
     RETURNING d.workspace_id, d.id, k.id AS "from"`,
    unnestParams(companies),
  );
  return res.rows;
}

/** Clears the parent of every company whose parent is one of these companies. */
export async function clearParentCompanies(tx: Queryable, companies: RecordKey[]): Promise<Detached[]> {
  const res = await tx.query<Detached>(
    `UPDATE companies co SET parent_company_id = NULL, version = co.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE co.workspace_id = k.workspace_id AND co.parent_company_id = k.id
     RETURNING co.workspace_id, co.id, k.id AS "from"`,
    unnestParams(companies),
  );
  return res.rows;
}

/** Detaches tasks from these records (the tasks themselves stay). */
export async function clearTaskRecords(tx: Queryable, type: TrashedType, records: RecordKey[]): Promise<Detached[]> {
  const res = await tx.query<Detached>(
    `UPDATE tasks t SET record_type = NULL, record_id = NULL, version = t.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE t.workspace_id = k.workspace_id AND t.record_type = $3 AND t.record_id = k.id
     RETURNING t.workspace_id, t.id, k.id AS "from"`,
    [...unnestParams(records), type],
  );
  return res.rows;
}

/** Removes activities' links to these records (the activities stay, linked to the rest). */
export async function unlinkActivities(tx: Queryable, type: TrashedType, records: RecordKey[]): Promise<Detached[]> {
  const res = await tx.query<Detached>(
    `WITH gone AS (
       DELETE FROM activity_links al USING unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
       WHERE al.workspace_id = k.workspace_id AND al.record_type = $3 AND al.record_id = k.id
       RETURNING al.workspace_id, al.activity_id, al.record_id
     ), bumped AS (
       UPDATE activities ac SET version = ac.version + 1, updated_at = now()
       FROM (SELECT DISTINCT workspace_id, activity_id FROM gone) g
       WHERE ac.workspace_id = g.workspace_id AND ac.id = g.activity_id
     )
     SELECT workspace_id, activity_id AS id, record_id AS "from" FROM gone`,
    [...unnestParams(records), type],
  );
  return res.rows;
}

/** Deletes the timeline of these records (entries shown on them). */
export async function deleteTimelinesOf(tx: Queryable, type: 'contact' | 'company' | 'deal', records: RecordKey[]): Promise<void> {
  await tx.query(
    `DELETE FROM timeline_entries te USING unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE te.workspace_id = k.workspace_id AND te.record_type = $3 AND te.record_id = k.id`,
    [...unnestParams(records), type],
  );
}

/** Deletes the timeline entries, on any record, that show one of these activities or tasks. */
export async function deleteTimelineEntriesFor(tx: Queryable, type: 'activity' | 'task', records: RecordKey[]): Promise<void> {
  const column = type === 'activity' ? 'activity_id' : 'task_id';
  await tx.query(
    `DELETE FROM timeline_entries te USING unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE te.workspace_id = k.workspace_id AND te.${column} = k.id`,
    unnestParams(records),
  );
}

/** Deletes the records themselves; their own link rows go with them (ON DELETE CASCADE). */
export async function deleteRecords(tx: Queryable, type: TrashedType, records: RecordKey[]): Promise<void> {
  await tx.query(
    `DELETE FROM ${trashTables[type]} r USING unnest($1::uuid[], $2::uuid[]) AS k (workspace_id, id)
     WHERE r.workspace_id = k.workspace_id AND r.id = k.id`,
    unnestParams(records),
  );
}
