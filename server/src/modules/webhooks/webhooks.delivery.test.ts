import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { type DomainEvent, deliverEvent, startOutbox } from '../../jobs/outbox.ts';
import { ensureQueues } from '../../jobs/queues.ts';
import { type Clock, deliverDueWebhooks, MAX_ATTEMPTS, retryDelayMs, startWebhookDelivery, webhooksConsumer } from './webhooks.delivery.ts';

/** A webhook receiver on 127.0.0.1 that keeps every request and answers with `status`. */
type Receiver = {
  url: string;
  port: number;
  status: number;
  requests: { headers: Record<string, string>; body: string }[];
  close(): Promise<void>;
};

async function startReceiver(port = 0): Promise<Receiver> {
  const receiver: Receiver = { url: '', port: 0, status: 204, requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(receiver.status, { 'content-type': 'text/plain' });
      res.end(receiver.status >= 300 ? `receiver says ${receiver.status}` : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

let t: TestApp;
let owner: Client;
let ownerId: string;
let receiver: Receiver;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true });
});
afterAll(() => t.close());
afterEach(async () => {
  await receiver?.close();
  // Each test starts with no subscriptions, so one test's deliveries never reach another's receiver.
  await t.db.query('DELETE FROM webhook_subscriptions');
});

/** What the relay and the consumer's queue do, in event order: hands every pending event to the webhooks consumer. */
async function fanOutPending(filter: (e: DomainEvent) => boolean = () => true): Promise<void> {
  const pending = await t.db.query<{
    workspace_id: string;
    id: string;
    type: string;
    record_type: string;
    record_id: string;
    payload: Record<string, unknown>;
    actor_type: string;
    actor_id: string | null;
    created_at: Date;
  }>('SELECT * FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id');
  const consumer = webhooksConsumer(t.deps);
  for (const r of pending.rows) {
    const event: DomainEvent = {
      id: r.id,
      workspaceId: r.workspace_id,
      type: r.type,
      recordType: r.record_type,
      recordId: r.record_id,
      payload: r.payload,
      actorType: r.actor_type,
      actorId: r.actor_id,
      createdAt: r.created_at.toISOString(),
    };
    if (!filter(event)) continue;
    await deliverEvent(t.deps, consumer, event);
    await t.db.query('UPDATE outbox_events SET dispatched_at = now() WHERE id = $1', [r.id]);
  }
}

async function subscribe(eventTypes: string[], url = receiver.url): Promise<{ id: string; secret: string }> {
  const res = await owner.post('/api/v1/webhooks', { url, eventTypes });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return { id: res.json().webhook.id, secret: res.json().secret };
}

