import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/**
 * Answers the run provokes: the first visit asks who is signed in; a blank workspace name, a
 * wrong current password (400 each) and demoting the only owner (409) are sent on purpose.
 */
const EXPECTED_FAILURES = [
  { path: '/api/v1/me', status: 401 },
  { path: '/api/v1/me', status: 400 },
  { path: '/api/v1/workspace', status: 400 },
  { path: /^\/api\/v1\/members\/[0-9a-f-]{36}$/, status: 409 },
];

type Stage = { id: string; name: string; requiredFields: string[]; probability: number; rottenDays: number | null };
type Pipeline = { id: string; name: string; stages: Stage[] };

describe('settings in a browser', () => {
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

  const settingsNav = () => page.getByRole('navigation', { name: 'Settings' });
  const openSection = async (name: string) => {
    await settingsNav().getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { level: 2, name, exact: true }).waitFor();
  };
  const toast = (text: string | RegExp) => page.locator('.toast').filter({ hasText: text }).first().waitFor();
  const defaultPipeline = async () => (await apiCall<{ data: Pipeline[] }>('GET', '/api/v1/pipelines')).data[0] as Pipeline;

  it('changes the workspace, a custom field, a pipeline, an API key, an invitation and the profile', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Work email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    // Settings from the sidebar opens on the profile.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL(`${base}/settings/profile`);
    await page.getByRole('heading', { level: 2, name: 'Profile' }).waitFor();

    // Workspace: a blank name is refused beside the field; then the time zone and currency are saved.
    await openSection('Workspace');
    const form = page.getByRole('form', { name: 'Workspace defaults' });
    const name = form.getByLabel('Workspace name');
    await name.fill('');
    await form.getByRole('button', { name: 'Save workspace' }).click();
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    await name.fill('Analytical Engines Ltd');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    await form.getByLabel('Default currency').selectOption('EUR');
    await form.getByRole('button', { name: 'Save workspace' }).click();
    await toast('Workspace settings saved');
    const workspace = await apiCall<{ name: string; settings: { currency: string; timezone: string } }>('GET', '/api/v1/workspace');
    expect(workspace).toMatchObject({ name: 'Analytical Engines Ltd', settings: { currency: 'EUR', timezone: 'Europe/Paris' } });
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/Paris');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    await run.screenshots('settings-workspace');

    // Custom fields: a single-select field on deals with two options.
    await openSection('Custom fields');
    await page.getByRole('button', { name: 'Deals', exact: true }).click();
    await page.getByText('No custom fields on deals yet').waitFor();
    await page.getByRole('button', { name: 'New field' }).first().click();
    const fieldDialog = page.getByRole('dialog', { name: 'New deal field' });
    await fieldDialog.getByLabel('Label').fill('Contract type');
    await fieldDialog.getByLabel('Type').selectOption('single_select');
    await fieldDialog.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Annual');
    await fieldDialog.getByRole('textbox', { name: 'Option 2', exact: true }).fill('Monthly');
    await fieldDialog.getByRole('button', { name: 'Create field' }).click();
    await toast('Added “Contract type” to deals');
    const fieldList = page.getByRole('list', { name: 'Custom fields on deals' });
    await fieldList.getByText('Contract type').waitFor();
    const fields = await apiCall<{ data: { key: string; type: string; options: { value: string; label: string }[] }[] }>(
      'GET',
      '/api/v1/custom-fields?objectType=deal',
    );
    expect(fields.data).toEqual([
      expect.objectContaining({
        key: 'contract_type',
        type: 'single_select',
        options: [
          { value: 'annual', label: 'Annual' },
          { value: 'monthly', label: 'Monthly' },
        ],
      }),
    ]);
    await run.screenshots('settings-custom-fields');

    // Pipelines: a stage requiring the amount and the new field, moved up twice with the keyboard.
    await openSection('Pipelines');
    await page.getByRole('button', { name: 'Add stage' }).click();
    const stageDialog = page.getByRole('dialog', { name: 'New stage in Sales pipeline' });
    await stageDialog.getByLabel('Stage name').fill('Legal review');
    await stageDialog.getByLabel('Win probability (%)').fill('70');
    await stageDialog.getByLabel('Rotten after (days)').fill('10');
    await stageDialog.getByLabel('Amount').check();
    await stageDialog.getByLabel('Contract type').check();
    await stageDialog.getByRole('button', { name: 'Add stage' }).click();
    await toast('Added the stage “Legal review” to Sales pipeline');
    const stageRows = page.getByRole('list', { name: 'Stages' }).getByRole('listitem');
    await expect.poll(() => stageRows.count()).toBe(6);
    expect(await stageRows.nth(5).locator('.stage-required .settings-tag').allTextContents()).toEqual(['Amount', 'Contract type']);
    let pipeline = await defaultPipeline();
    expect(pipeline.stages[5]).toMatchObject({
      name: 'Legal review',
      probability: 70,
      rottenDays: 10,
      requiredFields: ['amount', 'custom.contract_type'],
    });

    const up = page.getByRole('button', { name: 'Move Legal review up' });
    await up.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => stageRows.nth(4).textContent()).toContain('Legal review');
    // The focus follows the stage, so a second Enter moves it again.
    await expect.poll(() => up.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => stageRows.nth(3).textContent()).toContain('Legal review');
    const order = ['Qualified', 'Contact made', 'Demo scheduled', 'Legal review', 'Proposal made', 'Negotiations started'];
    await expect.poll(async () => (await defaultPipeline()).stages.map((s) => s.name)).toEqual(order);
    await page.reload();
    await expect.poll(() => stageRows.nth(3).textContent()).toContain('Legal review');
    await run.screenshots('settings-pipelines');

    // Removing a stage that holds a deal asks where the deal goes.
    pipeline = await defaultPipeline();
    const contactMade = pipeline.stages.find((s) => s.name === 'Contact made') as Stage;
    const qualified = pipeline.stages.find((s) => s.name === 'Qualified') as Stage;
    const deal = await apiCall<{ id: string }>('POST', '/api/v1/deals', { name: 'Difference engine', stageId: contactMade.id });
    await page.getByRole('button', { name: 'Remove Contact made' }).click();
    const removeDialog = page.getByRole('dialog', { name: 'Remove “Contact made”' });
    await removeDialog.getByText('1 deal is in this stage.').waitFor();
    await removeDialog.getByLabel('Move its deals to').selectOption({ label: 'Qualified' });
    await removeDialog.getByRole('button', { name: 'Move deals and remove' }).click();
    await toast('Removed the stage “Contact made”');
    await expect.poll(() => stageRows.count()).toBe(5);
    expect((await apiCall<{ stageId: string }>('GET', `/api/v1/deals/${deal.id}`)).stageId).toBe(qualified.id);

    // API keys: the secret is shown once, works as a Bearer token, and stops working when revoked.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await openSection('API keys');
    await page.getByText('No API keys yet').waitFor();
    await page.getByRole('button', { name: 'New API key' }).first().click();
    const keyDialog = page.getByRole('dialog', { name: 'New API key' });
    await keyDialog.getByLabel('Name').fill('Nightly import');
    await keyDialog.getByRole('button', { name: 'Create key' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Copy your API key' });
    await secretDialog.getByText("You won't see it again").waitFor();
    const secret = await secretDialog.getByLabel('Secret of “Nightly import”').inputValue();
    expect(secret).toMatch(/^rap_/);
    await secretDialog.getByRole('button', { name: 'Copy key' }).click();
    await toast('Copied to the clipboard');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await run.screenshots('settings-api-key-secret');
    const asKey = await page.request.get(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(asKey.status()).toBe(200);
    expect(await asKey.json()).toMatchObject({ via: 'api_key', user: { email: 'ada@example.com' } });
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    const keyList = page.getByRole('list', { name: 'API keys' });
    await keyList.getByText('Nightly import').waitFor();
    await page.getByRole('button', { name: 'Revoke Nightly import' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key' }).getByRole('button', { name: 'Revoke key' }).click();
    await keyList.getByText(/Revoked/).waitFor();
    const revoked = await page.request.get(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(revoked.status()).toBe(401);
    const keys = await apiCall<{ data: { name: string; revokedAt: string | null }[] }>('GET', '/api/v1/api-keys');
    expect(keys.data).toEqual([expect.objectContaining({ name: 'Nightly import', revokedAt: expect.any(String) })]);

    // Members: the only owner cannot step down (the API says why); an invitation gives a link to copy.
    await openSection('Members');
    const members = page.getByRole('list', { name: 'Members' });
    await members.getByLabel('Role of Ada Lovelace').selectOption('admin');
    await page.getByRole('alert').filter({ hasText: 'at least one owner' }).waitFor();
    await expect.poll(() => members.getByLabel('Role of Ada Lovelace').inputValue()).toBe('owner');
    const invite = page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Email').fill('grace@example.com');
    await invite.getByLabel('Role').selectOption('manager');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    const link = await page.getByLabel('Invitation link for grace@example.com').inputValue();
    expect(link).toContain('/invitations/');
    await page.getByRole('list', { name: 'Pending invitations' }).getByText('grace@example.com').waitFor();
    const invitations = await apiCall<{ data: { email: string; role: string }[] }>('GET', '/api/v1/invitations');
    expect(invitations.data).toEqual([expect.objectContaining({ email: 'grace@example.com', role: 'manager' })]);
    const preview = await page.request.get(`${base}/api/v1/auth/invitations/${link.split('/invitations/')[1]}`);
    expect(await preview.json()).toMatchObject({ email: 'grace@example.com', role: 'manager' });
    await run.screenshots('settings-members');

    // Grace joins from the link in a browser of her own: as a manager she sees settings read-only.
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser');
    const graceContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    try {
      const grace = await graceContext.newPage();
      const graceProblems: string[] = [];
      grace.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') graceProblems.push(`${msg.text()} (${msg.location().url})`);
      });
      await grace.goto(`${base}/invitations/${link.split('/invitations/')[1]}`);
      await grace.getByLabel('Your name').fill('Grace Hopper');
      await grace.getByLabel('Choose a password').fill('a long enough password');
      await grace.getByRole('button', { name: 'Join workspace' }).click();
      await grace.waitForURL(`${base}/contacts`);
      await grace.goto(`${base}/settings/pipelines`);
      await grace.getByText('Only admins and owners can change pipelines.').waitFor();
      await grace.getByRole('list', { name: 'Stages' }).getByText('Legal review').waitFor();
      expect(await grace.getByRole('button', { name: /Add stage|Move .* up|Remove/ }).count()).toBe(0);
      await grace.screenshot({ path: new URL('../../docs/screenshots/settings-read-only-desktop.png', import.meta.url).pathname });
      await grace.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
      const graceMembers = grace.getByRole('list', { name: 'Members' });
      await graceMembers.getByText('Ada Lovelace').waitFor();
      expect(await graceMembers.getByRole('combobox').count()).toBe(0);
      expect(await grace.getByRole('form', { name: 'Invite someone' }).count()).toBe(0);
      await grace.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
      await grace.getByText('Only admins and owners can see and create API keys.').waitFor();
      // Nothing was asked of the API that it would refuse.
      expect(graceProblems).toEqual([]);
    } finally {
      await graceContext.close();
    }
    expect((await apiCall<{ data: { name: string; role: string }[] }>('GET', '/api/v1/members')).data).toContainEqual(
      expect.objectContaining({ name: 'Grace Hopper', role: 'manager' }),
    );

    // Profile: a wrong current password is refused beside its field; the name change shows at once.
    await openSection('Profile');
    const password = page.getByRole('form', { name: 'Change password' });
    await password.getByLabel('Current password').fill('not my password');
    await password.getByLabel('New password', { exact: true }).fill('an even better password');
    await password.getByLabel('New password again').fill('an even better password');
    await password.getByRole('button', { name: 'Change password' }).click();
    await password.getByText('Not your current password').waitFor();
    expect(await password.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    const profile = page.getByRole('form', { name: 'Your name' });
    await profile.getByLabel('Name').fill('Ada King');
    await profile.getByRole('button', { name: 'Save name' }).click();
    await toast('Your name is saved');
    await page.getByRole('button', { name: 'Account: Ada King' }).waitFor();
    expect((await apiCall<{ user: { name: string } }>('GET', '/api/v1/me')).user.name).toBe('Ada King');
    await page.getByRole('list', { name: 'Sessions' }).getByText('This browser').waitFor();
    await run.screenshots('settings-profile');

    expect(run.consoleProblems).toEqual([]);
  }, 240_000);
});
