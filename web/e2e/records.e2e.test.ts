import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/**
 * Answers the run provokes: the first visit asks who is signed in, and a contact is saved once
 * with a bad email on purpose.
 */
const EXPECTED_FAILURES = [
  { path: '/api/v1/me', status: 401 },
  { path: /^\/api\/v1\/contacts\/[0-9a-f-]{36}$/, status: 400 },
];

type Entry = { kind: string; recordType: string; activity: { kind: string; subject: string | null } | null };

describe('record pages in a browser', () => {
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

  /** Screenshots of a page from its top, with nothing hovered. */
  async function screenshotsFromTop(name: string) {
    await page.mouse.move(1000, 880);
    // A string, as the browser's DOM types are not this file's.
    await page.evaluate("document.querySelector('.content')?.scrollTo(0, 0); window.scrollTo(0, 0); document.activeElement?.blur()");
    await run.screenshots(name);
  }

  const timelineOf = async (path: string) => (await apiCall<{ data: Entry[] }>('GET', `${path}/timeline?limit=100`)).data;

  it("works a contact from its page, then its company's and a deal's", async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    await apiCall('POST', '/api/v1/custom-fields', {
      objectType: 'company',
      key: 'tier',
      label: 'Contract tier',
      type: 'single_select',
      options: [
        { value: 'gold', label: 'Gold' },
        { value: 'silver', label: 'Silver' },
      ],
    });
    const company = await apiCall<{ id: string }>('POST', '/api/v1/companies', { name: 'Navy Labs', domain: 'navy.example' });
    const contact = await apiCall<{ id: string }>('POST', '/api/v1/contacts', {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@navy.example',
      jobTitle: 'Rear Admiral',
    });
    const contactUrl = `/api/v1/contacts/${contact.id}`;

    await page.goto(`${base}/contacts/${contact.id}`);
    await page.getByRole('heading', { name: 'Grace Hopper', exact: true }).waitFor();
    const details = page.getByRole('region', { name: 'Details' });

    // A bad email is refused beside the field and nothing changes; a good one is saved.
    const email = details.getByLabel('Email', { exact: true });
    await email.fill('grace@');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const emailError = page.locator(`#${await email.getAttribute('aria-describedby')}`);
    expect(await emailError.textContent()).toBeTruthy();
    expect((await apiCall<{ email: string }>('GET', contactUrl)).email).toBe('grace@navy.example');
    await email.fill('grace.hopper@navy.example');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await apiCall<{ email: string }>('GET', contactUrl)).email).toBe('grace.hopper@navy.example');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBeNull();

    // The header writes to her primary email.
    const mailto = page.getByRole('link', { name: 'Email', exact: true });
    await expect.poll(() => mailto.getAttribute('href')).toBe('mailto:grace.hopper@navy.example');

    // Link her to the company from the companies panel; it becomes her primary one.
    const companies = page.getByRole('region', { name: 'Companies' });
    await companies.getByRole('button', { name: 'Link a company' }).click();
    await companies.getByLabel('Find company').fill('Navy');
    await companies.getByLabel('Company', { exact: true }).selectOption({ label: 'Navy Labs' });
    await companies.getByLabel('Title there').fill('Director of programming');
    await companies.getByRole('button', { name: 'Link company' }).click();
    await companies.getByRole('link', { name: 'Navy Labs' }).waitFor();
    await companies.getByText('Primary').waitFor();
    const linked = await apiCall<{ companies: { companyId: string; title: string; primary: boolean }[] }>('GET', contactUrl);
    expect(linked.companies).toEqual([expect.objectContaining({ companyId: company.id, title: 'Director of programming', primary: true })]);

    // Start a deal she is on from her deals panel.
    const herDeals = page.getByRole('region', { name: /^Deals/ });
    await herDeals.getByRole('button', { name: 'New deal' }).click();
    await herDeals.getByLabel('Deal name').fill('Navy compiler pilot');
    await herDeals.getByLabel(/Amount/).fill('12,500');
    await herDeals.getByRole('button', { name: 'Create deal' }).click();
    await herDeals.getByRole('link', { name: 'Navy compiler pilot' }).waitFor();
    const pilot = await apiCall<{ data: { name: string; amount: number; contacts: { contactId: string }[] }[] }>(
      'POST',
      '/api/v1/deals/search',
      {
        filterGroups: [{ filters: [{ association: 'contacts', filters: [{ field: 'id', operator: 'eq', value: contact.id }] }] }],
      },
    );
    expect(pilot.data).toEqual([
      expect.objectContaining({ name: 'Navy compiler pilot', amount: 1_250_000, contacts: [{ contactId: contact.id, role: null }] }),
    ]);

    // Log a meeting and an email from the composer.
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await page.getByRole('tab', { name: 'Meeting' }).click();
    await page.getByLabel('Title', { exact: true }).fill('COBOL design review');
    await page.getByLabel('Location').fill('Arlington');
    await page.getByRole('button', { name: 'Log meeting' }).click();
    await timeline.getByText('Meeting: COBOL design review').waitFor();
    await timeline.getByText(/Arlington/).waitFor();
    await page.getByRole('tab', { name: 'Email' }).click();
    expect(await page.getByLabel('From').inputValue()).toBe('ada@example.com');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('grace.hopper@navy.example');
    await page.getByLabel('Subject').fill('Compiler pilot');
    await page.getByLabel('Email body').fill('Shall we start with three teams?');
    await page.getByRole('button', { name: 'Log email' }).click();
    await timeline.getByText('Email sent: Compiler pilot').waitFor();

    const activities = (entries: Entry[]) =>
      entries.filter((e) => e.kind === 'activity').map((e) => [e.activity?.kind, e.activity?.subject]);
    expect(activities(await timelineOf(contactUrl))).toEqual([
      ['email', 'Compiler pilot'],
      ['meeting', 'COBOL design review'],
    ]);
    // The company's timeline rolls up what happened with its people.
    expect(activities(await timelineOf(`/api/v1/companies/${company.id}`))).toEqual([
      ['email', 'Compiler pilot'],
      ['meeting', 'COBOL design review'],
    ]);

    // A task from the header, about her; completed from the tasks panel.
    await page.getByRole('button', { name: 'Create task' }).click();
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByText('Grace Hopper').waitFor();
    await dialog.getByLabel('Title').fill('Send the pilot plan');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const tasks = page.getByRole('region', { name: /^Tasks/ });
    await tasks.getByText('Send the pilot plan').waitFor();
    const created = await apiCall<{ data: { id: string; status: string; record: unknown }[] }>('POST', '/api/v1/tasks/search', {
      filterGroups: [{ filters: [{ field: 'recordId', operator: 'eq', value: contact.id }] }],
    });
    expect(created.data).toEqual([expect.objectContaining({ status: 'open', record: { recordType: 'contact', recordId: contact.id } })]);
    await page.getByRole('button', { name: 'Add a note' }).click();
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('placeholder')")).toMatch(/Write a note/);
    await screenshotsFromTop('contact-page');
    await tasks.getByRole('button', { name: 'Complete “Send the pilot plan”' }).click();
    await tasks.getByText('Nothing to do here.').waitFor();
    await expect
      .poll(async () => (await apiCall<{ status: string }>('GET', `/api/v1/tasks/${created.data[0]?.id}`)).status)
      .toBe('completed');
    await tasks.getByRole('button', { name: 'Show done tasks' }).click();
    await tasks.getByRole('list', { name: 'Done tasks' }).getByText('Send the pilot plan').waitFor();

    // The company page: her on its people, her activities on its timeline, a custom field edited.
    await companies.getByRole('link', { name: 'Navy Labs' }).click();
    await page.getByRole('heading', { name: 'Navy Labs', exact: true }).waitFor();
    await page
      .getByRole('region', { name: /^People/ })
      .getByRole('link', { name: 'Grace Hopper' })
      .waitFor();
    await page.getByRole('list', { name: 'Timeline' }).getByText('Meeting: COBOL design review').waitFor();
    await expect
      .poll(() => page.getByRole('link', { name: 'Email', exact: true }).getAttribute('href'))
      .toBe('mailto:grace.hopper@navy.example');
    expect(await page.getByRole('link', { name: 'Merge' }).getAttribute('href')).toBe(`/duplicates?object=companies&record=${company.id}`);
    const companyDetails = page.getByRole('region', { name: 'Details' });
    await companyDetails.getByLabel('Contract tier').selectOption('gold');
    await companyDetails.getByLabel('Employees').fill('1200');
    await companyDetails.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => {
        const saved = await apiCall<{ custom: Record<string, unknown>; employeeCount: number }>('GET', `/api/v1/companies/${company.id}`);
        return [saved.custom.tier, saved.employeeCount];
      })
      .toEqual(['gold', 1200]);
    await page.getByText('1,200 employees').waitFor();
    await screenshotsFromTop('company-page');
    // The change is on the timeline with its values, the custom field and its choice by their labels.
    const change = page.getByText('Contract tier: empty → Gold');
    await change.waitFor();
    await page.getByText('Changed Contract tier, employees').waitFor();
    await run.screenshots('company-timeline-change', change);

    // A deal of the company: add her with a role.
    const deal = await apiCall<{ id: string }>('POST', '/api/v1/deals', {
      name: 'Compiler licence',
      amount: 2_500_000,
      companyId: company.id,
    });
    await page.goto(`${base}/deals/${deal.id}`);
    await page.getByRole('heading', { name: 'Compiler licence', exact: true }).waitFor();
    const dealContacts = page.getByRole('region', { name: /^Contacts/ });
    await dealContacts.getByRole('button', { name: 'Add contact' }).click();
    await dealContacts.getByLabel('Find contact').fill('Grace');
    await dealContacts.getByLabel('Contact', { exact: true }).selectOption({ label: 'Grace Hopper' });
    await dealContacts.getByLabel('Role').fill('Champion');
    await dealContacts.getByRole('button', { name: 'Add to deal' }).click();
    const onDeal = dealContacts.getByRole('list', { name: 'Contacts on this deal' });
    await onDeal.getByRole('link', { name: 'Grace Hopper' }).waitFor();
    await onDeal.getByText('Champion').waitFor();
    const savedDeal = await apiCall<{ contacts: { contactId: string; role: string }[] }>('GET', `/api/v1/deals/${deal.id}`);
    expect(savedDeal.contacts).toEqual([{ contactId: contact.id, role: 'Champion' }]);
    await expect
      .poll(() => page.getByRole('link', { name: 'Email', exact: true }).getAttribute('href'))
      .toBe('mailto:grace.hopper@navy.example');
    await page.getByRole('link', { name: 'Navy Labs' }).first().waitFor();
    await screenshotsFromTop('deal-page');

    expect(run.consoleProblems).toEqual([]);
  });
});
