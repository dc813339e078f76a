import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ensureWebBuilt } from '../scripts/ensure.mjs';
import type { Database } from '../server/src/db/database.ts';
import { contactSelect } from '../server/src/modules/contacts/contacts.repo.ts';
import { type Stats, stats } from './stats.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The web app's first screen on a seeded workspace: the contacts list opened in Chromium with a
 * signed-in session, each time in a new browser context (nothing cached), timed in the page from
 * navigation start to the first rows on screen. Beside it, the first page query as raw SQL.
 */
export async function benchContactListFirstLoad(options: {
  base: string;
  cookie: string;
  workspaceId: string;
  raw: Database;
  loads: number;
}): Promise<{ http: Stats; raw: Stats }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  ensureWebBuilt();
  const [name, value] = options.cookie.split('=') as [string, string];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const samples: number[] = [];
  try {
    // One load first, not counted: the server's own first request (schema, caches) is not a page load.
    for (let i = 0; i <= options.loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name, value, url: options.base }]);
      const page = await context.newPage();
      await page.goto(`${options.base}/contacts`, { waitUntil: 'commit' });
      // performance.now() counts from navigation start: the time to the first record's row (not the
      // header, not the loading row).
      // (A string, evaluated in the page: this file is type-checked without the DOM's types.)
      const shownAt = await page.waitForFunction(
        `document.querySelector('[role="table"] [role="row"][aria-rowindex="2"]:not([aria-busy]) [role="cell"]') ? performance.now() : 0`,
        null,
        { polling: 'raf', timeout: 60_000 },
      );
      if (i > 0) samples.push(Number(await shownAt.jsonValue()));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const rawSamples: number[] = [];
  for (let i = 0; i < options.loads; i++) {
    const t0 = performance.now();
    await options.raw.query(
      `SELECT ${contactSelect} FROM contacts c WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.merged_into IS NULL ORDER BY c.id DESC LIMIT 101`,
      [options.workspaceId],
    );
    rawSamples.push(performance.now() - t0);
  }
  return { http: stats(samples), raw: stats(rawSamples) };
}
