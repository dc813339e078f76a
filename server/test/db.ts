import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { PostgresDatabase } from '../src/db/pg-client.ts';
import { PgliteDatabase } from '../src/db/pglite-client.ts';

/** A fresh, migrated database for one test file: PGlite by default, PostgreSQL with TEST_DATABASE_URL. */
export async function createTestDatabase(): Promise<{ db: Database; url: string | null; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // Named after this run's template, so a run's teardown drops only its own databases.
    const name = `${inject('pgTemplate')}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const db = new PostgresDatabase(u.toString(), '64MB', 5);
    return {
      db,
      url: u.toString(),
      async drop() {
        await db.close().catch(() => {});
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dump = readFileSync(inject('pgliteTemplate'));
  const db = await PgliteDatabase.open({
    workMem: '64MB',
    loadDataDir: dump.buffer.slice(dump.byteOffset, dump.byteOffset + dump.byteLength),
  });
  return { db, url: null, drop: () => db.close() };
}
