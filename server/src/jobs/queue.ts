import { PgBoss } from 'pg-boss';
import type { z } from 'zod';
import type { Database, Queryable } from '../db/database.ts';

/** pg-boss's view of a connection: our Database or an open transaction. */
function adapter(db: Queryable) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: (await db.query(text, values)).rows };
      return { rows: await db.exec(text) };
    },
  };
}

/** A background job: a name, a Zod payload, and a handler. */
export type JobDefinition<S extends z.ZodType> = {
  name: string;
  payload: S;
  /** Runs at least once per job; must be idempotent. */
  handle(data: z.infer<S>): Promise<void>;
  batchSize?: number;
  retryLimit?: number;
  expireInSeconds?: number;
};

/**
 * The job queue: pg-boss over the same database (PGlite or PostgreSQL), so no other service
 * is needed. Jobs can be enqueued inside an application transaction, atomically with a write.
 */
export class Queue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(db: Database) {
    this.boss = new PgBoss({
      db: adapter(db),
      schema: 'pgboss',
      ...(db.kind === 'pglite' ? { backend: 'pglite' as const } : {}),
      superviseIntervalSeconds: 10,
      monitorIntervalSeconds: 10,
    });
    this.boss.on('error', () => {});
  }

  /** Installs pg-boss's schema if needed and starts its supervisor. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
  }

  /** Creates a queue (idempotent) with its retry policy. */
  async ensureQueue(name: string, options: { retryLimit?: number; expireInSeconds?: number } = {}): Promise<void> {
    await this.boss.createQueue(name, {
      retryLimit: options.retryLimit ?? 10,
      retryBackoff: true,
      retryDelay: 1,
      expireInSeconds: options.expireInSeconds ?? 60,
    });
  }

  /** Enqueues one job, inside `tx` when given (so it commits or rolls back with the write). */
  async send(name: string, data: object, options: { tx?: Queryable; startAfter?: Date; singletonKey?: string } = {}): Promise<void> {
    await this.boss.send(name, data, {
      ...(options.tx ? { db: adapter(options.tx) } : {}),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
  }

  /** Enqueues many jobs in one statement, inside `tx` when given. */
  async insert(name: string, jobs: { data: object; singletonKey?: string }[], tx?: Queryable): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(name, jobs, tx ? { db: adapter(tx) } : undefined);
  }

  /** Runs `definition` for each job of its queue, in batches. */
  async work<S extends z.ZodType>(definition: JobDefinition<S>): Promise<void> {
    await this.ensureQueue(definition.name, definition);
    await this.boss.work(
      definition.name,
      { batchSize: definition.batchSize ?? 25, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
      async (jobs) => {
        for (const job of jobs) await definition.handle(definition.payload.parse(job.data));
      },
    );
  }

  /** Runs a job on a cron schedule (one-minute granularity). */
  async schedule(name: string, cron: string): Promise<void> {
    await this.boss.schedule(name, cron, {});
  }

  /** Stops taking jobs; waits for running ones up to `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, close: false, timeout: timeoutMs });
  }
}
