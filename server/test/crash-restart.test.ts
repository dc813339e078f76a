import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { PostgresDatabase } from '../src/db/pg-client.ts';
import { PgliteDatabase } from '../src/db/pglite-client.ts';

/**
 * The outbox and job queue across a crash: a real `rapport serve` process is killed with
 * SIGKILL while the event-journal consumer is part-way through a batch, then started again on
 * the same data. Every event must end up journaled exactly once, and no acknowledged write lost.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-crash-'));
let dbName: string | undefined;
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  if (dbName && process.env.TEST_DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

type Node = { child: ChildProcess; journaled: () => number; exited: Promise<number | null> };

function startNode(env: Record<string, string>): Node {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let journaled = 0;
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.includes('event journaled')) journaled += 1;
  });
  child.stderr?.on('data', () => {});
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, journaled: () => journaled, exited };
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function api(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, json: ((await res.json().catch(() => null)) ?? {}) as Record<string, unknown> };
}

describe('a crash mid-delivery loses and repeats nothing', () => {
  it('journals every event exactly once across kill -9 and restart', { timeout: 600_000 }, async () => {
    const env: Record<string, string> = {
      LOG_LEVEL: 'debug',
      RAPPORT_EVENT_JOURNAL: 'true',
      RAPPORT_EVENT_JOURNAL_DELAY_MS: '25',
      RATE_LIMIT_PER_MINUTE: '100000',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      RAPPORT_DATA_DIR: '',
    };
    let open: () => Promise<Database>;
    if (process.env.TEST_DATABASE_URL) {
      dbName = `rapport_t_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const u = new URL(process.env.TEST_DATABASE_URL);
      u.pathname = `/${dbName}`;
      env.DATABASE_URL = u.toString();
      open = async () => new PostgresDatabase(u.toString(), '64MB', 2);
    } else {
      env.RAPPORT_DATA_DIR = path.join(tmp, 'data');
      open = () => PgliteDatabase.open({ dataDir: env.RAPPORT_DATA_DIR as string, workMem: '64MB' });
    }
    const base = `http://127.0.0.1:${env.PORT}`;
    const healthy = async () => (await fetch(`${base}/api/v1/health`).catch(() => undefined))?.ok === true;

    let node = startNode(env);
    await waitFor('the first start', healthy, 180_000);
    const signup = await api(base, 'POST', '/api/v1/auth/signup', {
      email: 'crash@example.com',
      password: 'a long password',
      name: 'C',
      workspaceName: 'Crash',
    });
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const key = await api(base, 'POST', '/api/v1/api-keys', { name: 'crash' }, { cookie, 'x-csrf-token': String(signup.json.csrfToken) });
    const auth = { authorization: `Bearer ${String(key.json.key)}` };
    const created: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const inputs = Array.from({ length: 100 }, (_, i) => ({ firstName: `Crash ${batch}-${i}` }));
      const res = await api(base, 'POST', '/api/v1/contacts/batch/create', { inputs }, auth);
      expect(res.json.created).toBe(100);
      created.push(...(res.json.results as { id: string }[]).map((r) => r.id));
    }

    await waitFor('some deliveries', () => node.journaled() >= 40, 60_000);
    node.child.kill('SIGKILL');
    await node.exited;
    const beforeKill = node.journaled();

    node = startNode(env);
    await waitFor('the restart', healthy, 180_000);
    let db: Database | undefined;
    const delivered = async (): Promise<boolean> => {
      const probe = await open();
      try {
        const [events, journal] = await Promise.all([
          probe.query<{ n: number }>('SELECT count(*) AS n FROM outbox_events'),
          probe.query<{ n: number }>('SELECT count(DISTINCT event_id) AS n FROM event_journal'),
        ]);
        return (journal.rows[0]?.n ?? 0) >= (events.rows[0]?.n ?? 1);
      } finally {
        await probe.close();
      }
    };
    if (process.env.TEST_DATABASE_URL) {
      await waitFor('every event delivered', delivered, 150_000);
      node.child.kill('SIGTERM');
      await node.exited;
    } else {
      // The embedded database has one owner at a time: stop the node to look, start it again if not done.
      const until = Date.now() + 150_000;
      for (;;) {
        await sleep(10_000);
        node.child.kill('SIGTERM');
        expect(await node.exited).toBe(0);
        if (await delivered()) break;
        if (Date.now() > until) throw new Error('timed out waiting for every event to be delivered');
        node = startNode(env);
        await waitFor('a restart', healthy, 180_000);
      }
    }

    db = await open();
    try {
      const events = await db.query<{ id: string }>('SELECT id FROM outbox_events');
      const journal = await db.query<{ event_id: string; n: number }>(
        'SELECT event_id, count(*)::int AS n FROM event_journal GROUP BY event_id',
      );
      expect(events.rowCount).toBeGreaterThanOrEqual(300);
      expect(beforeKill).toBeLessThan(events.rowCount);
      const counts = new Map(journal.rows.map((r) => [r.event_id, r.n]));
      expect(events.rows.filter((e) => counts.get(e.id) !== 1)).toEqual([]);
      expect(journal.rowCount).toBe(events.rowCount);
      const contacts = await db.query<{ id: string }>('SELECT id FROM contacts');
      expect(contacts.rows.map((r) => r.id).sort()).toEqual([...created].sort());
    } finally {
      await db.close();
    }
  });
});
