import { mkdirSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Database } from './database.ts';
import { PostgresDatabase } from './pg-client.ts';
import { PgliteDatabase } from './pglite-client.ts';

/** Opens the configured database: a PostgreSQL server when DATABASE_URL is set, else embedded PGlite. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'workMem'>): Promise<Database> {
  if (config.databaseUrl) {
    const db = new PostgresDatabase(config.databaseUrl, config.workMem);
    await db.query('SELECT 1');
    return db;
  }
  mkdirSync(config.dataDir, { recursive: true });
  return PgliteDatabase.open({ dataDir: config.dataDir, workMem: config.workMem });
}
