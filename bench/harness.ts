import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../server/src/config.ts';
import type { Database } from '../server/src/db/database.ts';
import { PostgresDatabase } from '../server/src/db/pg-client.ts';
import { PgliteDatabase } from '../server/src/db/pglite-client.ts';
import { type RunningNode, startNode } from '../server/src/server.ts';

/** A running Rapport node on a fresh database, with a signed-up owner and an API key. */
export type BenchNode = {
  node: RunningNode;
  db: Database;
  /** The HTTP base URL. */
  base: string;
  key: string;
  workspaceId: string;
  userId: string;
  /** A database handle beside the node's, for raw-SQL baselines (the same one on PGlite, which has one connection). */
  raw: Database;
};

/**
 * Runs `fn` against a fresh Rapport node on `backend` (a new PGlite folder, or a new database on
 * the PostgreSQL server at `adminUrl`), then stops it and removes the database.
 */
export async function withBenchNode<T>(
  backend: 'pglite' | 'postgres',
  adminUrl: string,
  options: { worker: boolean },
  fn: (b: BenchNode) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-'));
  let db: Database;
  let dropName: string | undefined;
  let url: string | undefined;
  if (backend === 'postgres') {
    dropName = `rapport_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dropName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${dropName}`;
    url = u.toString();
    db = new PostgresDatabase(url, '64MB', 10);
  } else {
    db = await PgliteDatabase.open({ dataDir: path.join(dir, 'data'), workMem: '64MB' });
  }
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000000' });
  const node = await startNode(config, { http: true, worker: options.worker, db });
  const raw = url ? new PostgresDatabase(url, '64MB', 4) : db;
  try {
    const base = (node.url ?? '').replace('0.0.0.0', '127.0.0.1');
    const signup = await fetch(`${base}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'benchmark password', name: 'Bench', workspaceName: 'Bench' }),
    });
    const s = (await signup.json()) as { csrfToken: string; workspace: { id: string }; user: { id: string } };
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const keyRes = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': s.csrfToken },
      body: JSON.stringify({ name: 'bench' }),
    });
    const key = ((await keyRes.json()) as { key: string }).key;
    return await fn({ node, db, base, key, workspaceId: s.workspace.id, userId: s.user.id, raw });
  } finally {
    if (raw !== db) await raw.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
    if (dropName) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dropName} WITH (FORCE)`);
      await admin.end();
    }
  }
}