/** Verifies a received request with the standardwebhooks package; returns the payload it vouches for. */
function verified(secret: string, request: Receiver['requests'][number]) {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A clock the test moves by hand, for the retry schedule. */
function fakeClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('webhook delivery', () => {
  it('signs every delivery per Standard Webhooks, which the standardwebhooks package verifies', async () => {
    receiver = await startReceiver();
    const { secret } = await subscribe(['contact.created', 'contact.updated', 'contact.lifecycle_stage_changed', 'deal.won']);
    const contact = (await owner.post('/api/v1/contacts', { firstName: 'Sarah', email: 'sarah@example.com' })).json();
    await owner.patch(`/api/v1/contacts/${contact.id}`, { lifecycleStage: 'customer' });
    await owner.post('/api/v1/companies', { name: 'Not subscribed' });
    await fanOutPending();
    expect(await deliverDueWebhooks(t.deps)).toBe(3);

    const payloads = receiver.requests.map((r) => verified(secret, r));
    expect(payloads.map((p) => p.type)).toEqual(['contact.created', 'contact.updated', 'contact.lifecycle_stage_changed']);
    expect(payloads[0]?.data).toMatchObject({
      recordType: 'contact',
      recordId: contact.id,
      record: { firstName: 'Sarah', email: 'sarah@example.com' },
    });
    expect(payloads[2]?.data).toMatchObject({ from: 'lead', to: 'customer' });
    const first = receiver.requests[0] as Receiver['requests'][number];
    expect(first.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(Math.abs(Number(first.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(3);
    // The verification can fail: another secret, or a body changed in transit.
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret of enough length').toString('base64')}`).verify(first.body, first.headers),
    ).toThrow();
    expect(() => new Webhook(secret).verify(first.body.replace('Sarah', 'Mallory'), first.headers)).toThrow();
  });

  it('turns deal moves into deal.stage_changed, deal.won and deal.lost', async () => {
    receiver = await startReceiver();
    const { secret } = await subscribe(['deal.stage_changed', 'deal.won', 'deal.lost']);
    const pipeline = (await owner.get('/api/v1/pipelines')).json().data[0];
    const deal = (await owner.post('/api/v1/deals', { name: 'Renewal' })).json();
    await owner.patch(`/api/v1/deals/${deal.id}`, { stageId: pipeline.stages[2].id });
    await owner.patch(`/api/v1/deals/${deal.id}`, { status: 'won' });
    const other = (await owner.post('/api/v1/deals', { name: 'Long shot' })).json();
    await owner.patch(`/api/v1/deals/${other.id}`, { status: 'lost', lostReason: 'Budget' });
    await fanOutPending();
    await deliverDueWebhooks(t.deps);

    const payloads = receiver.requests.map((r) => verified(secret, r));
    const ofDeal = payloads.filter((p) => p.data.recordId === deal.id);
    expect(ofDeal.map((p) => p.type)).toEqual(['deal.stage_changed', 'deal.won']);
    expect(ofDeal[0]?.data).toMatchObject({ from: { stageId: pipeline.stages[0].id }, to: { stageId: pipeline.stages[2].id } });
    expect(payloads.filter((p) => p.data.recordId === other.id).map((p) => p.type)).toEqual(['deal.lost']);
  });

  it('retries with exponential backoff for more than a day with the same webhook-id, then disables the webhook and notifies admins', async () => {
    receiver = await startReceiver();
    receiver.status = 503;
    const admin = await addMember(owner, 'admin');
    const member = await addMember(owner, 'member');
    const { id } = await subscribe(['task.created']);
    await owner.post('/api/v1/tasks', { title: 'Call back' });
    await fanOutPending();

    const clock = fakeClock();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await deliverDueWebhooks(t.deps, { clock })).toBe(1);
      if (attempt === MAX_ATTEMPTS) break;
      const row = await t.db.query<{ next_attempt_at: Date }>('SELECT next_attempt_at FROM webhook_deliveries');
      const wait = (row.rows[0] as { next_attempt_at: Date }).next_attempt_at.getTime() - clock.now().getTime();
      waits.push(wait);
      // Not a moment early: one millisecond before it is due, nothing goes.
      clock.advance(wait - 1);
      expect(await deliverDueWebhooks(t.deps, { clock })).toBe(0);
      clock.advance(1);
    }
    expect(waits).toEqual(Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1)));
    expect(waits.slice(0, 6)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3_600_000);
    expect(receiver.requests).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);

    const webhook = (await owner.get(`/api/v1/webhooks/${id}`)).json();
    expect(webhook.enabled).toBe(false);
    expect(webhook.disabledReason).toMatch(/failed 14 attempts.*HTTP 503/);
    const log = (await owner.get(`/api/v1/webhooks/${id}/deliveries`)).json().data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null, eventType: 'task.created' });
    expect(log[0].attemptLog).toHaveLength(MAX_ATTEMPTS);
    expect(log[0].attemptLog[0]).toMatchObject({ responseStatus: 503, responseBody: 'receiver says 503', error: null });
    expect(log[0].attemptLog[0].responseTimeMs).toBeGreaterThanOrEqual(0);

    const notified = await t.db.query<{ user_id: string; kind: string }>(
      "SELECT user_id, kind FROM notifications WHERE kind = 'webhook_disabled' AND record_id = $1 ORDER BY user_id",
      [id],
    );
    expect(notified.rows.map((r) => r.user_id).sort()).toEqual([ownerId, admin.userId].sort());
    expect(notified.rows.map((r) => r.user_id)).not.toContain(member.userId);
    const inbox = (await admin.client.get('/api/v1/notifications')).json().data;
    expect(inbox[0]).toMatchObject({ kind: 'webhook_disabled', record: { recordType: 'webhook_subscription', recordId: id } });

    // Disabled: new events are not queued for it, and a redelivery is refused until it is enabled again.
    await owner.post('/api/v1/tasks', { title: 'While disabled' });
    await fanOutPending();
    expect((await owner.get(`/api/v1/webhooks/${id}/deliveries`)).json().data).toHaveLength(1);
    const refused = await owner.post(`/api/v1/webhooks/${id}/deliveries/${log[0].id}/redeliver`);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('a receiver that was down gets every event afterwards, once each, in order per record; manual redelivery keeps the id', async () => {
    receiver = await startReceiver();
    const port = receiver.port;
    const { id, secret } = await subscribe(['contact.created', 'contact.updated']);
    await receiver.close();

    const anna = (await owner.post('/api/v1/contacts', { firstName: 'Anna' })).json();
    for (const jobTitle of ['Engineer', 'Lead', 'Manager', 'Director']) await owner.patch(`/api/v1/contacts/${anna.id}`, { jobTitle });
    const ben = (await owner.post('/api/v1/contacts', { firstName: 'Ben' })).json();
    await owner.patch(`/api/v1/contacts/${ben.id}`, { jobTitle: 'CFO' });
    await fanOutPending();

    const clock = fakeClock();
    // Only the first event of each contact is tried while the receiver is down; the rest wait behind it.
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(2);
    clock.advance(retryDelayMs(1));
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(2);
    const failing = (await owner.get(`/api/v1/webhooks/${id}`)).json();
    expect(failing.failingSince).not.toBeNull();
    const log = (await owner.get(`/api/v1/webhooks/${id}/deliveries?limit=100`)).json().data;
    expect(log.filter((d: { attempts: number }) => d.attempts > 0)).toHaveLength(2);
    expect(log.find((d: { attempts: number }) => d.attempts > 0).attemptLog[0].error).toMatch(/ECONNREFUSED/);

    receiver = await startReceiver(port);
    clock.advance(retryDelayMs(2));
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(7);
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(0);

    const payloads = receiver.requests.map((r) => verified(secret, r));
    expect(payloads).toHaveLength(7);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(7);
    const titles = payloads.filter((p) => p.data.recordId === anna.id).map((p) => (p.data.record as { jobTitle: string | null }).jobTitle);
    expect(titles).toEqual([null, 'Engineer', 'Lead', 'Manager', 'Director']);
    expect(payloads.filter((p) => p.data.recordId === ben.id).map((p) => p.type)).toEqual(['contact.created', 'contact.updated']);
    expect((await owner.get(`/api/v1/webhooks/${id}`)).json().failingSince).toBeNull();

    // A repeated fan-out of the same events (the queue delivers at least once) adds nothing.
    await t.db.query("DELETE FROM consumer_receipts WHERE consumer = 'webhooks'");
    await t.db.query('UPDATE outbox_events SET dispatched_at = NULL WHERE record_id = $1', [anna.id]);
    await fanOutPending();
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(0);

    const delivered = (await owner.get(`/api/v1/webhooks/${id}/deliveries?limit=100`)).json().data;
    expect(delivered).toHaveLength(7);
    const again = delivered.find(
      (d: { recordId: string; eventType: string }) => d.recordId === ben.id && d.eventType === 'contact.created',
    );
    const res = await owner.post(`/api/v1/webhooks/${id}/deliveries/${again.id}/redeliver`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ id: again.id, status: 'pending', attempts: 0 });
    expect(await deliverDueWebhooks(t.deps, { clock })).toBe(1);
    expect(receiver.requests.at(-1)?.headers['webhook-id']).toBe(again.id);
    expect(verified(secret, receiver.requests.at(-1) as Receiver['requests'][number]).type).toBe('contact.created');
  });

  it('keeps the order of a record even when a later event is fanned out before an earlier one', async () => {
    receiver = await startReceiver();
    const { secret } = await subscribe(['contact.created', 'contact.updated']);
    const c = (await owner.post('/api/v1/contacts', { firstName: 'Cleo' })).json();
    await owner.patch(`/api/v1/contacts/${c.id}`, { jobTitle: 'CEO' });
    await fanOutPending((e) => e.type === 'contact.updated');
    expect(await deliverDueWebhooks(t.deps)).toBe(0);
    await fanOutPending();
    expect(await deliverDueWebhooks(t.deps)).toBe(2);
    expect(receiver.requests.map((r) => verified(secret, r).type)).toEqual(['contact.created', 'contact.updated']);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    receiver = await startReceiver();
    const { id, secret: old } = await subscribe(['company.created']);
    const rotated = (await owner.post(`/api/v1/webhooks/${id}/rotate-secret`)).json().secret;
    await owner.post('/api/v1/companies', { name: 'Acme' });
    await fanOutPending();
    await deliverDueWebhooks(t.deps);
    const request = receiver.requests[0] as Receiver['requests'][number];
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(rotated, request).type).toBe('company.created');
    expect(verified(old, request).type).toBe('company.created');
  });

  it('refuses to deliver to loopback or private addresses once the workspace stops allowing them', async () => {
    receiver = await startReceiver();
    const { id } = await subscribe(['contact.created']);
    const byName = await subscribe(['contact.created'], `http://localhost:${receiver.port}/hooks`);
    await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: false });
    try {
      await owner.post('/api/v1/contacts', { firstName: 'Dana' });
      await fanOutPending();
      expect(await deliverDueWebhooks(t.deps)).toBe(2);
      expect(receiver.requests).toHaveLength(0);
      for (const [webhookId, host] of [
        [id, '127.0.0.1'],
        [byName.id, 'localhost'],
      ]) {
        const [delivery] = (await owner.get(`/api/v1/webhooks/${webhookId}/deliveries`)).json().data;
        expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
        expect(delivery.attemptLog[0]).toMatchObject({ responseStatus: null });
        expect(delivery.attemptLog[0].error).toMatch(
          new RegExp(`Refused to deliver to ${host} .*private or loopback.*allow private targets`),
        );
      }
    } finally {
      await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true });
    }
  });

  it('runs on the job queue: the outbox relay and the delivery worker deliver a write within seconds', async () => {
    receiver = await startReceiver();
    const { secret } = await subscribe(['contact.created']);
    await t.db.query('UPDATE outbox_events SET dispatched_at = now() WHERE dispatched_at IS NULL');
    const stopOutbox = await startOutbox(t.deps, [webhooksConsumer(t.deps)]);
    await startWebhookDelivery(t.deps);
    try {
      const c = (await owner.post('/api/v1/contacts', { firstName: 'Queued' })).json();
      for (let i = 0; i < 100 && receiver.requests.length === 0; i++) await sleep(100);
      expect(receiver.requests).toHaveLength(1);
      expect(verified(secret, receiver.requests[0] as Receiver['requests'][number])).toMatchObject({
        type: 'contact.created',
        data: { recordId: c.id },
      });
    } finally {
      await stopOutbox();
    }
  });
});
