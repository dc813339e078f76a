import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  /** The owner's session cookie (`name=value`), for a browser. */
  cookie: string;
  /** True when the database was kept from an earlier run (`reuse`), so it may already hold seeded data. */
  reused: boolean;
};

/** Where a kept benchmark database lives: a PostgreSQL database name, or a PGlite folder. */
export function reusableName(kind: string, scale: number): string {
  return `rapport_bench_${kind}_s${String(scale).replace('.', '_')}`;
}

/** Creates the PostgreSQL database `name` unless it exists; says whether it existed. */
async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return true;
    await admin.query(`CREATE DATABASE ${name}`);
    return false;
  } finally {
    await admin.end();
  }
}

/** Signs the bench owner up, or in when a kept database already has them; returns the session. */
async function signIn(base: string): Promise<{ cookie: string; csrfToken: string; workspaceId: string; userId: string }> {
  const credentials = { email: 'bench@example.com', password: 'benchmark password' };
  let res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...credentials, name: 'Bench', workspaceName: 'Bench' }),
  });
  if (res.status !== 201) {
    res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
  }
  if (!res.ok) throw new Error(`bench sign-in answered ${res.status}`);
  const s = (await res.json()) as { csrfToken: string; workspace: { id: string }; user: { id: string } };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return { cookie, csrfToken: s.csrfToken, workspaceId: s.workspace.id, userId: s.user.id };
}

/**
 * Runs `fn` against a Rapport node on `backend`, then stops it. By default the database is new
 * (a PGlite folder, or a database on the PostgreSQL server at `adminUrl`) and removed afterwards;
 * with `reuse` it is the one of that name, created if missing and kept, so a large seed is paid
 * once (pending migrations still apply at boot).
 */
export async function withBenchNode<T>(
  backend: 'pglite' | 'postgres',
  adminUrl: string,
  options: { worker: boolean; reuse?: string; webRoot?: string },
  fn: (b: BenchNode) => Promise<T>,
): Promise<T> {
  const dir = options.reuse ? path.join(os.tmpdir(), options.reuse) : mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-'));
  mkdirSync(dir, { recursive: true });
  let db: Database;
  let dropName: string | undefined;
  let url: string | undefined;
  let reused = false;
  if (backend === 'postgres') {
    const name = options.reuse ?? `rapport_bench_${randomBytes(4).toString('hex')}`;
    reused = await ensureDatabase(adminUrl, name);
    if (!options.reuse) dropName = name;
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    db = new PostgresDatabase(url, '64MB', 10);
  } else {
    reused = options.reuse !== undefined && existsSync(path.join(dir, 'data'));
    db = await PgliteDatabase.open({ dataDir: path.join(dir, 'data'), workMem: '64MB' });
  }
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000000' });
  const node = await startNode(config, { http: true, worker: options.worker, db, webRoot: options.webRoot });
  const raw = url ? new PostgresDatabase(url, '64MB', 4) : db;
  try {
    const base = (node.url ?? '').replace('0.0.0.0', '127.0.0.1');
    const s = await signIn(base);
    const keyRes = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrfToken },
      body: JSON.stringify({ name: 'bench' }),
    });
    const key = ((await keyRes.json()) as { key: string }).key;
    return await fn({ node, db, base, key, workspaceId: s.workspaceId, userId: s.userId, raw, cookie: s.cookie, reused });
  } finally {
    if (raw !== db) await raw.close();
    await node.stop();
    if (!options.reuse) rmSync(dir, { recursive: true, force: true });
    if (dropName) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dropName} WITH (FORCE)`);
      await admin.end();
    }
  }
}
