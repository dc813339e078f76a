import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { loadMigrations, MigrationError, migrate, migrationsDir } from './migrate.ts';
import { PostgresDatabase } from './pg-client.ts';
import { PgliteDatabase } from './pglite-client.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-migrations-'));
const dropAfter: string[] = [];
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const name of dropAfter) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

/** An empty database: in-memory PGlite, or a fresh database on the test PostgreSQL server. */
async function emptyDatabase(): Promise<{ db: Database; env: Record<string, string> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dataDir = path.join(tmp, randomBytes(4).toString('hex'));
    return { db: await PgliteDatabase.open({ dataDir, workMem: '64MB' }), env: { RAPPORT_DATA_DIR: dataDir } };
  }
  const name = `rapport_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dropAfter.push(name);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { db: new PostgresDatabase(u.toString(), '64MB', 2), env: { DATABASE_URL: u.toString() } };
}

/** A migrations folder with the shipped files up to `upTo`, plus extra files. */
function migrationSet(name: string, upTo: number, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const m of loadMigrations().filter((m) => m.version <= upTo))
    copyFileSync(path.join(migrationsDir, `${m.name}.sql`), path.join(dir, `${m.name}.sql`));
  for (const [file, sql] of Object.entries(extra)) writeFileSync(path.join(dir, file), sql);
  return dir;
}

const tables = async (db: Database) =>
  (
    await db.query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
  ).rows.map((r) => r.t);

describe('migrations', () => {
  it('installs cleanly, records each migration with its checksum, and is idempotent', async () => {
    const { db } = await emptyDatabase();
    try {
      const shipped = loadMigrations();
      expect(await migrate(db)).toEqual(shipped.map((m) => m.name));
      const rows = (
        await db.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations ORDER BY version')
      ).rows;
      expect(rows).toEqual(shipped.map((m) => ({ version: m.version, checksum: m.checksum })));
      expect(await tables(db)).toEqual(
        expect.arrayContaining(['contacts', 'companies', 'deals', 'memberships', 'outbox_events', 'record_changes']),
      );
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('upgrades a database from the previous migration set, keeping its data', async () => {
    const { db } = await emptyDatabase();
    try {
      await migrate(db, loadMigrations(migrationSet('v1', 1)));
      await db.query("INSERT INTO workspaces (id, name) VALUES ('01a20000-0000-7000-8000-000000000001', 'Before the upgrade')");
      const ran = await migrate(db);
      expect(ran).toEqual(
        loadMigrations()
          .filter((m) => m.version > 1)
          .map((m) => m.name),
      );
      expect((await db.query('SELECT name FROM workspaces')).rows).toEqual([{ name: 'Before the upgrade' }]);
      // The upgrade backfilled the default pipeline of the existing workspace.
      const stages = await db.query(
        "SELECT s.name FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id AND p.workspace_id = s.workspace_id WHERE p.workspace_id = '01a20000-0000-7000-8000-000000000001' ORDER BY s.position",
      );
      expect(stages.rowCount).toBe(5);
    } finally {
      await db.close();
    }
  });

  it('rolls a failing migration back whole and refuses to go on', async () => {
    const { db } = await emptyDatabase();
    try {
      const latest = loadMigrations().at(-1)?.version ?? 0;
      const dir = migrationSet('failing', latest, {
        [`${String(latest + 1).padStart(4, '0')}_breaks.sql`]:
          'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;',
      });
      await migrate(db);
      const before = await tables(db);
      await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(MigrationError);
      await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/_breaks failed and was rolled back/);
      expect(await tables(db)).toEqual(before);
      expect((await db.query('SELECT max(version) AS v FROM schema_migrations')).rows[0]).toEqual({ v: latest });
    } finally {
      await db.close();
    }
  });

  it('refuses a database migrated by a newer Rapport, and an edited migration', async () => {
    const { db } = await emptyDatabase();
    try {
      await migrate(db);
      await db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_from_the_future', 'x')");
      await expect(migrate(db)).rejects.toThrow(/newer than this Rapport knows/);
      await db.query('DELETE FROM schema_migrations WHERE version = 9999');
      await db.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
      await expect(migrate(db)).rejects.toThrow(/applied from a different file/);
    } finally {
      await db.close();
    }
  });

  // Starting the CLI under tsx takes seconds, and far longer on a busy two-core machine.
  it('stops the CLI with a clear message and a non-zero exit on a newer schema', { timeout: 240_000 }, async () => {
    const { db, env } = await emptyDatabase();
    await migrate(db);
    await db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_from_the_future', 'x')");
    await db.close();
    const root = path.resolve(migrationsDir, '../../../..');
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', RAPPORT_DATA_DIR: '', PORT: '0', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('newer than this Rapport knows');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
