import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** Answers the run provokes: the first visit asks who is signed in. */
const EXPECTED_FAILURES = [{ path: '/api/v1/me', status: 401 }];

type Record = { id: string; name: string };
type Timeline = { data: { kind: string; activity: { subject: string | null } | null }[] };

describe('reviewing and merging duplicates in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(() => run?.close());

  /** Calls the API as the signed-in page does: its session cookie, and the CSRF token for writes. */
  async function apiCall<T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> {
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const res = await page.request.fetch(`${base}${url}`, { method, data, headers: { 'x-csrf-token': me.csrfToken } });
    expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true);
    return (await res.json()) as T;
  }

  /** Where a merged record's id sends an API client: status and Location, without following. */
  async function redirectOf(url: string): Promise<{ status: number; location: string | undefined }> {
    const res = await page.request.get(`${base}${url}`, { maxRedirects: 0 });
    return { status: res.status(), location: res.headers().location };
  }

  /** A deal and a logged call on a record, so the merge has something to move. */
  async function attach(recordType: 'contact' | 'company', recordId: string, subject: string) {
    const pipeline = (await apiCall<{ data: { stages: { id: string }[] }[] }>('GET', '/api/v1/pipelines')).data[0];
    const deal = await apiCall<{ id: string }>('POST', '/api/v1/deals', {
      name: `${subject} deal`,
      stageId: pipeline?.stages[0]?.id,
      ...(recordType === 'contact' ? { contacts: [{ contactId: recordId }] } : { companyId: recordId }),
    });
    await apiCall('POST', '/api/v1/activities', {
      kind: 'call',
      call: { direction: 'outbound' },
      subject,
      links: [{ recordType, recordId }],
    });
    return deal.id;
  }

  const activitySubjects = (timeline: Timeline) => timeline.data.flatMap((e) => (e.kind === 'activity' ? [e.activity?.subject] : []));

  it('merges two contacts field by field from the review list', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    // No duplicates yet: the empty state says so.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Duplicates' }).click();
    await page.getByText('No duplicates found').waitFor();

    const grace = await apiCall<Record>('POST', '/api/v1/contacts', {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.example',
      jobTitle: 'Rear Admiral',
    });
    const graceAgain = await apiCall<Record>('POST', '/api/v1/contacts', {
      firstName: 'Amazing Grace',
      lastName: 'Hopper',
      email: 'GRACE@Navy.example',
      phone: '+1 202 456 1111',
      jobTitle: 'Computer scientist',
      leadSource: 'Conference',
    });
    const graceDeal = await attach('contact', grace.id, 'Compiler call');
    const againDeal = await attach('contact', graceAgain.id, 'COBOL call');
    // A second pair, on the phone, which the merge leaves alone.
    await apiCall('POST', '/api/v1/contacts', { firstName: 'Alan', lastName: 'Turing', phone: '+44 20 7946 0101' });
    await apiCall('POST', '/api/v1/contacts', { firstName: 'A. M.', lastName: 'Turing', phone: '+442079460101' });

    await page.reload();
    const pairs = page.getByRole('list', { name: 'Possible duplicate contacts' });
    const gracePair = pairs.getByRole('listitem', { name: /Grace Hopper and Amazing Grace Hopper|Amazing Grace Hopper and Grace Hopper/ });
    await gracePair.waitFor();
    await gracePair.getByText('Same email').waitFor();
    await pairs
      .getByRole('listitem', { name: /Turing and .*Turing/ })
      .getByText('Same phone')
      .waitFor();
    await run.screenshots('duplicates-list');

    // A record page's "Merge" link narrows the list to that record's pairs.
    await page.goto(`${base}/duplicates?object=contacts&record=${grace.id}`);
    await page.getByText('Showing possible duplicates of').waitFor();
    await gracePair.waitFor();
    expect(await pairs.getByRole('listitem', { name: /Turing/ }).count()).toBe(0);

    await gracePair.getByRole('button', { name: /Review & merge/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge contacts' });
    await dialog.getByRole('group', { name: 'Keep which contact?' }).waitFor();
    // Identical fields are not offered; the last name is listed once among them.
    expect(await dialog.getByRole('group', { name: 'Last name' }).count()).toBe(0);
    await dialog.getByText('identical field').waitFor();

    // Keep the first Grace, her first name, and the other record's job title and phone.
    await dialog
      .getByRole('group', { name: 'Keep which contact?' })
      .getByRole('radio', { name: /^Grace Hopper/ })
      .check();
    await dialog
      .getByRole('group', { name: 'First name' })
      .getByRole('radio', { name: /^Grace from/ })
      .check();
    await dialog
      .getByRole('group', { name: 'Job title' })
      .getByRole('radio', { name: /Computer scientist/ })
      .check();
    await dialog.getByRole('group', { name: 'Primary phone' }).getByRole('radio', { name: /456/ }).check();
    await dialog.getByText('1 deal, 1 activity move from Amazing Grace Hopper to Grace Hopper.').waitFor();
    await run.screenshots('duplicates-merge');
    await dialog.getByRole('button', { name: 'Merge into Grace Hopper' }).click();

    // The pair leaves the list, and a toast offers the survivor.
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No duplicates found').waitFor();
    const toast = page.getByRole('status').filter({ hasText: 'Merged into Grace Hopper' });
    await toast.waitFor();

    const survivor = await apiCall<{ firstName: string; jobTitle: string; phone: string; leadSource: string; emails: unknown[] }>(
      'GET',
      `/api/v1/contacts/${grace.id}`,
    );
    expect(survivor).toMatchObject({ firstName: 'Grace', jobTitle: 'Computer scientist', phone: '+12024561111', leadSource: 'Conference' });
    expect(await redirectOf(`/api/v1/contacts/${graceAgain.id}`)).toEqual({ status: 301, location: `/api/v1/contacts/${grace.id}` });
    const timeline = await apiCall<Timeline>('GET', `/api/v1/contacts/${grace.id}/timeline`);
    expect(activitySubjects(timeline).sort()).toEqual(['COBOL call', 'Compiler call']);
    for (const dealId of [graceDeal, againDeal]) {
      const deal = await apiCall<{ contacts: { contactId: string }[] }>('GET', `/api/v1/deals/${dealId}`);
      expect(deal.contacts.map((c) => c.contactId)).toEqual([grace.id]);
    }

    // The toast opens the survivor; the merged record's old address leads there too.
    await toast.getByRole('link', { name: 'Open Grace Hopper' }).click();
    await page.waitForURL(`${base}/contacts/${grace.id}`);
    await page.goto(`${base}/contacts/${graceAgain.id}`);
    await page.waitForURL(`${base}/contacts/${grace.id}`);
    await page.getByRole('heading', { name: 'Grace Hopper', exact: true }).waitFor();

    // The other pair is still there to review.
    await page.goto(`${base}/duplicates`);
    await pairs.getByRole('listitem', { name: /Turing/ }).waitFor();
    expect(await pairs.getByRole('listitem', { name: / and / }).count()).toBe(1);
    expect(run.consoleProblems).toEqual([]);
  });

  it('merges two companies, moving their deals and activities', async () => {
    const initech = await apiCall<Record>('POST', '/api/v1/companies', {
      name: 'Initech',
      domain: 'initech.example',
      industry: 'Software',
    });
    const initechEu = await apiCall<Record>('POST', '/api/v1/companies', {
      name: 'Initech Europe',
      domain: 'eu.initech.example',
      employeeCount: 120,
    });
    await attach('company', initech.id, 'Printer call');
    const euDeal = await attach('company', initechEu.id, 'TPS report call');

    await page.goto(`${base}/duplicates`);
    await page.getByRole('navigation', { name: 'Record type' }).getByRole('link', { name: 'Companies' }).click();
    const pairs = page.getByRole('list', { name: 'Possible duplicate companies' });
    const pair = pairs.getByRole('listitem', { name: /Initech/ });
    await pair.getByText('Related domain').waitFor();
    await pair.getByRole('button', { name: /Review & merge/ }).click();

    const dialog = page.getByRole('dialog', { name: 'Merge companies' });
    await dialog
      .getByRole('group', { name: 'Keep which company?' })
      .getByRole('radio', { name: /^Initech(?! Europe)/ })
      .check();
    await dialog
      .getByRole('group', { name: 'Name' })
      .getByRole('radio', { name: /^Initech from/ })
      .check();
    await dialog
      .getByRole('group', { name: 'Domain' })
      .getByRole('radio', { name: /eu\.initech\.example/ })
      .check();
    await dialog.getByRole('button', { name: 'Merge into Initech' }).click();

    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No duplicates found').waitFor();
    await page.getByRole('status').filter({ hasText: 'Merged into Initech' }).waitFor();

    const survivor = await apiCall<{ name: string; domain: string; industry: string; employeeCount: number }>(
      'GET',
      `/api/v1/companies/${initech.id}`,
    );
    expect(survivor).toMatchObject({ name: 'Initech', domain: 'eu.initech.example', industry: 'Software', employeeCount: 120 });
    expect(await redirectOf(`/api/v1/companies/${initechEu.id}`)).toEqual({ status: 301, location: `/api/v1/companies/${initech.id}` });
    const timeline = await apiCall<Timeline>('GET', `/api/v1/companies/${initech.id}/timeline`);
    expect(activitySubjects(timeline)).toEqual(expect.arrayContaining(['Printer call', 'TPS report call']));
    const deals = await apiCall<{ data: { id: string }[] }>('GET', `/api/v1/companies/${initech.id}/deals`);
    expect(deals.data.map((d) => d.id)).toContain(euDeal);

    await page.goto(`${base}/companies/${initechEu.id}`);
    await page.waitForURL(`${base}/companies/${initech.id}`);
    expect(run.consoleProblems).toEqual([]);
  });
});
