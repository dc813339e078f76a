import { z } from 'zod';
import type { Actor, Ctx } from '../../context.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import { analyzeTables } from '../../jobs/maintenance.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError } from '../../lib/errors.ts';
import { newId, uuid } from '../../lib/ids.ts';
import type { Role } from '../../policies.ts';
import { type ImportEngine, type ImportEnv, keyHash, LastRowIndex, loadImportEnv, StaleBatch, tallyPlan } from './imports.engine.ts';
import { importEngines } from './imports.engines.ts';
import { type CsvRecord, csvRecords, decodeChunks } from './imports.parse.ts';
import {
  claimImport,
  fileChunks,
  findImportRow,
  finishImportRow,
  type ImportRow,
  importRecordsPage,
  orphanedImports,
  saveImportProgress,
  setImportStatus,
} from './imports.repo.ts';
import { trashRecords } from './imports.revert.ts';
import { emitImportFinished, IMPORT_QUEUE } from './imports.service.ts';

export const importJobPayload = z.object({ workspaceId: uuid(), importId: uuid() });
export type ImportJobRef = z.infer<typeof importJobPayload>;

/** The sweep that restarts imports whose runner died (lease lapsed). */
export const IMPORT_SWEEP_QUEUE = 'imports.sweep';

/**
 * How long a runner's claim lasts without a new batch; a dead runner's import is picked up after
 * it (RAPPORT_IMPORT_LEASE_SECONDS, 30 by default).
 */
const LEASE_SECONDS = Number(process.env.RAPPORT_IMPORT_LEASE_SECONDS) > 0 ? Number(process.env.RAPPORT_IMPORT_LEASE_SECONDS) : 30;
/** After this many crashes of its job an import is marked failed rather than retried for ever. */
const MAX_FAILURES = 5;

/** Rows per checkpointed batch: one transaction writes them and advances the checkpoint. */
export function batchSizeFor(db: Database): number {
  const fromEnv = Number(process.env.RAPPORT_IMPORT_BATCH);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return db.kind === 'postgres' ? 10_000 : 5_000;
}

/** The context a job acts in: whoever created the import, with their role now. */
async function importCtx(tx: Queryable, row: ImportRow): Promise<Ctx> {
  const res = await tx.query<{ role: Role }>('SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2', [
    row.workspace_id,
    row.created_by,
  ]);
  const role = res.rows[0]?.role;
  if (!role || !row.created_by)
    throw new AppError('forbidden', 'The person who started this import is no longer a member of the workspace');
  const actor: Actor =
    row.actor_type === 'api_key' && row.actor_id
      ? { type: 'api_key', id: row.actor_id, userId: row.created_by, scope: 'read_write' }
      : { type: 'user', id: row.created_by, userId: row.created_by };
  return { workspaceId: row.workspace_id, actor, role, tx, requestId: `import:${row.id}` };
}

