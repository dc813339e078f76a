import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** The first visit asks who is signed in. */
const EXPECTED_FAILURES = [{ path: '/api/v1/me', status: 401 }];

describe('vCard download and import, and the calendar feed, in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(() => run?.close());

  async function apiCall<T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> {
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const res = await page.request.fetch(`${base}${url}`, { method, data, headers: { 'x-csrf-token': me.csrfToken } });
    expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true);
    return (await res.json()) as T;
  }

  /** Reads a feed as a calendar app would: a plain request, no cookie. */
  const readFeed = (url: string) => fetch(url.replace(/^https?:\/\/[^/]+/, base));

  it('downloads a contact as a vCard, imports a .vcf with a report, and manages the calendar feed', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Work email').fill('grace@navy.example');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Compilers');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    // Download vCard on the contact's page.
    const contact = await apiCall<{ id: string }>('POST', '/api/v1/contacts', {
      firstName: 'Jean',
      lastName: 'Sammet',
      email: 'jean@ibm.example',
      jobTitle: 'Language designer',
    });
    await page.goto(`${base}/contacts/${contact.id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download vCard' }).click()]);
    expect(download.suggestedFilename()).toBe('Jean Sammet.vcf');
    const vcard = await readFile((await download.path()) as string, 'utf8');
    expect(vcard.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')).toBe(true);
    expect(vcard).toContain('FN:Jean Sammet\r\n');
    expect(vcard).toContain('EMAIL;PREF=1:jean@ibm.example\r\n');
    await run.screenshots('contact-vcard');

    // Import vCard from the contacts list: a report of what was created, updated and skipped.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'Import vCard' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import vCard' });
    const file = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Sammet;Jean;;;',
      'FN:Jean Sammet',
      'EMAIL;TYPE=INTERNET:jean@ibm.example',
      'TITLE:COBOL designer',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Holberton;Fr=C3=A4nces;;;',
      'TEL;CELL:+1 202 555 0147',
      'BDAY:1917-03-27',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'NOTE:nothing else',
      'END:VCARD',
      '',
    ].join('\r\n');
    await dialog.getByLabel('vCard file').setInputFiles({ name: 'people.vcf', mimeType: 'text/vcard', buffer: Buffer.from(file) });
    // The file goes as the form's multipart body, as any browser upload does.
    const [upload] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/contacts/vcard/import')),
      dialog.getByRole('button', { name: 'Import' }).click(),
    ]);
    expect(await upload.headerValue('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const report = page.getByRole('dialog', { name: 'vCard import' });
    await report.getByText('3 cards: 1 created, 1 updated, 1 skipped, 0 not imported.').waitFor();
    await report.getByText('Rapport has no field for it').first().waitFor();
    await report.getByText('The card has no name, valid email or valid phone').waitFor();
    await run.screenshots('vcard-import');
    await report.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row', { name: /Fränces Holberton/ }).waitFor();
    expect((await apiCall<{ jobTitle: string }>('GET', `/api/v1/contacts/${contact.id}`)).jobTitle).toBe('COBOL designer');
    await run.screenshots('contacts-with-import');

    // The calendar feed in profile settings: create, copy, rotate, revoke.
    await apiCall('POST', '/api/v1/tasks', { title: 'Review the compiler', dueAt: new Date(Date.now() + 86_400_000).toISOString() });
    await page.goto(`${base}/settings/profile`);
    const panel = page.locator('.settings-panel', { has: page.getByRole('heading', { name: 'Calendar feed' }) });
    await panel.getByRole('button', { name: 'Create calendar feed' }).click();
    const urlBox = panel.getByLabel('Calendar feed URL');
    await urlBox.waitFor();
    const first = await urlBox.inputValue();
    expect(first).toMatch(/\/api\/v1\/ical\/rcal_[\w-]{43}\.ics$/);
    const feed = await readFeed(first);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('SUMMARY:Review the compiler');
    await panel.getByRole('button', { name: 'Rotate URL' }).scrollIntoViewIfNeeded();
    await run.screenshots('calendar-feed');

    await panel.getByRole('button', { name: 'Rotate URL' }).click();
    await page.getByRole('dialog', { name: 'Rotate calendar feed URL' }).getByRole('button', { name: 'Rotate URL' }).click();
    // The URL box shows the new address once the rotation is answered.
    await expect.poll(() => urlBox.inputValue(), { timeout: 10_000 }).not.toBe(first);
    const second = await urlBox.inputValue();
    expect((await readFeed(first)).status).toBe(404);
    expect((await readFeed(second)).status).toBe(200);

    await panel.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke calendar feed' }).getByRole('button', { name: 'Revoke feed' }).click();
    await panel.getByRole('button', { name: 'Create calendar feed' }).waitFor();
    expect((await readFeed(second)).status).toBe(404);
    await run.screenshots('calendar-feed-none');

    expect(run.consoleProblems).toEqual([]);
  }, 120_000);
});
