import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/src/db/database.ts';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** Answers the run provokes: the first visit asks who is signed in, and one move lacks a stage's required amount. */
const EXPECTED_FAILURES = [
  { path: /^\/api\/v1\/me$/, status: 401 },
  { path: /^\/api\/v1\/deals\/[0-9a-f-]{36}$/, status: 422 },
];

type Stay = { stageName: string; leftAt: string | null; durationSeconds: number };

describe('the pipeline board in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;
  let db: Database;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES, locale: 'en-US' });
    ({ base, page, db } = run);
  });

  afterAll(() => run?.close());

  const screenshots = (name: string) => run.screenshots(name);

  const column = (stage: string) => page.getByRole('region', { name: stage, exact: true });
  const card = (name: string) => page.getByRole('listitem', { name, exact: true });

  it('creates a deal, drags it across two stages filling a required field in place, and marks it won', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const headers = { 'x-csrf-token': me.csrfToken };

    // The default pipeline; its third stage will require an amount.
    const pipeline = (await (await page.request.get(`${base}/api/v1/pipelines`)).json()).data[0];
    const stageId = (name: string) => pipeline.stages.find((s: { name: string }) => s.name === name).id as string;
    const required = await page.request.patch(`${base}/api/v1/pipelines/${pipeline.id}/stages/${stageId('Demo scheduled')}`, {
      headers,
      data: { requiredFields: ['amount'] },
    });
    expect(required.status()).toBe(200);

    // An empty board says so in every column.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
    await column('Qualified').waitFor();
    expect(await page.getByText('Drop a deal here').count()).toBe(5);

    // Create a deal without an amount from the board.
    await page.getByRole('button', { name: 'New deal' }).click();
    const newDeal = page.getByRole('dialog', { name: 'New deal' });
    await newDeal.getByLabel('Deal name').fill('Babbage & Co pilot');
    await newDeal.getByRole('button', { name: 'Create deal' }).click();
    await column('Qualified').getByRole('listitem', { name: 'Babbage & Co pilot' }).waitFor();
    const href = (await card('Babbage & Co pilot').getByRole('link').getAttribute('href')) ?? '';
    const dealId = href.split('/').pop() ?? '';
    expect(dealId).toMatch(/^[0-9a-f-]{36}$/);

    // Drag it to the next stage: no requirement, it simply moves.
    await card('Babbage & Co pilot').dragTo(column('Contact made'));
    await column('Contact made').getByRole('listitem', { name: 'Babbage & Co pilot' }).waitFor();
    await expect
      .poll(async () => (await page.request.get(`${base}/api/v1/deals/${dealId}`)).json().then((d) => d.stageId))
      .toBe(stageId('Contact made'));

    // Drag it on to Demo scheduled, which requires an amount: the card goes back and the board asks for it.
    await card('Babbage & Co pilot').dragTo(column('Demo scheduled'));
    const requirements = page.getByRole('dialog', { name: 'Move to Demo scheduled' });
    await requirements.waitFor();
    expect(await column('Contact made').getByRole('listitem', { name: 'Babbage & Co pilot' }).count()).toBe(1);
    await screenshots('deal-stage-requirements');
    // A bad amount is refused beside its field before anything is sent.
    await requirements.getByLabel(/Amount/).fill('lots');
    await requirements.getByRole('button', { name: 'Save and move' }).click();
    await requirements.getByText(/Enter an amount in/).waitFor();
    await requirements.getByLabel(/Amount/).fill('12,500');
    await requirements.getByRole('button', { name: 'Save and move' }).click();
    await requirements.waitFor({ state: 'hidden' });
    const moved = column('Demo scheduled').getByRole('listitem', { name: 'Babbage & Co pilot' });
    await moved.waitFor();
    expect(await moved.textContent()).toContain('$12,500');
    // The column shows its count, total and weighted total (Demo scheduled is 40 %).
    expect(await column('Demo scheduled').getByTestId('column-total').textContent()).toBe('$12,500');
    expect(await column('Demo scheduled').getByTestId('column-weighted').textContent()).toBe('$5,000');

    // The API agrees: the amount in minor units, the stage, and three stays in the stage history.
    const deal = await (await page.request.get(`${base}/api/v1/deals/${dealId}`)).json();
    expect(deal).toMatchObject({ stageId: stageId('Demo scheduled'), amount: 1_250_000, weightedAmount: 500_000, status: 'open' });
    const history = (await (await page.request.get(`${base}/api/v1/deals/${dealId}/stage-history`)).json()).data as Stay[];
    expect(history.map((s) => s.stageName)).toEqual(['Qualified', 'Contact made', 'Demo scheduled']);
    expect(history.map((s) => s.leftAt === null)).toEqual([false, false, true]);

    // A few more deals, one of them idle past its stage's rotten days, for a living board.
    const acme = (await (await page.request.post(`${base}/api/v1/companies`, { headers, data: { name: 'Acme Corp' } })).json()).id;
    const more = [
      { name: 'Acme — 50 seats', amount: 4_800_000, stageId: stageId('Qualified'), companyId: acme, ownerId: me.user.id },
      { name: 'Globex renewal', amount: 2_150_000, stageId: stageId('Proposal made'), ownerId: me.user.id },
      { name: 'Initech expansion', amount: 900_000, stageId: stageId('Qualified') },
      { name: 'Umbrella analytics', amount: 7_500_000, stageId: stageId('Negotiations started'), companyId: acme },
    ];
    for (const data of more) {
      expect((await page.request.post(`${base}/api/v1/deals`, { headers, data })).status()).toBe(201);
    }
    const rotting = await page.request.patch(`${base}/api/v1/pipelines/${pipeline.id}/stages/${stageId('Proposal made')}`, {
      headers,
      data: { rottenDays: 14 },
    });
    expect(rotting.status()).toBe(200);
    await db.query("UPDATE deals SET stage_entered_at = now() - interval '20 days' WHERE name = 'Globex renewal'");
    await page.reload();
    await card('Globex renewal').waitFor();
    expect(await card('Globex renewal').getByText('Rotten').count()).toBe(1);
    // Company names arrive in their own request after the cards.
    await card('Acme — 50 seats').getByText('Acme Corp', { exact: true }).waitFor();
    await card('Acme — 50 seats').getByRole('img', { name: 'Owner: Ada Lovelace' }).waitFor();
    expect(await column('Qualified').getByTestId('column-total').textContent()).toBe('$57,000');
    await screenshots('deals-board');

    // Keyboard and phone way: the card's menu moves a deal.
    await card('Initech expansion').getByRole('button', { name: 'Actions for Initech expansion' }).click();
    await page.getByRole('menuitem', { name: 'Proposal made' }).click();
    await column('Proposal made').getByRole('listitem', { name: 'Initech expansion' }).waitFor();
    // The card moves at once; the server's write may land a moment later.
    const initechStage = async () => (await (await page.request.get(`${base}/api/v1/deals?q=Initech`)).json()).data[0].stageId;
    await expect.poll(initechStage, { timeout: 10_000 }).toBe(stageId('Proposal made'));

    // The deal page: header, fields, stage history with durations, the timeline with the moves; add a note.
    await card('Babbage & Co pilot').getByRole('link').click();
    await page.getByRole('heading', { name: 'Babbage & Co pilot', exact: true }).waitFor();
    const stages = page.getByRole('list', { name: 'Stage history' });
    await stages.getByText('Demo scheduled').waitFor();
    expect(await stages.getByRole('listitem').count()).toBe(3);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Moved from Contact made to Demo scheduled').waitFor();
    await page.getByPlaceholder(/Write a note/).fill('Pilot agreed for **three** teams.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await timeline.locator('strong', { hasText: 'three' }).waitFor();
    // Override the probability; the header shows the new weighted amount.
    await page.getByLabel('Probability (%)').fill('50');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('$6,250').waitFor();
    await screenshots('deal');

    // Back on the board, mark it won from its menu: it leaves the open board.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deals' }).click();
    await card('Babbage & Co pilot').getByRole('button', { name: 'Actions for Babbage & Co pilot' }).click();
    await page.getByRole('menuitem', { name: 'Mark won' }).click();
    await card('Babbage & Co pilot').waitFor({ state: 'detached' });
    const won = await (await page.request.get(`${base}/api/v1/deals/${dealId}`)).json();
    expect(won.status).toBe('won');
    expect(won.closedAt).toBeTruthy();

    // Mark another lost from its page, with a reason.
    await card('Initech expansion').getByRole('link').click();
    await page.getByRole('heading', { name: 'Initech expansion', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Mark lost' }).click();
    const lost = page.getByRole('dialog', { name: 'Mark as lost' });
    await lost.getByLabel('Lost reason').fill('Chose to build it in-house');
    await lost.getByRole('button', { name: 'Mark lost' }).click();
    await page.getByText('Lost: Chose to build it in-house', { exact: true }).waitFor();
    const search = await page.request.post(`${base}/api/v1/deals/search`, {
      headers,
      data: { filterGroups: [{ filters: [{ field: 'status', operator: 'eq', value: 'lost' }] }] },
    });
    expect((await search.json()).data.map((d: { name: string; lostReason: string }) => [d.name, d.lostReason])).toEqual([
      ['Initech expansion', 'Chose to build it in-house'],
    ]);

    expect(run.consoleProblems).toEqual([]);
  }, 180_000);
});
