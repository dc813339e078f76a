import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../server/src/config.ts';
import type { Database } from '../server/src/db/database.ts';
import { PostgresDatabase } from '../server/src/db/pg-client.ts';
import { PgliteDatabase } from '../server/src/db/pglite-client.ts';
import { type RunningNode, startNode } from '../server/src/server.ts';
import { freePort } from '../server/test/ports.ts';

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
  /** Reads the database's files into the machine's memory (see warmDatabaseFiles). */
  warm(): Promise<WarmedFiles | undefined>;
};

/** What warming read: megabytes, in how many milliseconds. */
export type WarmedFiles = { mb: number; ms: number };

/**
 * Reads every file of the database behind `db` once, so that the operating system keeps them in
 * its page cache: the state of a database whose data fits in the machine's memory, as a
 * production database's working set does, whatever was read on the machine before. `dataDir` is
 * the PGlite folder; on PostgreSQL the server's own, read when the server runs on this machine.
 * Undefined when the files are not here to read.
 */
export async function warmDatabaseFiles(db: Database, dataDir?: string): Promise<WarmedFiles | undefined> {
  // Only a superuser (or a member of pg_read_all_settings) may read where the server keeps its files.
  const home =
    dataDir ??
    (await db.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory']).then(
      (r) => r.rows[0]?.d,
      () => undefined,
    ));
  if (!home) return undefined;
  const oid = (await db.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]?.oid;
  const folder = path.join(home, 'base', String(oid));
  if (!existsSync(folder)) return undefined;
  const t0 = performance.now();
  const buffer = Buffer.allocUnsafe(16 << 20);
  let bytes = 0;
  for (const name of readdirSync(folder)) {
    const file = await open(path.join(folder, name), 'r');
    try {
      let n: number;
      do {
        n = (await file.read(buffer, 0, buffer.length, null)).bytesRead;
        bytes += n;
      } while (n > 0);
    } finally {
      await file.close();
    }
  }
  return { mb: Math.round(bytes / 2 ** 20), ms: Math.round(performance.now() - t0) };
}

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

/** The URL of the database `name` on the server of `adminUrl`. */
export function benchDatabaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops the PostgreSQL database `name`, sessions and all. */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Removes a database kept with `reuse`: the PostgreSQL database, or the PGlite folder. */
export async function removeBenchDatabase(backend: 'pglite' | 'postgres', adminUrl: string, name: string): Promise<void> {
  if (backend === 'postgres') await dropDatabase(adminUrl, name);
  // The folder withBenchNode made for it (the PGlite data; empty for PostgreSQL).
  rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
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

/** The bench owner's session (signed up or in) and a new API key of theirs, on the node at `base`. */
export async function benchSession(base: string): Promise<{ key: string; cookie: string; workspaceId: string; userId: string }> {
  const s = await signIn(base);
  const keyRes = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrfToken },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (keyRes.status !== 201) throw new Error(`bench API key answered ${keyRes.status}`);
  const key = ((await keyRes.json()) as { key: string }).key;
  return { key, cookie: s.cookie, workspaceId: s.workspaceId, userId: s.userId };
}

/** A Rapport server running as its own process, from the build `npm start` runs. */
export type ServerProcess = {
  base: string;
  /** The process's resident memory now and its peak so far (MB), from /proc. */
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<void>;
};

/** The benchmarked server's log level: silent, unless BENCH_LOG_LEVEL names one (say `error`, to see why a call failed). */
const serverLogLevel = process.env.BENCH_LOG_LEVEL ?? 'silent';

/**
 * Starts `rapport serve` (server/dist, as `npm start` runs it) in a process of its own, on the
 * PostgreSQL database at `databaseUrl` or the PGlite folder `dataDir`, and waits until it answers.
 * Its memory is then its own, apart from the benchmark driving it.
 */
export async function startServerProcess(where: { databaseUrl: string } | { dataDir: string }): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: serverLogLevel,
    RATE_LIMIT_PER_MINUTE: '100000000',
    NODE_ENV: 'production',
  };
  delete env.DATABASE_URL;
  if ('databaseUrl' in where) env.DATABASE_URL = where.databaseUrl;
  else env.RAPPORT_DATA_DIR = where.dataDir;
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'dist', 'main.js');
  // BENCH_SERVER_NODE_FLAGS: Node options for the server alone (say --trace-gc), which NODE_OPTIONS cannot all carry.
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, main, 'serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = once(child, 'exit');
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`rapport serve exited with ${child.exitCode} before answering`);
    const up = await fetch(`${base}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 1200) throw new Error('rapport serve did not answer within two minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return Math.round(Number(m?.[1] ?? 0) / 1024);
  };
  return {
    base,
    memory: () => ({ rssMb: status('VmRSS'), peakMb: status('VmHWM') }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
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
    url = benchDatabaseUrl(adminUrl, name);
    db = new PostgresDatabase(url, '64MB', 10);
  } else {
    reused = options.reuse !== undefined && existsSync(path.join(dir, 'data'));
    db = await PgliteDatabase.open({ dataDir: path.join(dir, 'data'), workMem: '64MB' });
  }
  const config = loadConfig({ LOG_LEVEL: serverLogLevel, PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '100000000' });
  const node = await startNode(config, { http: true, worker: options.worker, db, webRoot: options.webRoot });
  const raw = url ? new PostgresDatabase(url, '64MB', 4) : db;
  try {
    const base = (node.url ?? '').replace('0.0.0.0', '127.0.0.1');
    const warm = () => warmDatabaseFiles(db, url ? undefined : path.join(dir, 'data'));
    return await fn({ node, db, base, ...(await benchSession(base)), raw, reused, warm });
  } finally {
    if (raw !== db) await raw.close();
    await node.stop();
    if (!options.reuse) rmSync(dir, { recursive: true, force: true });
    if (dropName) await dropDatabase(adminUrl, dropName);
  }
}