/** The data records of an import's file from row `after` + 1 on, in batches of `size`. */
export async function* recordBatches(db: Queryable, row: ImportRow, after: number, size: number): AsyncGenerator<CsvRecord[]> {
  const text = decodeChunks(fileChunks(db, row.workspace_id, row.id, row.chunk_count), row.encoding);
  let batch: CsvRecord[] = [];
  for await (const r of csvRecords(text, row.delimiter)) {
    if (r.row <= after) continue;
    batch.push(r);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Runs (or resumes) an import or its revert. A runner first takes the import's lease; a second
 * runner (a retried job, the sweep) leaves a live one alone. Each batch is planned, written and
 * checkpointed (rows done, counters) in one transaction that also checks this runner still holds
 * the lease and the import is still running, so a crash repeats nothing and loses nothing, and a
 * cancel stops the job before its next batch.
 */
export async function runImportJob(db: Database, ref: ImportJobRef, options: { batchSize?: number } = {}): Promise<void> {
  const runnerId = newId();
  const claimed = await db.transaction((tx) => claimImport(tx, ref.workspaceId, ref.importId, runnerId, LEASE_SECONDS));
  if (!claimed) return;
  try {
    if (claimed.status === 'reverting') await runRevert(db, claimed, runnerId);
    else await runImport(db, claimed, runnerId, options.batchSize ?? batchSizeFor(db));
  } catch (err) {
    if (err instanceof AppError) {
      await db.transaction(async (tx) => {
        const row = await findImportRow(tx, ref.workspaceId, ref.importId, true);
        if (!row || row.runner_id !== runnerId) return;
        const failed = await finishImportRow(tx, ref.workspaceId, ref.importId, 'failed', err.message);
        await emitImportFinished({ workspaceId: ref.workspaceId, actor: systemLike(row), role: 'owner', tx }, failed);
      });
      return;
    }
    // Anything else (the database went away, a bug): free the lease so a retry resumes at once,
    // and give up after a few tries.
    await db
      .query(
        `UPDATE imports SET lease_until = NULL, failures = failures + 1,
           status = CASE WHEN failures + 1 >= $4 THEN 'failed' ELSE status END,
           error = CASE WHEN failures + 1 >= $4 THEN $5 ELSE error END
         WHERE workspace_id = $1 AND id = $2 AND runner_id = $3`,
        [ref.workspaceId, ref.importId, runnerId, MAX_FAILURES, `The import stopped after repeated errors: ${String(err)}`.slice(0, 2000)],
      )
      .catch(() => {});
    throw err;
  }
}

const systemLike = (row: ImportRow): Actor =>
  row.created_by ? { type: 'user', id: row.created_by, userId: row.created_by } : { type: 'system', id: null, userId: null };

/** Locks the import and checks this runner may write its next batch (still running, still its lease, at `done`). */
async function stillMine(tx: Queryable, row: ImportRow, runnerId: string, status: string, done?: number): Promise<ImportRow | undefined> {
  const now = await findImportRow(tx, row.workspace_id, row.id, true);
  if (!now || now.status !== status || now.runner_id !== runnerId) return undefined;
  if (done !== undefined && now.rows_done !== done) return undefined;
  return now;
}

/**
 * Indexes the file's keys before an import (or dry run) with a key: the last row of each, so a
 * row a later one replaces is skipped wherever the batch boundaries fall, on a resume too.
 */
export async function indexKeys(db: Queryable, row: ImportRow, engine: ImportEngine, env: ImportEnv): Promise<void> {
  if (env.upsertKey === 'none') return;
  const last = new LastRowIndex();
  const text = decodeChunks(fileChunks(db, row.workspace_id, row.id, row.chunk_count), row.encoding);
  for await (const r of csvRecords(text, row.delimiter)) {
    if (r.row === 0) continue;
    const key = engine.key(env, r.cells);
    if (key !== undefined) last.set(keyHash(key), r.row);
  }
  env.lastRowOfKey = last;
}

/**
 * The batches of `source`, each read and prepared while the one before it is being processed:
 * parsing the file and checking cells overlap the database's work on the previous batch.
 */
export async function* readAhead<T>(source: AsyncGenerator<T>, prepare: (item: T) => Promise<void> | undefined): AsyncGenerator<T> {
  const pull = () => {
    const p = source.next().then(async (r) => {
      if (!r.done) await prepare(r.value);
      return r;
    });
    // A failure surfaces when the batch is awaited, not as an unhandled rejection meanwhile.
    p.catch(() => {});
    return p;
  };
  let next = pull();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = pull();
      yield r.value;
    }
  } finally {
    // Stopped early (cancelled, lost the lease, failed): the batch read ahead is dropped.
    await next.then(() => source.return(undefined)).catch(() => {});
  }
}

async function runImport(db: Database, claimed: ImportRow, runnerId: string, batchSize: number): Promise<void> {
  const engine = importEngines[claimed.object_type] as ImportEngine;
  const env = await db.transaction(async (tx) => loadImportEnv(await importCtx(tx, claimed), claimed));
  await indexKeys(db, claimed, engine, env);
  let done = claimed.rows_done;
  for await (const batch of readAhead(recordBatches(db, claimed, done, batchSize), (b) => engine.prepare?.(env, b))) {
    const writeBatch = () =>
      db.transaction(async (tx) => {
        if (!(await stillMine(tx, claimed, runnerId, 'running', done))) return false;
        const ctx = await importCtx(tx, claimed);
        const plan = await engine.plan(ctx, env, batch, { lock: true });
        await plan.write(ctx);
        const t = tallyPlan(plan.rows);
        await saveImportProgress(tx, claimed.workspace_id, claimed.id, { rows: batch.length, ...t }, LEASE_SECONDS);
        return true;
      });
    let ok = false;
    for (let attempt = 1; ; attempt++) {
      try {
        ok = await writeBatch();
        break;
      } catch (err) {
        if (!(err instanceof StaleBatch) || attempt >= 5) throw err;
      }
    }
    if (!ok) return;
    done += batch.length;
  }
  await db.transaction(async (tx) => {
    if (!(await stillMine(tx, claimed, runnerId, 'running', done))) return;
    const ctx = await importCtx(tx, claimed);
    const finished = await finishImportRow(tx, claimed.workspace_id, claimed.id, 'completed');
    await recordWrite(ctx, {
      recordType: 'import',
      recordId: claimed.id,
      action: 'update',
      before: { status: 'running' },
      after: {
        status: 'completed',
        created: finished.created,
        updated: finished.updated,
        unchanged: finished.unchanged,
        failed: finished.failed,
      },
    });
    await emitImportFinished(ctx, finished);
  });
  // A bulk write leaves the planner with the statistics of smaller tables until autovacuum gets to
  // them (on the embedded database, until the nightly vacuum): refresh them now. Only a
  // refinement, so a failure here does not fail the finished import.
  await analyzeTables(db, analyzedAfter[claimed.object_type] ?? []).catch(() => {});
}

