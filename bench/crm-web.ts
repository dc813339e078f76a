import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureWebBuilt, root } from '../scripts/ensure.mjs';
import type { Database } from '../server/src/db/database.ts';
import { contactSelect } from '../server/src/modules/contacts/contacts.repo.ts';
import { seededOnce } from './crm.ts';
import { crmScale } from './crm-seed.ts';
import { reusableName, withBenchNode } from './harness.ts';
import { type Stats, stats } from './stats.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The first load's figures on one backend, with the requests the page made before its first rows. */
export type WebFirstLoad = {
  backend: 'pglite' | 'postgres';
  scale: number;
  counts: ReturnType<typeof crmScale>;
  http: Stats;
  raw: Stats;
  /** The page's requests that started before its first rows, in order (one load). */
  requests: string[];
  /** The machine's 1-minute load average at the start and the end of the loads. */
  load: [number, number];
};

/**
 * A copy of the production web build for this run: web/dist is rebuilt by other work (browser
 * tests build it when sources change, emptying the folder first), and a page whose scripts vanish
 * mid-run never shows its rows. A development build (React's checks, several times slower) is refused.
 */
function webSnapshot(): string {
  ensureWebBuilt();
  const dist = path.join(root, 'web', 'dist');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-web-'));
  cpSync(dist, dir, { recursive: true });
  const scripts = readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js'));
  if (scripts.some((f) => readFileSync(path.join(dir, 'assets', f), 'utf8').includes('jsxDEV'))) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('web/dist holds a development build: rebuild it with `npm run build -w web`');
  }
  return dir;
}

/**
 * The web app's first screen on a seeded workspace: the contacts list opened in Chromium with a
 * signed-in session, each time in a new browser context (nothing in its HTTP cache), timed in the page from
 * navigation start to the first record's row. Beside it, the first page query as raw SQL. On
 * PostgreSQL the seed is the CRM benchmark's (the same kept database with BENCH_REUSE=1); on PGlite
 * it is the same without activities (`crm-web`), which the first screen does not read and which
 * at a million contacts would take the embedded database longer to seed than the rest together.
 */
export async function benchWebFirstLoad(backend: 'pglite' | 'postgres', adminUrl: string, scale: number): Promise<WebFirstLoad> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const webRoot = webSnapshot();
  const activities = backend === 'postgres';
  const reuse = process.env.BENCH_REUSE === '1' ? reusableName(activities ? 'crm' : 'crm-web', scale) : undefined;
  const loads = Number(process.env.BENCH_PAGE_LOADS ?? 10);
  try {
    return await withBenchNode(
      backend,
      adminUrl,
      { worker: false, reuse, webRoot },
      async ({ db, base, cookie, workspaceId, userId, raw, reused }) => {
        await seededOnce(db, reused, workspaceId, userId, scale, { activities });
        const load0 = os.loadavg()[0] ?? 0;
        const [name, value] = cookie.split('=') as [string, string];
        const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
        const samples: number[] = [];
        let requests: string[] = [];
        try {
          // One load first, not counted: the server's own first request (schema, caches) is not a page load.
          for (let i = 0; i <= loads; i++) {
            // A browser that signed in before: its session cookie and the workspace the app keeps in
            // localStorage, with nothing in its HTTP cache.
            const context = await browser.newContext({
              viewport: { width: 1440, height: 900 },
              storageState: {
                cookies: [
                  { name, value, domain: new URL(base).hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
                ],
                origins: [
                  {
                    origin: base,
                    localStorage: [{ name: 'rapport.workspaceId', value: workspaceId }],
                  },
                ],
              },
            });
            const page = await context.newPage();
            await page.goto(`${base}/contacts`, { waitUntil: 'commit' });
            // performance.now() counts from navigation start: the time to the first record's row (not
            // the header, not the loading row). A string, evaluated in the page: this file is
            // type-checked without the DOM's types.
            const shownAt = await page.waitForFunction(
              `document.querySelector('[role="table"] [role="row"][aria-rowindex="2"]:not([aria-busy]) [role="cell"]') ? performance.now() : 0`,
              null,
              { polling: 'raf', timeout: 60_000 },
            );
            const shown = Number(await shownAt.jsonValue());
            if (i > 0) samples.push(shown);
            if (i === loads) {
              requests = (await page.evaluate(
                `performance.getEntriesByType('resource').filter((r) => r.startTime < ${shown}).map((r) => r.name.replace(location.origin, ''))`,
              )) as string[];
            }
            await context.close();
          }
        } finally {
          await browser.close();
        }
        const load1 = os.loadavg()[0] ?? 0;
        return {
          backend,
          scale,
          counts: crmScale(scale),
          http: stats(samples),
          raw: stats(await rawFirstPage(raw, workspaceId, loads)),
          requests,
          load: [load0, load1],
        };
      },
    );
  } finally {
    rmSync(webRoot, { recursive: true, force: true });
  }
}

async function rawFirstPage(raw: Database, workspaceId: string, rounds: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await raw.query(
      `SELECT ${contactSelect} FROM contacts c WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.merged_into IS NULL ORDER BY c.id DESC LIMIT 101`,
      [workspaceId],
    );
    samples.push(performance.now() - t0);
  }
  return samples;
}
