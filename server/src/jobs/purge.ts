import { z } from 'zod';
import { systemActor } from '../context.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { type RecordedWrite, recordWrites } from '../lib/audit.ts';
import {
  clearDealCompanies,
  clearParentCompanies,
  clearTaskRecords,
  type Detached,
  deleteRecords,
  deleteTimelineEntriesFor,
  deleteTimelinesOf,
  lockTrashBatch,
  type TrashedType,
  unlinkActivities,
} from './purge.repo.ts';

/** How long a deleted record stays restorable in the trash before it is purged. */
export const TRASH_RETENTION_DAYS = 30;

/**
 * The order types are purged in: records that point at others (activities, tasks, deals) go
 * before what they point at, so fewer surviving rows need detaching.
 */
const purgeOrder: TrashedType[] = ['activity', 'task', 'deal', 'contact', 'company'];

/** An audited write in some workspace (a purge batch spans workspaces). */
type WorkspaceWrite = RecordedWrite & { workspaceId: string };

/**
 * Permanently deletes contacts, companies, deals, activities and tasks that have been in the
 * trash longer than the retention period, in batches of `batchSize`, each its own transaction
 * (so a crash loses no more than the batch in flight, and the job resumes where it stopped).
 * Every purged record gets its own audit row (action `delete`, changes `{ purged: false → true }`)
 * and a `<type>.purged` event; rows that pointed at it (deals at a company, child companies,
 * tasks, activity links) are detached first, each with an audit row of its own.
 * Returns how many records of each type were purged.
 */
export async function purgeTrash(db: Database, options: { batchSize?: number } = {}): Promise<Record<TrashedType, number>> {
  const cutoff = new Date(Date.now() - TRASH_RETENTION_DAYS * 86_400_000);
  const batchSize = options.batchSize ?? 200;
  const purged: Record<TrashedType, number> = { activity: 0, task: 0, deal: 0, contact: 0, company: 0 };
  for (const type of purgeOrder) {
    for (;;) {
      const n = await db.transaction((tx) => purgeBatch(tx, type, cutoff, batchSize));
      purged[type] += n;
      if (n < batchSize) break;
    }
  }
  return purged;
}

/** Purges one batch of one type in the caller's transaction; returns how many records went. */
async function purgeBatch(tx: Queryable, type: TrashedType, cutoff: Date, limit: number): Promise<number> {
  const batch = await lockTrashBatch(tx, type, cutoff, limit);
  if (batch.length === 0) return 0;
  const writes: WorkspaceWrite[] = [];
  if (type === 'company') {
    writes.push(...detachWrites(type, 'deal', await clearDealCompanies(tx, batch), (r) => ({ companyId: r.from })));
    // A child company purged in this same batch needs no history of losing its parent.
    const inBatch = new Set(batch.map((r) => r.id));
    const children = (await clearParentCompanies(tx, batch)).filter((r) => !inBatch.has(r.id));
    writes.push(...detachWrites(type, 'company', children, (r) => ({ parentCompanyId: r.from })));
  }
  if (type === 'contact' || type === 'company' || type === 'deal') {
    const tasks = await clearTaskRecords(tx, type, batch);
    writes.push(...detachWrites(type, 'task', tasks, (r) => ({ recordType: type, recordId: r.from })));
    const activities = await unlinkActivities(tx, type, batch);
    writes.push(...detachWrites(type, 'activity', activities, (r) => ({ link: { recordType: type, recordId: r.from } })));
    await deleteTimelinesOf(tx, type, batch);
  } else {
    await deleteTimelineEntriesFor(tx, type, batch);
  }
  await deleteRecords(tx, type, batch);
  for (const record of batch) {
    writes.push({
      workspaceId: record.workspace_id,
      recordType: type,
      recordId: record.id,
      action: 'delete',
      before: { purged: false },
      after: { purged: true },
      event: `${type}.purged`,
    });
  }
  await auditByWorkspace(tx, writes);
  return batch.length;
}

/**
 * The audit rows of rows that lost a reference to a purged `cause` record: `cleared` gives the
 * API fields that were cleared and their old values (all now null).
 */
function detachWrites(
  cause: TrashedType,
  recordType: string,
  rows: Detached[],
  cleared: (row: Detached) => Record<string, unknown>,
): WorkspaceWrite[] {
  return rows.map((row) => {
    const before = cleared(row);
    return {
      workspaceId: row.workspace_id,
      recordType,
      recordId: row.id,
      action: 'update',
      before,
      after: Object.fromEntries(Object.keys(before).map((k) => [k, null])),
      payload: { cause: { purged: { recordType: cause, recordId: row.from } } },
    };
  });
}

/** Records the writes of a batch, grouped per workspace, as the system actor. */
async function auditByWorkspace(tx: Queryable, writes: WorkspaceWrite[]): Promise<void> {
  const byWorkspace = new Map<string, RecordedWrite[]>();
  for (const { workspaceId, ...write } of writes) {
    const group = byWorkspace.get(workspaceId) ?? [];
    group.push(write);
    byWorkspace.set(workspaceId, group);
  }
  for (const [workspaceId, group] of byWorkspace) {
    await recordWrites({ workspaceId, actor: systemActor, role: 'owner', tx }, group);
  }
}

/** Registers the daily purge of the trash as a scheduled job. */
export async function schedulePurge(deps: Deps): Promise<void> {
  const name = 'records.purge-trash';
  await deps.queue.work({
    name,
    payload: z.object({}).passthrough(),
    retryLimit: 3,
    // Each batch commits on its own, so a job cut short by expiry resumes where it stopped.
    expireInSeconds: 3600,
    handle: async () => {
      const purged = await purgeTrash(deps.db);
      deps.log.info({ purged }, 'purged the trash');
    },
  });
  await deps.queue.schedule(name, '41 3 * * *');
}