/** The tables an import of each kind writes to, directly or through triggers. */
const analyzedAfter: Record<string, string[]> = {
  contacts: ['contacts', 'companies', 'contact_companies', 'custom_field_values', 'search_terms'],
  companies: ['companies', 'custom_field_values', 'search_terms'],
  deals: ['deals', 'deal_contacts', 'custom_field_values', 'search_terms'],
  activities: ['activities', 'activity_links', 'timeline_entries'],
};

/** Reverts in pages of the records the import touched, each page in one transaction. */
async function runRevert(db: Database, claimed: ImportRow, runnerId: string): Promise<void> {
  const engine = importEngines[claimed.object_type] as ImportEngine;
  let after: string | null = null;
  let env: ImportEnv | undefined;
  for (;;) {
    const more: boolean = await db.transaction(async (tx) => {
      if (!(await stillMine(tx, claimed, runnerId, 'reverting'))) return false;
      const ctx = await importCtx(tx, claimed);
      env ??= await loadImportEnv(ctx, claimed);
      const page = await importRecordsPage(tx, claimed.workspace_id, claimed.id, after, 2000);
      if (page.length === 0) {
        const done = await setImportStatus(tx, claimed.workspace_id, claimed.id, 'reverted');
        await recordWrite(ctx, {
          recordType: 'import',
          recordId: claimed.id,
          action: 'update',
          before: { status: 'reverting' },
          after: { status: done.status },
        });
        return false;
      }
      await engine.revert(
        ctx,
        env,
        page.filter((r) => r.record_type === engine.recordType),
      );
      await trashRecords(
        ctx,
        'companies',
        page.filter((r) => r.record_type === 'company' && engine.recordType !== 'company').map((r) => r.record_id),
      );
      await tx.query('UPDATE imports SET lease_until = now() + make_interval(secs => $3) WHERE workspace_id = $1 AND id = $2', [
        claimed.workspace_id,
        claimed.id,
        LEASE_SECONDS,
      ]);
      after = page.at(-1)?.record_id ?? null;
      return true;
    });
    if (!more) return;
  }
}

/** Re-enqueues imports whose runner died (its lease lapsed); runs every minute and when a worker starts. */
export async function sweepImports(deps: Pick<Deps, 'db' | 'queue'>): Promise<number> {
  const orphans = await orphanedImports(deps.db);
  await deps.queue.insert(
    IMPORT_QUEUE,
    orphans.map((o) => ({ data: { workspaceId: o.workspace_id, importId: o.id } })),
  );
  return orphans.length;
}

/** Starts the import worker and its sweep. */
export async function startImportWorker(deps: Deps): Promise<void> {
  await deps.queue.work({
    name: IMPORT_QUEUE,
    payload: importJobPayload,
    batchSize: 1,
    retryLimit: 5,
    // A long import outlives the job's expiry; the retried job finds the lease held and returns,
    // while the runner goes on. The lease, not pg-boss, keeps two runners apart.
    handle: (job) => runImportJob(deps.db, job),
  });
  await deps.queue.work({
    name: IMPORT_SWEEP_QUEUE,
    payload: z.object({}).passthrough(),
    batchSize: 1,
    handle: async () => void (await sweepImports(deps)),
  });
  await deps.queue.schedule(IMPORT_SWEEP_QUEUE, '* * * * *');
  await sweepImports(deps);
  // A node restarted after a crash finds its own imports still leased by the runner that died:
  // look again once that lease has run out, so they resume within a lease instead of at the next
  // minute's sweep.
  setTimeout(
    () => void sweepImports(deps).catch((err) => deps.log.warn({ err }, 'import sweep after start failed')),
    (LEASE_SECONDS + 1) * 1000,
  ).unref();
}
