import { z } from 'zod';
import type { Actor, Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Queue } from '../../jobs/queue.ts';
import { recordWrite } from '../../lib/audit.ts';
import { encodeCursor } from '../../lib/cursor.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { compileFilters, type FilterGroups } from '../../lib/filters.ts';
import { newId, uuid } from '../../lib/ids.ts';
import { listRecords } from '../../lib/record-list.ts';
import { SqlParams } from '../../lib/sql-params.ts';
import { authorize, type Role } from '../../policies.ts';
import { bulkHandlers } from './bulk-jobs.handlers.ts';
import { type BulkJobRow, findBulkJob, insertBulkJob, listBulkJobs as listRows, saveBulkProgress } from './bulk-jobs.repo.ts';
import type { bulkJobSchema, createBulkJobBody } from './bulk-jobs.schema.ts';

/** The queue bulk jobs run on. */
export const BULK_QUEUE = 'bulk.run';
/** Records per checkpointed chunk. */
const CHUNK = 500;

export const bulkJobPayload = z.object({ workspaceId: uuid(), jobId: uuid() });

/** A job as the API shows it. */
export function presentBulkJob(j: BulkJobRow): z.infer<typeof bulkJobSchema> {
  const done = j.processed;
  return {
    id: j.id,
    objectType: j.object_type,
    operation: j.operation,
    filterGroups: j.filter_groups,
    patch: j.patch,
    status: j.status,
    total: j.total,
    processed: j.processed,
    failed: j.failed,
    progress: j.status === 'completed' ? 1 : j.total ? Math.min(1, done / j.total) : 0,
    error: j.error,
    createdBy: j.created_by,
    createdAt: j.created_at.toISOString(),
    finishedAt: j.finished_at?.toISOString() ?? null,
  };
}

function handlerFor(objectType: string) {
  const handler = bulkHandlers[objectType];
  if (!handler)
    throw new AppError('validation_failed', `Bulk jobs do not run on ${objectType} records`, [
      { field: 'body.objectType', message: 'Not supported' },
    ]);
  return handler;
}

/**
 * Queues a bulk update or delete of every record matching the filter. The filter and patch are
 * validated now (400 naming the bad part); the job is enqueued in the same transaction.
 */
export async function createBulkJob(ctx: Ctx, queue: Queue, input: z.infer<typeof createBulkJobBody>): Promise<BulkJobRow> {
  // Writers only; each record's own rules (owner, reassign) are checked as its chunk runs.
  authorize(ctx, 'records.create');
  const handler = handlerFor(input.objectType);
  compileFilters(handler.type, await handler.fields(ctx), input.filterGroups as FilterGroups, new SqlParams(), 'body.filterGroups');
  if (input.operation === 'update') {
    if (!input.patch || Object.keys(input.patch).length === 0) {
      throw new AppError('validation_failed', 'An update needs a patch', [{ field: 'body.patch', message: 'Give the fields to set' }]);
    }
    const parsed = handler.patchSchema.safeParse(input.patch);
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        'The patch is not valid',
        parsed.error.issues.map((i) => ({
          field: ['body.patch', ...i.path.map(String), ...('keys' in i ? (i.keys as string[]) : [])].join('.'),
          message: i.message,
        })),
      );
    }
  }
  const job = await insertBulkJob(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    objectType: input.objectType,
    operation: input.operation,
    filterGroups: input.filterGroups,
    patch: input.operation === 'update' ? input.patch : null,
    createdBy: ctx.actor.userId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
  });
  await recordWrite(ctx, {
    recordType: 'bulk_job',
    recordId: job.id,
    action: 'create',
    before: null,
    after: { objectType: job.object_type, operation: job.operation, filterGroups: job.filter_groups, patch: job.patch },
  });
  await queue.send(BULK_QUEUE, { workspaceId: ctx.workspaceId, jobId: job.id }, { tx: ctx.tx });
  return job;
}

/** One job of the workspace. */
export async function getBulkJob(ctx: Ctx, id: string): Promise<BulkJobRow> {
  authorize(ctx, 'records.read');
  const job = await findBulkJob(ctx.tx, ctx.workspaceId, id);
  if (!job) throw notFound('Bulk job');
  return job;
}

/** The workspace's recent jobs. */
export async function listBulkJobs(ctx: Ctx, limit: number): Promise<BulkJobRow[]> {
  authorize(ctx, 'records.read');
  return listRows(ctx.tx, ctx.workspaceId, limit);
}

/** The context a job acts in: whoever created it, with their role now (a removed member's job fails). */
async function jobCtx(tx: Ctx['tx'], job: BulkJobRow): Promise<Ctx> {
  const res = await tx.query<{ role: Role }>('SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2', [
    job.workspace_id,
    job.created_by,
  ]);
  const role = res.rows[0]?.role;
  if (!role || !job.created_by) throw new AppError('forbidden', 'The person who started this job is no longer a member of the workspace');
  const actor: Actor =
    job.actor_type === 'api_key' && job.actor_id
      ? { type: 'api_key', id: job.actor_id, userId: job.created_by, scope: 'read_write' }
      : { type: 'user', id: job.created_by, userId: job.created_by };
  return { workspaceId: job.workspace_id, actor, role, tx, requestId: `bulk-job:${job.id}` };
}

/**
 * Runs (or resumes) a bulk job: chunk by chunk in id order, each chunk and its checkpoint in one
 * transaction, so a crash repeats nothing and loses nothing. Safe to call again on a finished job.
 */
export async function runBulkJob(db: Database, ref: z.infer<typeof bulkJobPayload>): Promise<void> {
  for (;;) {
    let finished = true;
    try {
      finished = await db.transaction(async (tx) => {
        const job = await findBulkJob(tx, ref.workspaceId, ref.jobId, true);
        if (!job || job.status === 'completed' || job.status === 'failed') return true;
        const ctx = await jobCtx(tx, job);
        const handler = handlerFor(job.object_type);
        const page = await listRecords<{ id: string }>(tx, {
          type: handler.type,
          fields: await handler.fields(ctx),
          workspaceId: job.workspace_id,
          filterGroups: job.filter_groups as FilterGroups,
          sort: [{ field: 'id', direction: 'asc' }],
          limit: CHUNK,
          cursor: job.last_id ? encodeCursor([job.last_id]) : undefined,
          select: `${handler.type.alias}.id`,
          withTotal: job.total === null,
        });
        const ids = page.rows.map((r) => r.id);
        if (ids.length === 0) {
          await saveBulkProgress(tx, job.workspace_id, job.id, {
            status: 'completed',
            total: page.total,
            processedDelta: 0,
            failedDelta: 0,
            lastId: null,
            finished: true,
          });
          return true;
        }
        const result = job.operation === 'update' ? await handler.update(ctx, ids, job.patch ?? {}) : await handler.delete(ctx, ids);
        await saveBulkProgress(tx, job.workspace_id, job.id, {
          status: 'running',
          total: page.total,
          processedDelta: ids.length,
          failedDelta: result.failed,
          lastId: ids.at(-1) ?? null,
          finished: false,
        });
        return false;
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await saveBulkProgress(db, ref.workspaceId, ref.jobId, {
        status: 'failed',
        processedDelta: 0,
        failedDelta: 0,
        lastId: null,
        error: err.message,
        finished: true,
      });
      return;
    }
    if (finished) return;
  }
}
