import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

/** One forward-only migration file. */
export type Migration = { version: number; name: string; sql: string; checksum: string };

/** Why the schema could not be brought up to date; boot stops with this message. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The folder holding Rapport's migrations, next to this file in source and in the build. */
export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Reads `NNNN_name.sql` files from a folder, ordered by version. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

const LOCK_KEY = 7_262_011; // advisory lock id shared by every Rapport node running migrations

/**
 * Applies pending migrations, each in its own transaction recorded in `schema_migrations`.
 * Refuses a database migrated by a newer Rapport, or one whose applied files were edited.
 * Returns the names of the migrations it applied.
 */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = await appliedMigrations(db);
  const known = new Map(migrations.map((m) => [m.version, m]));
  const latestKnown = migrations.at(-1)?.version ?? 0;
  for (const row of applied) {
    const mine = known.get(row.version);
    if (!mine) {
      throw new MigrationError(
        `The database schema is at migration ${row.name}, newer than this Rapport knows (latest ${latestKnown}). ` +
          'Run the newer Rapport release, or restore a backup taken before the upgrade.',
      );
    }
    if (mine.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.name} was applied from a different file than the one shipped now. ` +
          'Applied migrations must never be edited; add a new migration instead.',
      );
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const ran: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    try {
      const appliedNow = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
        const again = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
        if (again.rowCount > 0) return false; // another node applied it meanwhile
        await tx.exec(m.sql);
        await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        return true;
      });
      if (appliedNow) ran.push(m.name);
    } catch (err) {
      throw new MigrationError(
        `Migration ${m.name} failed and was rolled back; the database is unchanged at the previous version. ` +
          `Cause: ${(err as Error).message}`,
      );
    }
  }
  return ran;
}

/** The migrations recorded as applied, oldest first. */
export async function appliedMigrations(db: Database): Promise<{ version: number; name: string; checksum: string }[]> {
  const res = await db.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return res.rows;
}
