import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureBuilt } from '../../scripts/ensure.mjs';
import { migrate } from '../src/db/migrate.ts';
import { PostgresDatabase } from '../src/db/pg-client.ts';
import { PgliteDatabase } from '../src/db/pglite-client.ts';
import { Queue } from '../src/jobs/queue.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a migrated data-folder dump that each test file starts from. */
    pgliteTemplate: string;
    /** PostgreSQL: name of a migrated template database each test file copies. */
    pgTemplate: string;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Builds the web app and the server once, before any test (the browser tests serve web/dist and
 * `npm start` runs server/dist), then migrates one database (and installs the job queue's schema)
 * once for the whole run.
 */
export default async function setup(project: TestProject) {
  ensureBuilt();
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `rapport_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const db = new PostgresDatabase(withDatabase(url, name), '64MB', 2);
    await migrate(db);
    const queue = new Queue(db);
    await queue.start();
    await queue.stop();
    await db.close();
    await admin.query(`ALTER DATABASE ${name} WITH is_template = true`);
    project.provide('pgTemplate', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      const dbs = await admin.query<{ datname: string }>(
        // Only this run's: other runs may share the server at the same time.
        "SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')",
        [name],
      );
      for (const { datname } of dbs.rows) {
        await admin.query(`ALTER DATABASE ${datname} WITH is_template = false`).catch(() => {});
        await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
      }
      await admin.end();
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  const db = await PgliteDatabase.open({ workMem: '64MB' });
  await migrate(db);
  const queue = new Queue(db);
  await queue.start();
  await queue.stop();
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await db.dump()));
  await db.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplate', '');
  return () => rmSync(dir, { recursive: true, force: true });
}
