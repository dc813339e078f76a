import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';

/**
 * The README's first command: `npm start` (scripts/start.mjs) builds what is stale, then runs the
 * built server (server/dist) on the embedded database, serving the API and the web app.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm start', () => {
  it('runs the built server on the embedded database: health, sign-up, the web app, and a clean stop despite a stalled client', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: '',
        RAPPORT_DATA_DIR: path.join(tmp, 'data'),
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const base = `http://127.0.0.1:${port}`;
    try {
      let health: Response | undefined;
      for (let i = 0; i < 300 && child.exitCode === null; i++) {
        health = await fetch(`${base}/api/v1/health`).catch(() => undefined);
        if (health) break;
        await sleep(200);
      }
      expect(health?.status, output).toBe(200);
      expect(output).toContain('embedded PGlite');

      const signup = await fetch(`${base}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'start@example.com', password: 'a long password', name: 'Start', workspaceName: 'Start' }),
      });
      expect(signup.status).toBe(201);
      const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const me = await fetch(`${base}/api/v1/me`, { headers: { cookie } });
      expect(((await me.json()) as { user: { email: string } }).user.email).toBe('start@example.com');

      const page = await fetch(`${base}/contacts`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
      expect(script).toMatch(/^\/assets\/index-.*\.js$/);
      // The script's body is left unread, as by a client that stalled: the stop must not wait for it.
      expect((await fetch(`${base}${script}`)).status).toBe(200);
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    const stopping = Date.now();
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});
