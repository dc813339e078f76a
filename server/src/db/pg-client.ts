import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Database, DatabaseError, type Queryable, type QueryOptions, type QueryResult, type Row } from './database.ts';
import './types.ts';

function wrapError(err: unknown): never {
  const e = err as { message?: string; code?: string; detail?: string; constraint?: string };
  throw new DatabaseError(e.message ?? String(err), e.code, e.detail, e.constraint);
}

const statementNames = new Map<string, string>();

/** The name a prepared statement has on every connection: derived from its text. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `rapport_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
      try {
        const values = params as unknown[] | undefined;
        // node-postgres prepares a named statement once per connection and reuses it after.
        const res = await (options?.prepare ? client.query({ name: statementName(text), text, values }) : client.query(text, values));
        return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
      } catch (err) {
        wrapError(err);
      }
    },
    async exec(text: string): Promise<Row[]> {
      try {
        const res = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
        return Array.isArray(res) ? res.flatMap((r) => r.rows ?? []) : res.rows;
      } catch (err) {
        wrapError(err);
      }
    },
  };
}

/** A PostgreSQL server behind the shared Database interface, through a connection pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly direct: Queryable;

  constructor(
    readonly connectionString: string,
    workMem: string,
    max = 10,
  ) {
    // No JIT compilation: it starts on the planner's cost estimate, and a batch statement's
    // estimate is high whatever it really reads (a thousand email probes, estimated at thousands
    // of rows each, ran in 2 ms and compiled for 10-25 ms first). The embedded database has none.
    this.pool = new pg.Pool({ connectionString, max, options: `-c work_mem=${workMem} -c jit=off` });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', () => {});
    this.direct = queryable(this.pool);
  }

  query<T = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
    return this.direct.query<T>(text, params, options);
  }

  exec(text: string): Promise<Row[]> {
    return this.direct.exec(text);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(queryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
