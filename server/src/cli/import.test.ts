import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyClient, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';
import { ensureQueues } from '../jobs/queues.ts';
import { startWorker } from '../server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs the rapport CLI against the test server (asynchronously: the server answers from this process). */
function rapport(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/src/main.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: '', RAPPORT_API_KEY: '', RAPPORT_URL: '' }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

let t: TestApp;
let url: string;
let apiKey: string;
let workspaceId: string;
let dir: string;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  t = await createTestApp();
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  stopWorker = await startWorker(t.deps);
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const s = await signUp(t.app);
  workspaceId = s.workspaceId;
  apiKey = ((await apiKeyClient(s.client)).client.credentials as { apiKey: string }).apiKey;
  dir = await mkdtemp(path.join(tmpdir(), 'imports-cli-'));
}, 180_000);
afterAll(async () => {
  await stopWorker();
  await rm(dir, { recursive: true, force: true });
  await t.close();
});

describe('rapport import', () => {
  it('dry-runs, then imports a file with progress on stderr and the bad rows saved', async () => {
    const file = path.join(dir, 'people.csv');
    await writeFile(file, 'Email;First Name;Last Name\r\nada@cli.test;Ada;Lovelace\r\nnot-an-email;Bad;Row\r\nbob@cli.test;Bob;Byte\r\n');
    const dry = await rapport(['import', 'contacts', file, '--url', url, '--api-key', apiKey, '--dry-run']);
    expect(dry.err).toContain('Email → email');
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('Dry run of 3 rows: 2 to create, 0 to update, 0 unchanged, 1 with errors (invalid_email 1)');
    const none = await t.db.query('SELECT 1 FROM contacts WHERE workspace_id = $1', [workspaceId]);
    expect(none.rowCount).toBe(0);

    const errors = path.join(dir, 'errors.csv');
    const run = await rapport(['import', 'contacts', file, '--url', url, '--api-key', apiKey, '--upsert', 'email', '--errors', errors]);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toContain('delimiter ;');
    expect(run.err).toMatch(/\[#+\] 3\/3 rows/);
    expect(run.out).toContain('Imported 3 rows: 2 created, 0 updated, 0 unchanged, 1 failed (invalid_email 1).');
    expect(await readFile(errors, 'utf8')).toBe(
      'Email,First Name,Last Name,row,error\r\nnot-an-email,Bad,Row,2,"""not-an-email"" is not a valid email address"\r\n',
    );
    const people = await t.db.query<{ email: string }>('SELECT email FROM contacts WHERE workspace_id = $1 ORDER BY email', [workspaceId]);
    expect(people.rows.map((p) => p.email)).toEqual(['ada@cli.test', 'bob@cli.test']);
  }, 180_000);

  it('exits non-zero with a clear message on bad input', async () => {
    const file = path.join(dir, 'one.csv');
    await writeFile(file, 'Email\na@b.test\n');
    // Run side by side: each start of the CLI costs seconds on a loaded machine.
    const [missing, badKey, badObject, noKey] = await Promise.all([
      rapport(['import', 'contacts', path.join(dir, 'nope.csv'), '--url', url, '--api-key', apiKey]),
      rapport(['import', 'contacts', file, '--url', url, '--api-key', apiKey, '--upsert', 'domain']),
      rapport(['import', 'tickets', file, '--url', url, '--api-key', apiKey]),
      rapport(['import', 'contacts', file, '--url', url]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no such file');
    expect(badKey.code).toBe(1);
    expect(badKey.err).toContain('body.upsertKey');
    expect(badObject.code).toBe(1);
    expect(badObject.err).toContain('cannot import tickets');
    expect(noKey.code).toBe(1);
    expect(noKey.err).toContain('API key');
  }, 180_000);
});
