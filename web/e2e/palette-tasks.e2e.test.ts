import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** Answers the run provokes: the first visit asks who is signed in, and two forms are sent with a bad field. */
const EXPECTED_FAILURES = [{ path: '/api/v1/me', status: 401 }];

describe('the palette and the tasks screen in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES });
    ({ base, page } = run);
  });

  afterAll(() => run?.close());

  const screenshots = (name: string) => run.screenshots(name);

  /** Calls the API as the signed-in page does: its session cookie, and the CSRF token for writes. */
  async function apiCall<T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> {
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const res = await page.request.fetch(`${base}${url}`, { method, data, headers: { 'x-csrf-token': me.csrfToken } });
    expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBe(true);
    return (await res.json()) as T;
  }

  it('finds a contact with Ctrl+K and completes a task with one click', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    const contact = await apiCall<{ id: string }>('POST', '/api/v1/contacts', {
      firstName: 'Katherine',
      lastName: 'Johnson',
      email: 'katherine@nasa.example',
    });
    const dueSoon = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const task = await apiCall<{ id: string }>('POST', '/api/v1/tasks', {
      title: 'Send the trajectory numbers',
      dueAt: dueSoon,
      priority: 'high',
      record: { recordType: 'contact', recordId: contact.id },
    });
    await apiCall('POST', '/api/v1/tasks', { title: 'Book the review', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });

    // Ctrl+K opens the palette anywhere; typing part of the name finds her, Enter opens her page.
    await page.keyboard.press('Control+k');
    const input = page.getByRole('combobox', { name: 'Search records or type a command' });
    await input.waitFor();
    expect(await page.getByRole('option').first().textContent()).toBe('New contact');
    await input.fill('kathe');
    const hit = page.getByRole('option', { name: /Katherine Johnson/ });
    await hit.waitFor();
    expect(await hit.getAttribute('aria-selected')).toBe('true');
    await screenshots('palette');
    await input.press('Enter');
    await page.waitForURL(`${base}/contacts/${contact.id}`);
    expect(await input.isVisible()).toBe(false);

    // The top bar's search button opens it too; Escape closes it.
    await page.getByRole('button', { name: 'Search (Ctrl+K)' }).click();
    await input.waitFor();
    await input.press('Escape');
    await input.waitFor({ state: 'hidden' });

    // Tasks: the overdue one is listed; one click completes it and it leaves the list.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    const overdue = page.getByRole('region', { name: 'Overdue' });
    await overdue.getByText('Send the trajectory numbers').waitFor();
    await page.getByRole('region', { name: 'Upcoming' }).getByText('Book the review').waitFor();
    await screenshots('tasks');
    await overdue.getByRole('button', { name: 'Complete “Send the trajectory numbers”' }).click();
    await overdue.getByText('Nothing overdue.').waitFor();
    await expect.poll(async () => (await apiCall<{ status: string }>('GET', `/api/v1/tasks/${task.id}`)).status).toBe('completed');
    const mine = await apiCall<{ data: { id: string }[] }>('GET', '/api/v1/tasks/mine?bucket=overdue');
    expect(mine.data.map((t) => t.id)).not.toContain(task.id);

    expect(run.consoleProblems).toEqual([]);
  });
});
