import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import type { Deps } from './deps.ts';
import { consumersFor } from './jobs/consumers.ts';
import { scheduleMaintenance } from './jobs/maintenance.ts';
import { startOutbox } from './jobs/outbox.ts';
import { schedulePurge } from './jobs/purge.ts';
import { Queue } from './jobs/queue.ts';
import { ensureQueues } from './jobs/queues.ts';
import { scheduleReminders } from './jobs/reminders.ts';
import { BULK_QUEUE, bulkJobPayload, runBulkJob } from './modules/bulk-jobs/bulk-jobs.service.ts';
import { startImportWorker } from './modules/imports/imports.job.ts';
import { startWebhookDelivery } from './modules/webhooks/webhooks.delivery.ts';

/** A running Rapport node; `stop` shuts it down in order (HTTP, jobs, database). */
export type RunningNode = { app: FastifyInstance; deps: Deps; url: string | null; stop(): Promise<void> };

/** Starts the background side of a node: pg-boss workers, the outbox relay and scheduled jobs. */
export async function startWorker(deps: Deps): Promise<() => Promise<void>> {
  const stopOutbox = await startOutbox(deps, consumersFor(deps));
  await scheduleMaintenance(deps);
  await schedulePurge(deps);
  await scheduleReminders(deps);
  await startWebhookDelivery(deps);
  await deps.queue.work({
    name: BULK_QUEUE,
    payload: bulkJobPayload,
    batchSize: 1,
    retryLimit: 5,
    handle: (job) => runBulkJob(deps.db, job),
  });
  await startImportWorker(deps);
  return stopOutbox;
}

/**
 * Opens the database, applies migrations (refusing on failure), and starts what was asked:
 * the HTTP server (`http`), the job worker (`worker`), or both (the default `serve`). `webRoot`
 * serves a web app built elsewhere than web/dist (the benchmark keeps its own copy).
 */
export async function startNode(
  config: Config,
  options: { http: boolean; worker: boolean; db?: Database; webRoot?: string },
): Promise<RunningNode> {
  const db = options.db ?? (await openDatabase(config));
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const queue = new Queue(db);
  await queue.start();
  await ensureQueues(queue);
  const { app, deps } = await buildApp({ config, db, queue, webRoot: options.webRoot });
  const stopWorker = options.worker ? await startWorker(deps) : async () => {};
  let url: string | null = null;
  if (options.http) url = await app.listen({ port: config.port, host: config.host });
  else await app.ready();
  let stopped = false;
  return {
    app,
    deps,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await stopWorker();
      await queue.stop();
      await db.close();
    },
  };
}
