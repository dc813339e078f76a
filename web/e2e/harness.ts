// What every browser run shares: a Rapport server on a fresh database, Debian's Chromium driven by
// playwright-core, a watch on the page's console (any error or warning fails the run unless the run
// provokes that failed request on purpose), and screenshots at desktop and phone width.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { ensureWebBuilt, root } from '../../scripts/ensure.mjs';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Database } from '../../server/src/db/database.ts';
import { Queue } from '../../server/src/jobs/queue.ts';
import { ensureQueues } from '../../server/src/jobs/queues.ts';
import { startWorker } from '../../server/src/server.ts';
import { createTestDatabase } from '../../server/test/db.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(root, 'docs', 'screenshots');
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };

/** A failed request a run provokes on purpose (the browser logs every 4xx answer). */
export type ExpectedFailure = { path: string | RegExp; status: number };

/** A browser on a running server. */
export type BrowserRun = {
  base: string;
  db: Database;
  page: Page;
  /** Console errors and warnings seen so far, other than the expected failed requests. */
  consoleProblems: string[];
  /**
   * Saves the page at desktop and phone width as docs/screenshots/<name>-{desktop,phone}.png,
   * each scrolled to `scrollTo` when given (a part far down the page).
   */
  screenshots(name: string, scrollTo?: Locator): Promise<void>;
  close(): Promise<void>;
};

/**
 * Starts a server on a fresh database (building the web app if needed) and a page in Chromium.
 * `worker` also runs the job worker, as `rapport serve` does, for runs that need background jobs.
 */
export async function startBrowserRun(options: {
  expectedFailures: ExpectedFailure[];
  locale?: string;
  worker?: boolean;
}): Promise<BrowserRun> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  ensureWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const { db, drop } = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_URL: 'http://127.0.0.1' });
  const queue = new Queue(db);
  const { app, deps } = await buildApp({ config, db, queue });
  let stopWorker = async () => {};
  if (options.worker) {
    await queue.start();
    await ensureQueues(queue);
    stopWorker = await startWorker(deps);
  }
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app.close();
    await stopWorker();
    await queue.stop();
    await drop();
  };
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({
      viewport: DESKTOP,
      deviceScaleFactor: 1,
      locale: options.locale ?? 'en-GB',
      timezoneId: 'Europe/London',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    const matches = (p: string | RegExp, resource: string) => (typeof p === 'string' ? p === resource : p.test(resource));
    page.on('console', (msg) => {
      if (msg.type() !== 'error' && msg.type() !== 'warning') return;
      const resource = msg.location().url.replace(base, '');
      const expected = options.expectedFailures.find((f) => matches(f.path, resource) && msg.text().includes(`status of ${f.status}`));
      if (msg.text().startsWith('Failed to load resource') && expected) return;
      consoleProblems.push(`${msg.type()}: ${msg.text()} (${resource})`);
    });
    page.on('pageerror', (err) => consoleProblems.push(`pageerror: ${err.message}`));
    const screenshots = async (name: string, scrollTo?: Locator) => {
      // Toasts come and go; they are left out so the pictures show the screen itself.
      const style = '.toasts { display: none }';
      await scrollTo?.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `${name}-desktop.png`), style });
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(200);
      await scrollTo?.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `${name}-phone.png`), style });
      await page.setViewportSize(DESKTOP);
      await page.waitForTimeout(200);
    };
    return { base, db, page, consoleProblems, screenshots, close };
  } catch (err) {
    await close();
    throw err;
  }
}
