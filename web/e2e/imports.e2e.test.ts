import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { root } from '../../scripts/ensure.mjs';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** The first visit asks who is signed in (401). */
const EXPECTED_FAILURES = [{ path: '/api/v1/me', status: 401 }];

/** A contacts export with the header names of a common CRM, one extra column, and one bad email (row 3). */
const CSV = [
  'First Name,Last Name,Email,Company Name,Lifecycle Stage,Favourite Language',
  'Ada,Lovelace,ada@example.com,Analytical Engines,Customer,Notation',
  'Grace,Hopper,grace@example.com,US Navy,Lead,COBOL',
  'Alan,Turing,alan-at-example,Bletchley,Subscriber,Machine code',
  'Edsger,Dijkstra,edsger@example.com,Mathematisch Centrum,Marketing Qualified Lead,ALGOL',
].join('\r\n');

type Contact = {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  lifecycleStage: string;
  custom: Record<string, unknown>;
};

describe('CSV import in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    // Small batches, so a few thousand rows take several checkpoints and the run can be watched moving.
    process.env.RAPPORT_IMPORT_BATCH = '1000';
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES, worker: true });
    ({ base, page } = run);
  });

  afterAll(async () => {
    await run?.close();
    delete process.env.RAPPORT_IMPORT_BATCH;
  });

  /** Saves the screen from its top at 1440 and 375 px wide as docs/screenshots/import-<name>-1440.png and -375.png. */
  async function shots(name: string) {
    const style = '.toasts { display: none }';
    const file = (width: number) => path.join(root, 'docs', 'screenshots', `import-${name}-${width}.png`);
    const toTop = () => page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
    await toTop();
    await page.screenshot({ path: file(1440), style });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(200);
    await toTop();
    await page.screenshot({ path: file(375), style });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForTimeout(200);
  }

  /** Drops a CSV file on the drop zone, as dragging it from the desktop does. */
  async function dropFile(name: string, text: string) {
    const transfer = await page.evaluateHandle(
      ([fileName, content]) => {
        // Runs in the page, where DataTransfer exists (this file is typed for Node).
        const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
        const data = new DataTransfer();
        data.items.add(new File([content as string], fileName as string, { type: 'text/csv' }));
        return data;
      },
      [name, text],
    );
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer: transfer });
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
  }

  async function contacts(): Promise<Contact[]> {
    const answer = await page.request.get(`${base}/api/v1/contacts?limit=100`);
    expect(answer.status()).toBe(200);
    return ((await answer.json()) as { data: Contact[] }).data;
  }

  const picker = (column: string) => page.getByLabel(`Field for column ${column}`);

  it('maps a CRM export, creates a field for its extra column, previews, imports, re-imports, reverts, and shows a long run live', async () => {
    // A failure says where the page was and what the console had said.
    onTestFailed(() => console.log(`failed at ${page.url()}; console: ${JSON.stringify(run.consoleProblems)}`));
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Work email').fill('grace@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Compilers');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    // The contacts list leads to the upload with contacts chosen.
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import a CSV file' }).waitFor();
    expect(await page.getByLabel(/^Contacts/).isChecked()).toBe(true);
    await shots('upload');

    await dropFile('crm-contacts.csv', CSV);
    await page.getByRole('heading', { name: 'Map the columns' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
    const firstImport = new URL(page.url()).pathname;
    expect(await picker('First Name').inputValue()).toBe('first_name');
    expect(await picker('Last Name').inputValue()).toBe('last_name');
    expect(await picker('Email').inputValue()).toBe('email');
    expect(await picker('Company Name').inputValue()).toBe('company_name');
    expect(await picker('Lifecycle Stage').inputValue()).toBe('lifecycle_stage');
    expect(await picker('Favourite Language').inputValue()).toBe('');
    expect(await page.getByText('✓ Auto-matched').count()).toBe(5);

    await page.getByRole('button', { name: 'Create custom field from Favourite Language' }).click();
    await expect.poll(() => picker('Favourite Language').inputValue()).toMatch(/^custom\./);
    const languageField = await picker('Favourite Language').inputValue();
    await page.getByText('6 of 6 mapped').waitFor();
    await shots('mapping');

    await page.getByRole('button', { name: 'Preview import' }).click();
    await page.getByRole('heading', { name: 'Preview the import' }).waitFor();
    const preview = page.getByRole('region', { name: 'Preview of the first rows' });
    const bad = preview.locator('td[data-error]');
    await expect.poll(() => bad.count()).toBe(1);
    expect(await bad.textContent()).toContain('alan-at-example');
    expect(await preview.getByText('Error', { exact: true }).count()).toBe(1);
    const counts = page.getByLabel('What the import will do');
    expect(await counts.locator('dt:text-is("Will be created") + dd').textContent()).toBe('3');
    expect(await counts.locator('dt:text-is("With errors") + dd').textContent()).toBe('1');
    expect(await page.getByRole('region', { name: 'Errors by kind' }).textContent()).toContain('Invalid email');
    expect(await contacts()).toEqual([]);
    await shots('dry-run');

    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: 'Import completed' }).waitFor({ timeout: 30_000 });
    const tiles = page.getByLabel('Rows so far');
    expect(await tiles.locator('dd').allTextContents()).toEqual(['3', '0', '0', '1']);
    await shots('summary');

    const stored = await contacts();
    const byEmail = new Map(stored.map((c) => [c.email, c]));
    expect([...byEmail.keys()].sort()).toEqual(['ada@example.com', 'edsger@example.com', 'grace@example.com']);
    const languageKey = languageField.replace(/^custom\./, '');
    expect(byEmail.get('ada@example.com')).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', lifecycleStage: 'customer' });
    expect(byEmail.get('ada@example.com')?.custom[languageKey]).toBe('Notation');
    expect(byEmail.get('edsger@example.com')?.lifecycleStage).toBe('mql');
    expect(byEmail.get('grace@example.com')?.custom[languageKey]).toBe('COBOL');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download error report' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('crm-contacts-errors.csv');
    const report = await (await download.createReadStream()).toArray();
    const reportText = Buffer.concat(report as Buffer[]).toString('utf8');
    const [reportHeader, ...reportRows] = reportText.trim().split(/\r?\n/);
    expect(reportHeader).toContain('First Name');
    expect(reportHeader).toContain('error');
    expect(reportRows).toHaveLength(1);
    expect(reportRows[0]).toContain('alan-at-example');

    // The same file again: every row now matches a contact by email, so nothing is created.
    await page.goto(`${base}/imports/new?object=contacts`);
    await dropFile('crm-contacts.csv', CSV);
    await page.getByRole('heading', { name: 'Map the columns' }).waitFor();
    expect(await picker('Favourite Language').inputValue()).toBe(languageField);
    await page.getByRole('button', { name: 'Preview import' }).click();
    await expect.poll(() => counts.locator('dt:text-is("Will be created") + dd').textContent()).toBe('0');
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: 'Import completed' }).waitFor({ timeout: 30_000 });
    expect(await tiles.locator('dd').allTextContents()).toEqual(['0', '0', '3', '1']);
    expect(await contacts()).toHaveLength(3);

    await page.getByRole('link', { name: 'Imports', exact: true }).first().click();
    const history = page.getByRole('list', { name: 'Imports' });
    await expect.poll(() => history.getByRole('listitem').count()).toBe(2);
    await shots('history');

    // Reverting the first import takes its contacts away again.
    await page.goto(`${base}${firstImport}`);
    await page.getByRole('button', { name: 'Revert import' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revert this import?' });
    await confirm.getByText('The 3 contacts it created go to the trash').waitFor();
    await confirm.getByRole('button', { name: 'Revert import' }).click();
    await page.getByRole('heading', { name: 'Import reverted' }).waitFor({ timeout: 30_000 });
    expect(await contacts()).toEqual([]);

    // A long file shows its live progress (rows done of all, the rate and the time left) until it
    // completes. Long enough to take several batches (10,000 rows each on PostgreSQL) and several
    // of the page's one-second polls on a fast machine: 8,000 rows finished on PostgreSQL between
    // two polls, and the page went from waiting straight to completed.
    const many = ['First Name,Email', ...Array.from({ length: 50_000 }, (_, i) => `Person ${i},person${i}@example.com`)].join('\n');
    await page.goto(`${base}/imports/new?object=contacts`);
    await dropFile('newsletter.csv', many);
    await page.getByRole('button', { name: 'Preview import' }).click();
    await counts.waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('heading', { name: 'Importing…' }).waitFor({ timeout: 30_000 });
    const bar = page.getByRole('progressbar', { name: 'Rows processed' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toMatch(/^[1-9]/);
    await shots('progress');
    await page.getByRole('heading', { name: 'Import completed' }).waitFor({ timeout: 180_000 });
    expect(await tiles.locator('dd').allTextContents()).toEqual(['50,000', '0', '0', '0']);

    expect(run.consoleProblems).toEqual([]);
  }, 360_000);
});
