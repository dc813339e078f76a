import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

describe('exports in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: [{ path: '/api/v1/me', status: 401 }] });
    ({ base, page } = run);
  });
  afterAll(async () => {
    await run?.close();
  });

  it('exports the filtered list shown, and downloads a backup from Settings → Data', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Mary Somerville');
    await page.getByLabel('Work email').fill('mary@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Connexion');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const headers = { 'x-csrf-token': me.csrfToken };
    for (const [firstName, lifecycleStage, jobTitle] of [
      ['Ada', 'customer', '=cmd|calc'],
      ['Bea', 'lead', 'Analyst'],
      ['Cai', 'customer', 'Engineer, "Chief"'],
    ] as const) {
      const res = await page.request.post(`${base}/api/v1/contacts`, {
        headers,
        data: { firstName, lastName: 'Tester', email: `${firstName.toLowerCase()}@example.org`, lifecycleStage, jobTitle },
      });
      expect(res.status()).toBe(201);
    }
    const view = await (
      await page.request.post(`${base}/api/v1/views`, {
        headers,
        data: {
          objectType: 'contact',
          name: 'Customers',
          filterGroups: [{ filters: [{ field: 'lifecycleStage', operator: 'eq', value: 'customer' }] }],
          sort: [{ field: 'firstName', direction: 'desc' }],
          columns: ['name', 'jobTitle', 'ownerId'],
        },
      })
    ).json();

    // Configuration comes along too: a form (its public id is still taken here, so the restore
    // gives it a new one) and a webhook (restored off, with a new secret).
    const form = await page.request.post(`${base}/api/v1/forms`, {
      headers,
      data: { name: 'Newsletter', fields: [{ key: 'email', label: 'Email' }] },
    });
    expect(form.status()).toBe(201);
    const hook = await page.request.post(`${base}/api/v1/webhooks`, {
      headers,
      data: { url: 'https://hooks.example.com/rapport', eventTypes: ['contact.created'] },
    });
    expect(hook.status()).toBe(201);

    await page.goto(`${base}/contacts?view=${view.id}`);
    await page.getByText('2 contacts', { exact: true }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path()) ?? '', 'utf8');
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFName,Job title,Owner,Owner email',
      'Cai Tester,"Engineer, ""Chief""",Mary Somerville,mary@example.com',
      "Ada Tester,'=cmd|calc,Mary Somerville,mary@example.com",
      '',
    ]);

    await page.goto(`${base}/settings/data`);
    await page.getByRole('heading', { level: 2, name: 'Data', exact: true }).waitFor();
    await page.getByText('A backup is restored into an empty workspace').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'settings-data-1440.png'), style: '.toasts { display: none }' });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(SHOTS, 'settings-data-375.png'), fullPage: true, style: '.toasts { display: none }' });
    await page.setViewportSize({ width: 1440, height: 900 });

    const backup = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download backup' }).click();
    const zip = await backup;
    expect(zip.suggestedFilename()).toMatch(/^connexion-backup-\d{4}-\d{2}-\d{2}\.zip$/);
    const bytes = readFileSync((await zip.path()) ?? '');
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('manifest.json'))).toBe(true);
    expect(bytes.includes(Buffer.from('data/contacts.jsonl'))).toBe(true);

    // Someone else restores it into their new, empty workspace: Mary is not a member there.
    expect((await page.request.post(`${base}/api/v1/auth/logout`, { headers })).status()).toBe(204);
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Caroline Herschel');
    await page.getByLabel('Work email').fill('caroline@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Comets');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();
    await page.goto(`${base}/settings/data`);
    await page.getByLabel('Backup file (.zip)').setInputFiles((await zip.path()) ?? '');
    await page.getByRole('button', { name: 'Restore backup' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Restored' });
    await result.getByText('Restored “Connexion”').waitFor();
    await result.getByText(/Not members here, so their records now have no owner: mary@example\.com/).waitFor();
    expect(await result.locator('dt', { hasText: 'Contacts' }).locator('xpath=following-sibling::dd').textContent()).toBe('3');
    expect(await result.locator('dt', { hasText: 'Webhooks' }).locator('xpath=following-sibling::dd').textContent()).toBe('1');
    await result.getByText(/One webhook is off: a backup has no signing secrets/).waitFor();
    await result.getByText(/already had the public address of “Newsletter”, so it has a new one/).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'settings-data-restored-1440.png'), style: '.toasts { display: none }' });
    await page.goto(`${base}/contacts`);
    await page.getByText('3 contacts', { exact: true }).waitFor();

    expect(run.consoleProblems).toEqual([]);
  }, 180_000);
});
