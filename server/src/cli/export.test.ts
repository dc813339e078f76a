import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyClient, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs the rapport CLI against the test server (asynchronously: the server answers from this process). */
function rapport(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/src/main.ts', ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: '', RAPPORT_API_KEY: '', RAPPORT_URL: '', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

let t: TestApp;
let url: string;
let apiKey: string;
let dir: string;

beforeAll(async () => {
  t = await createTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const s = await signUp(t.app, { workspaceName: 'CLI source' });
  apiKey = ((await apiKeyClient(s.client)).client.credentials as { apiKey: string }).apiKey;
  for (const [firstName, lifecycleStage] of <[string, string][]>[
    ['Ada', 'customer'],
    ['Bob', 'lead'],
    ['Cleo', 'customer'],
  ]) {
    await s.client.post('/api/v1/contacts', { firstName, email: `${firstName.toLowerCase()}@cli.example`, lifecycleStage });
  }
  await s.client.post('/api/v1/webhooks', { url: 'https://hooks.example.com/cli', eventTypes: ['contact.created'] });
  await s.client.post('/api/v1/forms', { name: 'Signup', fields: [{ key: 'email', label: 'Email' }] });
  dir = await mkdtemp(path.join(tmpdir(), 'rapport-cli-'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await t.close();
});

describe('rapport export / import workspace', () => {
  it('exports a filtered, sorted list with chosen columns to stdout', async () => {
    const res = await rapport([
      'export',
      'contacts',
      '--url',
      url,
      '--api-key',
      apiKey,
      '--filter',
      '[{"field":"lifecycleStage","operator":"eq","value":"customer"}]',
      '--sort',
      '-firstName',
      '--columns',
      'firstName,email',
    ]);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(parse(res.out, { bom: true })).toEqual([
      ['First name', 'Email'],
      ['Cleo', 'cleo@cli.example'],
      ['Ada', 'ada@cli.example'],
    ]);
  }, 120_000);

  it('says what is wrong, in one line per field, and exits 1', async () => {
    const bad = await rapport(['export', 'contacts', '--columns', 'email,shoeSize'], { RAPPORT_URL: url, RAPPORT_API_KEY: apiKey });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('body.columns[1]: Unknown column shoeSize');
    expect(bad.err).not.toMatch(/\n\s+at /);
    const noKey = await rapport(['export', 'contacts', '--url', url]);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toContain('RAPPORT_API_KEY');
    const wrongKey = await rapport(['export', 'contacts', '--url', url, '--api-key', 'rk_nope']);
    expect(wrongKey.code).toBe(1);
  }, 120_000);

  it('backs up a workspace to a zip and restores it into another through the CLI', async () => {
    const file = path.join(dir, 'backup.zip');
    const out = await rapport(['export', 'workspace', '--out', file], { RAPPORT_URL: url, RAPPORT_API_KEY: apiKey });
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');

    const target = await signUp(t.app, { workspaceName: 'CLI target' });
    const targetKey = ((await apiKeyClient(target.client)).client.credentials as { apiKey: string }).apiKey;
    const restored = await rapport(['import', 'workspace', file, '--url', url, '--api-key', targetKey]);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('Restored "CLI source"');
    expect(restored.out).toContain('contacts: 3');
    expect(restored.out).toContain('Webhooks restored disabled (a backup has no signing secrets; rotate, share, enable): 1');
    expect(restored.out).toMatch(/Form "Signup" has a new public id \(the old one is taken here\): \S+/);
    const list = (await target.client.get('/api/v1/contacts?sort=firstName')).json().data.map((c: { firstName: string }) => c.firstName);
    expect(list).toEqual(['Ada', 'Bob', 'Cleo']);

    const again = await rapport(['import', 'workspace', file, '--url', url, '--api-key', targetKey]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('empty workspace');
  }, 180_000);
});
