import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** Answers the run provokes: the first visit asks who is signed in. */
const EXPECTED_FAILURES = [{ path: '/api/v1/me', status: 401 }];

describe('demo data in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(() => run?.close());

  const screenshots = (name: string) => run.screenshots(name);

  it('signs up, loads demo data and sees a filled contacts list and deals board', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // The owner of an empty workspace is offered the sample.
    await page.getByText('No contacts yet').waitFor();
    const load = page.getByRole('button', { name: 'Load demo data' });
    await load.click();
    await page.getByText('this takes a few seconds').waitFor();
    await page.getByText('250 contacts', { exact: true }).waitFor({ timeout: 30_000 });
    const table = page.getByRole('table', { name: 'Contacts' });
    expect(await table.getByRole('row').count()).toBeGreaterThan(5);
    expect(await page.getByText('No contacts yet').count()).toBe(0);
    const api = await page.request.get(`${base}/api/v1/contacts?limit=1`);
    expect((await api.json()).total).toBe(250);
    await screenshots('contacts-demo');

    // The deals board shows the sample's deals across the stages, with counts.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
    const qualified = page.getByRole('region', { name: 'Qualified', exact: true });
    await qualified.waitFor();
    await expect.poll(() => qualified.getByRole('listitem').count()).toBeGreaterThan(3);
    expect(await page.getByText('Drop a deal here').count()).toBe(0);
    const deals = await page.request.post(`${base}/api/v1/deals/search`, {
      data: { limit: 1 },
      headers: { 'x-csrf-token': await csrf() },
    });
    expect((await deals.json()).total).toBe(60);
    await screenshots('deals-demo');

    expect(run.consoleProblems).toEqual([]);
  }, 90_000);

  /** The session's CSRF token, for API calls the test makes beside the page. */
  async function csrf(): Promise<string> {
    return (await (await page.request.get(`${base}/api/v1/me`)).json()).csrfToken;
  }
});
