import { Worker } from 'node:worker_threads';
import { type Database, DatabaseError, type Queryable, type QueryResult, type Row } from './database.ts';

type Reply = {
  id: number;
  ok: boolean;
  rows?: Row[];
  rowCount?: number;
  data?: ArrayBuffer;
  error?: { message: string; code?: string; detail?: string; constraint?: string };
};

/** Options for opening the embedded database. */
export type PgliteOptions = {
  /** Folder the data lives in; omitted for an in-memory database. */
  dataDir?: string;
  /** A data-folder dump (from `dump()`) to start from. */
  loadDataDir?: ArrayBuffer;
  workMem: string;
};

/** A FIFO lock: the embedded database has one connection, so a transaction must hold it. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }
}

/** The embedded database (PGlite) run on a worker thread behind the shared Database interface. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly lock = new Lock();
  private closed = false;

  private constructor(options: PgliteOptions) {
    const url = new URL('./pglite-worker.mjs', import.meta.url);
    this.worker = new Worker(url, {
      workerData: { dataDir: options.dataDir, loadDataDir: options.loadDataDir, workMem: options.workMem },
      transferList: options.loadDataDir ? [options.loadDataDir] : [],
    });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`The embedded database worker exited (code ${code})`));
    });
  }

  /** Opens (creating if needed) the embedded database; resolves once it accepts queries. */
  static async open(options: PgliteOptions): Promise<PgliteDatabase> {
    const db = new PgliteDatabase(options);
    await db.call({ op: 'open' });
    return db;
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }

  private async call(msg: Record<string, unknown>): Promise<Reply> {
    if (this.closed) throw new Error('The database is closed');
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
    if (!reply.ok) {
      const e = reply.error ?? { message: 'unknown database error' };
      throw new DatabaseError(e.message, e.code, e.detail, e.constraint);
    }
    return reply;
  }

  private async send<T>(sql: string, params: readonly unknown[] | undefined): Promise<QueryResult<T>> {
    const reply = await this.call({ op: 'query', sql, params: params ?? [] });
    return { rows: (reply.rows ?? []) as T[], rowCount: reply.rowCount ?? 0 };
  }

  private async script(sql: string, inTx: boolean): Promise<Row[]> {
    return (await this.call({ op: 'exec', sql, inTx })).rows ?? [];
  }

  async query<T = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const release = await this.lock.acquire();
    try {
      return await this.send<T>(text, params);
    } finally {
      release();
    }
  }

  async exec(text: string): Promise<Row[]> {
    const release = await this.lock.acquire();
    try {
      return await this.script(text, false);
    } finally {
      release();
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    let open = true;
    const tx: Queryable = {
      query: <R = Row>(text: string, params?: readonly unknown[]) => {
        if (!open) throw new Error('Query on a finished transaction');
        return this.send<R>(text, params);
      },
      exec: (text: string) => {
        if (!open) throw new Error('Query on a finished transaction');
        return this.script(text, true);
      },
    };
    try {
      await this.script('BEGIN', true);
      const result = await fn(tx);
      await this.script('COMMIT', true);
      return result;
    } catch (err) {
      await this.script('ROLLBACK', true).catch(() => {});
      throw err;
    } finally {
      open = false;
      release();
    }
  }

  /** A tarball of the whole data folder, for backups and test templates. */
  async dump(): Promise<ArrayBuffer> {
    const release = await this.lock.acquire();
    try {
      const reply = await this.call({ op: 'dump' });
      if (!reply.data) throw new Error('The database returned no dump');
      return reply.data;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const release = await this.lock.acquire();
    try {
      await this.call({ op: 'close' });
    } finally {
      this.closed = true;
      release();
      await this.worker.terminate();
    }
  }
}
