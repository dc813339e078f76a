import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { PostgresDatabase } from '../src/db/pg-client.ts';
import { PgliteDatabase } from '../src/db/pglite-client.ts';
import { freePort } from './ports.ts';

/**
 * The outbox and job queue across a crash: a real `rapport serve` process is killed with
 * SIGKILL while the event-journal consumer is part-way through a batch, then started again on
 * the same data. Every event must end up journaled exactly once, and no acknowledged write lost.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-crash-'));
const dbNames: string[] = [];
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  if (dbNames.length > 0 && process.env.TEST_DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    for (const name of dbNames) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});

/**
 * The environment of a node on its own new database (a PostgreSQL database on TEST_DATABASE_URL's
 * server, else a PGlite folder), and how to open that database directly.
 */
async function nodeEnv(
  name: string,
  extra: Record<string, string>,
): Promise<{ env: Record<string, string>; open: () => Promise<Database> }> {
  const env: Record<string, string> = {
    RATE_LIMIT_PER_MINUTE: '100000',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    RAPPORT_DATA_DIR: '',
    ...extra,
  };
  if (process.env.TEST_DATABASE_URL) {
    const dbName = `rapport_t_${randomBytes(6).toString('hex')}`;
    dbNames.push(dbName);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
    return { env, open: async () => new PostgresDatabase(u.toString(), '64MB', 2) };
  }
  env.RAPPORT_DATA_DIR = path.join(tmp, name);
  return { env, open: () => PgliteDatabase.open({ dataDir: env.RAPPORT_DATA_DIR as string, workMem: '64MB' }) };
}

/** Signs a new owner up on the node at `base` and returns an API key's authorization header. */
async function signUpWithKey(base: string, email: string): Promise<Record<string, string>> {
  const signup = await api(base, 'POST', '/api/v1/auth/signup', { email, password: 'a long password', name: 'C', workspaceName: 'Crash' });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const key = await api(base, 'POST', '/api/v1/api-keys', { name: 'crash' }, { cookie, 'x-csrf-token': String(signup.json.csrfToken) });
  return { authorization: `Bearer ${String(key.json.key)}` };
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
    const { env, open } = await nodeEnv('events', {
      LOG_LEVEL: 'debug',
      RAPPORT_EVENT_JOURNAL: 'true',
      RAPPORT_EVENT_JOURNAL_DELAY_MS: '25',
    });
    const base = `http://127.0.0.1:${env.PORT}`;
    const healthy = async () => (await fetch(`${base}/api/v1/health`).catch(() => undefined))?.ok === true;

    let node = startNode(env);
    await waitFor('the first start', healthy, 180_000);
    const auth = await signUpWithKey(base, 'crash@example.com');
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

describe('an import killed mid-way resumes where it stopped', () => {
  it('ends with exactly the data of an uninterrupted run after kill -9 and restart', { timeout: 600_000 }, async () => {
    const { env } = await nodeEnv('import', { RAPPORT_IMPORT_BATCH: '300', RAPPORT_IMPORT_LEASE_SECONDS: '3' });
    const base = `http://127.0.0.1:${env.PORT}`;
    const healthy = async () => (await fetch(`${base}/api/v1/health`).catch(() => undefined))?.ok === true;
    let node = startNode(env);
    await waitFor('the first start', healthy, 180_000);
    const auth = await signUpWithKey(base, 'import-crash@example.com');
    const seats = await api(base, 'POST', '/api/v1/custom-fields', { objectType: 'contact', label: 'Seats', type: 'number' }, auth);
    expect(seats.status).toBe(201);

    // 9,000 rows, 8,000 people: the last 1,000 rows repeat the first 1,000 emails with new names (the later row wins).
    const rows = 9000;
    const unique = 8000;
    const lines = ['Email,First Name,Company,Seats'];
    for (let i = 0; i < rows; i++) {
      const person = i % unique;
      const name = i >= unique ? `Later${person}` : `First${person}`;
      lines.push(`Person${person}@Example.com,${name},${person % 3 === 0 ? `Company ${person % 40}` : ''},${i}`);
    }
    const form = new FormData();
    form.append('object', 'contacts');
    form.append('file', new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' }), 'people.csv');
    const upload = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
    expect(upload.status).toBe(201);
    const id = ((await upload.json()) as { id: string }).id;
    expect((await api(base, 'POST', `/api/v1/imports/${id}/start`, undefined, auth)).status).toBe(202);

    type View = { status: string; progress: { rowsDone: number; created: number; updated: number; unchanged: number; failed: number } };
    const view = async () => (await api(base, 'GET', `/api/v1/imports/${id}`, undefined, auth)).json as unknown as View;
    let atKill: View | undefined;
    await waitFor(
      'a few batches written',
      async () => {
        atKill = await view();
        return atKill.progress.rowsDone >= 900;
      },
      120_000,
    );
    node.child.kill('SIGKILL');
    await node.exited;
    // Killed part-way: some batches committed, the rest not yet read.
    expect(atKill?.status).toBe('running');
    expect(atKill?.progress.rowsDone).toBeLessThan(rows);

    node = startNode(env);
    await waitFor('the restart', healthy, 180_000);
    let done: View | undefined;
    await waitFor(
      'the import to finish',
      async () => {
        done = await view();
        return done.status !== 'running' && done.status !== 'queued';
      },
      240_000,
    );
    expect(done?.status).toBe('completed');
    expect(done?.progress).toMatchObject({ rowsDone: rows, created: unique, updated: 0, unchanged: rows - unique, failed: 0 });

    type Contact = { email: string | null; firstName: string | null; custom: Record<string, unknown> };
    const contacts: Contact[] = [];
    let cursor: string | null = null;
    do {
      const page = await api(base, 'GET', `/api/v1/contacts?limit=500${cursor ? `&cursor=${cursor}` : ''}`, undefined, auth);
      contacts.push(...(page.json.data as Contact[]));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    // Every person once, with the values of their last row, as if the import had never stopped.
    expect(contacts).toHaveLength(unique);
    const byEmail = new Map(contacts.map((c) => [c.email, c]));
    expect(byEmail.size).toBe(unique);
    for (let person = 0; person < unique; person++) {
      const c = byEmail.get(`person${person}@example.com`);
      const lastRow = person < rows - unique ? person + unique : person;
      expect({ name: c?.firstName, seats: c?.custom.seats }).toEqual({
        name: lastRow >= unique ? `Later${person}` : `First${person}`,
        seats: lastRow,
      });
    }
    // The companies named were created once each, whatever batch (or run) met them first.
    const companies = await api(base, 'GET', '/api/v1/companies?limit=500', undefined, auth);
    expect((companies.json.data as { name: string }[]).map((c) => c.name).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `Company ${i}`).sort(),
    );
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
  });
});
