import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRun, startBrowserRun } from './harness.ts';

/** The first visit asks who is signed in (401); a loopback target is refused until allowed (400). */
const EXPECTED_FAILURES = [
  { path: '/api/v1/me', status: 401 },
  { path: '/api/v1/webhooks', status: 400 },
];

type Received = { headers: Record<string, string>; body: string };

describe('webhooks settings in a browser', () => {
  let run: BrowserRun;
  let base: string;
  let page: Page;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rapport`;
    run = await startBrowserRun({ expectedFailures: EXPECTED_FAILURES, worker: true });
    ({ base, page } = run);
  });

  afterAll(async () => {
    await run?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function waitForDeliveries(count: number) {
    for (let i = 0; i < 150 && received.length < count; i++) await page.waitForTimeout(100);
    expect(received).toHaveLength(count);
  }

  it('subscribes a receiver, shows the secret once, delivers signed events and redelivers from the log', async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Work email').fill('grace@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Workspace name').fill('Compilers');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No contacts yet').waitFor();

    await page.goto(`${base}/settings/webhooks`);
    await page.getByRole('heading', { level: 2, name: 'Webhooks', exact: true }).waitFor();
    await page.getByText('No webhooks yet').waitFor();

    // A loopback receiver is refused while the workspace does not allow private targets; the problem shows at the URL.
    await page.getByRole('button', { name: 'New webhook' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New webhook' });
    await dialog.getByLabel('Endpoint URL').fill(receiverUrl);
    await dialog
      .getByRole('group', { name: 'Contacts' })
      .getByLabel(/^Created/)
      .check();
    await dialog
      .getByRole('group', { name: 'Contacts' })
      .getByLabel(/^Updated/)
      .check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByText(/127\.0\.0\.1 is a private or loopback address/).waitFor();
    await run.screenshots('settings-webhook-new');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByLabel(/Allow targets on private networks/).check();
    await page.locator('.toast').filter({ hasText: 'Private network targets are allowed' }).waitFor();

    await page.getByRole('button', { name: 'New webhook' }).first().click();
    await dialog.getByLabel('Endpoint URL').fill(receiverUrl);
    await dialog.getByLabel('Description').fill('Data warehouse');
    await dialog
      .getByRole('group', { name: 'Contacts' })
      .getByLabel(/^Created/)
      .check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    const reveal = page.getByRole('dialog', { name: 'Copy the signing secret' });
    const secret = await reveal.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await run.screenshots('settings-webhook-secret');
    await reveal.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('list', { name: 'Webhooks' }).getByRole('listitem').first();
    await row.getByText('Active').waitFor();
    await row.getByText(/Data warehouse · 1 event type/).waitFor();
    await run.screenshots('settings-webhooks');

    // A contact created through the API reaches the receiver through the outbox and the job queue, signed.
    const me = await (await page.request.get(`${base}/api/v1/me`)).json();
    const created = await page.request.post(`${base}/api/v1/contacts`, {
      data: { firstName: 'Ada', email: 'ada@example.com' },
      headers: { 'x-csrf-token': me.csrfToken },
    });
    const contact = await created.json();
    await waitForDeliveries(1);
    const first = received[0] as Received;
    expect(new Webhook(secret).verify(first.body, first.headers)).toMatchObject({
      type: 'contact.created',
      data: { recordId: contact.id },
    });

    await row.getByRole('button', { name: `Deliveries of ${receiverUrl}` }).click();
    const log = page.getByRole('dialog', { name: 'Deliveries' });
    await log.getByText('Delivered').waitFor();
    await log.getByText(/HTTP 200 · \d+ ms/).waitFor();
    await log.getByText('Response body').click();
    await log.getByText('{"ok":true}').waitFor();
    await run.screenshots('settings-webhook-deliveries');
    await log.getByRole('button', { name: /^Redeliver contact.created/ }).click();
    await page.locator('.toast').filter({ hasText: 'Queued to be sent again' }).waitFor();
    await waitForDeliveries(2);
    expect(received[1]?.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(new Webhook(secret).verify(received[1]?.body as string, received[1]?.headers as Record<string, string>)).toMatchObject({
      type: 'contact.created',
    });
    await log.getByRole('button', { name: 'Done' }).click();

    expect(run.consoleProblems).toEqual([]);
  }, 120_000);
});
