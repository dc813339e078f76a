import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** Answers the run provokes: the first visit asks who is signed in, and two forms are sent with a bad field. */
const EXPECTED_FAILURES = [
  { path: '/api/v1/me', status: 401 },
  { path: '/api/v1/auth/signup', status: 400 },
  { path: '/api/v1/contacts', status: 400 },
];

describe('the web app in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(() => run?.close());

  const screenshots = (name: string) => run.screenshots(name);

  it('signs up, creates a contact, adds a note and sees it on the timeline', async () => {
    // A first visit without a session lands on sign-up.
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/signup');
    await screenshots('signup');

    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await screenshots('login');
    await page.getByRole('link', { name: 'Create a workspace' }).click();

    // A too-short password is refused by the API and shown beside its field.
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('Use at least 10 characters').waitFor();
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // The empty workspace shows the empty contacts list.
    await page.getByText('No contacts yet').waitFor();
    expect(new URL(page.url()).pathname).toBe('/contacts');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByText('Analytical Engines')).toBeTruthy();
    await screenshots('contacts-empty');

    // Create a contact through the dialog; a bad email is refused inline first.
    await page.getByRole('button', { name: 'Add your first contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('First name').fill('Grace');
    await dialog.getByLabel('Last name').fill('Hopper');
    await dialog.getByLabel('Email').fill('grace@');
    await dialog.getByLabel('Job title').fill('Rear Admiral');
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    const emailError = dialog.getByRole('alert');
    await emailError.waitFor();
    expect(await dialog.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await screenshots('contact-new-dialog');
    await dialog.getByLabel('Email').fill('grace@navy.example');
    await dialog.getByRole('button', { name: 'Create contact' }).click();

    // The contact page opens with its header and fields.
    await page.getByRole('heading', { name: 'Grace Hopper', exact: true }).waitFor();
    const contactId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(contactId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.getByLabel('Email').inputValue()).toBe('grace@navy.example');

    // Add a Markdown note; it appears on the timeline rendered.
    await page.getByPlaceholder(/Write a note/).fill('Talked about **compilers** and the Q3 pilot.');
    await page.getByRole('button', { name: 'Add note' }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.locator('strong', { hasText: 'compilers' }).waitFor();
    expect(await timeline.getByText('Contact created').count()).toBe(1);

    // The API shows the same: the note is on the contact's timeline.
    const api = await page.request.get(`${base}/api/v1/contacts/${contactId}/timeline`);
    expect(api.status()).toBe(200);
    const entries = (await api.json()).data as { kind: string; activity: { kind: string; body: string } | null }[];
    const note = entries.find((e) => e.kind === 'activity');
    expect(note?.activity?.kind).toBe('note');
    expect(note?.activity?.body).toBe('Talked about **compilers** and the Q3 pilot.');

    // Edit a field; the change is saved with If-Match and shows in the header.
    await page.getByLabel('Job title').fill('Computer scientist');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Computer scientist', { exact: true }).waitFor();
    await screenshots('contact');

    // More people, so the list screenshot shows a living list; the new one is among them.
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const people = ['Alan Turing', 'Katherine Johnson', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton'];
    const batch = await page.request.post(`${base}/api/v1/contacts/batch/create`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: {
        inputs: people.map((name, i) => {
          const [firstName, lastName] = name.split(' ');
          return { firstName, lastName, email: `${firstName?.toLowerCase()}@example.org`, jobTitle: i % 2 ? 'Engineer' : 'Researcher' };
        }),
      },
    });
    expect(batch.status()).toBe(200);
    await page.getByRole('link', { name: 'Contacts' }).first().click();
    const table = page.getByRole('table', { name: 'Contacts' });
    await table.getByText('Grace Hopper').waitFor();
    await page.getByText('7 contacts').waitFor();
    // Sorting by name puts Alan first.
    await table.getByRole('button', { name: 'Name' }).click();
    await expect.poll(async () => (await table.getByRole('row').nth(1).textContent()) ?? '').toContain('Alan Turing');
    await screenshots('contacts');

    // A longer list loads its next keyset page as it is scrolled to the end.
    const more = await page.request.post(`${base}/api/v1/contacts/batch/create`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { inputs: Array.from({ length: 150 }, (_, i) => ({ firstName: 'Bulk', lastName: `Person ${String(i).padStart(3, '0')}` })) },
    });
    expect(more.status()).toBe(200);
    await page.reload();
    await page.getByText('157 contacts').waitFor();
    const nextPage = page.waitForRequest((r) => r.url().endsWith('/api/v1/contacts/search') && (r.postData() ?? '').includes('"cursor"'));
    const scrollToEnd = () => page.locator('.table-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await scrollToEnd();
    await nextPage;
    await expect
      .poll(async () => {
        await scrollToEnd();
        return table.getByRole('row').last().getAttribute('aria-rowindex');
      })
      .toBe('158');

    expect(run.consoleProblems).toEqual([]);
    // A browser beside the rest of the suite on two cores can be slow; the steps themselves wait for what they need.
  }, 180_000);
});
