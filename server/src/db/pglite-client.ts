import { Worker } from 'node:worker_threads';
import type {
  BackendMessage,
  CommandCompleteMessage,
  DataRowMessage,
  RowDescriptionMessage,
  DatabaseError as WireError,
} from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import { type Database, DatabaseError, type Queryable, type QueryOptions, type QueryResult, type Row } from './database.ts';
import { textParser } from './types.ts';

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
  /**
   * Write-ahead log since the last checkpoint after which the database checkpoints (bytes;
   * default: half of `max_wal_size`, as a server's checkpointer would spread it).
   */
  checkpointWalBytes?: number;
  /** How often, at most, a write checks whether a checkpoint is due (milliseconds; default 10 s). */
  checkpointCheckMs?: number;
};

/**
 * The result of one statement from the backend's messages, as node-postgres reads a server's:
 * its parser, its type parsers, the row count from the command tag. Throws the statement's error.
 */
export function readResult<T>(bytes: Buffer): QueryResult<T> {
  const rows: T[] = [];
  let rowCount = 0;
  let names: string[] = [];
  let parsers: ((value: string) => unknown)[] = [];
  let error: WireError | undefined;
  new Parser().parse(bytes, (msg: BackendMessage) => {
    if (msg.name === 'dataRow') {
      const fields = (msg as DataRowMessage).fields as (string | null)[];
      const row: Row = {};
      for (let i = 0; i < fields.length; i++) {
        const v = fields[i] as string | null;
        row[names[i] as string] = v === null ? null : (parsers[i] as (value: string) => unknown)(v);
      }
      rows.push(row as T);
    } else if (msg.name === 'rowDescription') {
      const fields = (msg as RowDescriptionMessage).fields;
      names = fields.map((f) => f.name);
      parsers = fields.map((f) => textParser(f.dataTypeID));
    } else if (msg.name === 'commandComplete') {
      const counted = /(\d+)$/.exec((msg as CommandCompleteMessage).text);
      rowCount = counted ? Number(counted[1]) : 0;
    } else if (msg.name === 'error' && !error) error = msg as WireError;
  });
  if (error) throw new DatabaseError(error.message, error.code, error.detail, error.constraint);
  return { rows, rowCount: rowCount || rows.length };
}

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
  private readonly checkpointWalBytes: number | undefined;
  private readonly checkpointCheckMs: number;
  private lastCheckpointCheck = 0;

  private constructor(options: PgliteOptions) {
    this.checkpointWalBytes = options.checkpointWalBytes;
    this.checkpointCheckMs = options.checkpointCheckMs ?? 10_000;
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

  private async send<T>(sql: string, params: readonly unknown[] | undefined, options?: QueryOptions): Promise<QueryResult<T>> {
    const reply = await this.call({ op: 'query', sql, params: params ?? [], prepare: options?.prepare === true });
    return readResult<T>(Buffer.from(reply.data ?? new ArrayBuffer(0)));
  }

  private async script(sql: string, inTx: boolean): Promise<Row[]> {
    return (await this.call({ op: 'exec', sql, inTx })).rows ?? [];
  }

  async query<T = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
    const release = await this.lock.acquire();
    try {
      const result = await this.send<T>(text, params, options);
      await this.checkpointIfDue();
      return result;
    } finally {
      release();
    }
  }

  async exec(text: string): Promise<Row[]> {
    const release = await this.lock.acquire();
    try {
      const rows = await this.script(text, false);
      await this.checkpointIfDue();
      return rows;
    } finally {
      release();
    }
  }

  /**
   * Checkpoints when enough write-ahead log has built up since the last checkpoint, as a
   * server's checkpointer does. PGlite runs PostgreSQL's single-user mode, which has no
   * checkpointer and never checkpoints on its own until it closes: the log then grows without
   * bound (19 GB in one seeding session) instead of being recycled. Checked after a statement or
   * transaction at most every `checkpointCheckMs`, holding the lock, outside any transaction; a
   * failed check never fails the write before it.
   */
  private async checkpointIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCheckpointCheck < this.checkpointCheckMs) return;
    this.lastCheckpointCheck = now;
    try {
      const res = await this.send<{ due: boolean }>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn) >= coalesce($1::bigint, pg_size_bytes(current_setting('max_wal_size')) / 2) AS due
         FROM pg_control_checkpoint()`,
        [this.checkpointWalBytes ?? null],
      );
      if (res.rows[0]?.due) await this.script('CHECKPOINT', false);
    } catch {
      // The write before it stands; the next check tries again.
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const release = await this.lock.acquire();
    let open = true;
    const tx: Queryable = {
      query: <R = Row>(text: string, params?: readonly unknown[], options?: QueryOptions) => {
        if (!open) throw new Error('Query on a finished transaction');
        return this.send<R>(text, params, options);
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
      open = false;
      await this.checkpointIfDue();
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
