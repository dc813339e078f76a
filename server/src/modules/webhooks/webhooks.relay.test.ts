import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { relayOutboxBatch } from '../../jobs/outbox.ts';
import { ensureQueues } from '../../jobs/queues.ts';
import { webhooksConsumer } from './webhooks.delivery.ts';

// The outbox relay queues an event for the webhooks consumer only when an enabled subscription
// of the event's workspace listens to it: a workspace without subscriptions queues nothing.

let t: TestApp;
let a: Client;
let b: Client;
beforeAll(async () => {
  t = await createTestApp();
  a = (await signUp(t.app)).client;
  b = (await signUp(t.app)).client;
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  // startOutbox creates the consumer's queue; here the relay runs on its own.
  await t.deps.queue.ensureQueue('consumer.webhooks');
  for (const c of [a, b]) await c.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true });
});
afterAll(() => t.close());

/** Relays every pending event. */
async function relayAll(): Promise<void> {
  while ((await relayOutboxBatch(t.deps, t.deps.queue, [webhooksConsumer(t.deps)])) > 0);
}

/** The events queued for the webhooks consumer, in event order. */
async function queued(): Promise<{ type: string; recordId: string }[]> {
  const res = await t.db.query<{ type: string; record_id: string }>(
    "SELECT data->>'type' AS type, data->>'recordId' AS record_id FROM pgboss.job WHERE name = 'consumer.webhooks' ORDER BY data->>'id'",
  );
  return res.rows.map((r) => ({ type: r.type, recordId: r.record_id }));
}

const newContact = async (c: Client, email: string) => (await c.post('/api/v1/contacts', { email })).json().id as string;

describe('the outbox relay and webhook subscriptions', () => {
  it('queues nothing for a workspace with no subscriptions, and still marks its events dispatched', async () => {
    await newContact(a, 'one@relay.example');
    await newContact(a, 'two@relay.example');
    await relayAll();
    expect(await queued()).toEqual([]);
    const pending = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE dispatched_at IS NULL');
    expect(pending.rows[0]?.n).toBe(0);
  });

  it('queues only the types an enabled subscription of the same workspace listens to', async () => {
    const sub = await a.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', eventTypes: ['contact.updated'] });
    expect(sub.statusCode).toBe(201);
    // Workspace b listens to creations; that must not make a's creations wanted.
    expect((await b.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', eventTypes: ['contact.created'] })).statusCode).toBe(201);

    const id = await newContact(a, 'three@relay.example');
    expect((await a.patch(`/api/v1/contacts/${id}`, { jobTitle: 'Buyer' })).statusCode).toBe(200);
    const inB = await newContact(b, 'four@relay.example');
    await relayAll();
    expect(await queued()).toEqual([
      { type: 'contact.updated', recordId: id },
      { type: 'contact.created', recordId: inB },
    ]);

    // A disabled subscription wants nothing more.
    expect((await a.patch(`/api/v1/webhooks/${sub.json().webhook.id}`, { enabled: false })).statusCode).toBe(200);
    expect((await a.patch(`/api/v1/contacts/${id}`, { jobTitle: 'Owner' })).statusCode).toBe(200);
    await relayAll();
    expect(await queued()).toHaveLength(2);
  });

  it('queues a deal update for a subscription to deal.won only, with the payload it read', async () => {
    const c = (await signUp(t.app)).client;
    expect((await c.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true })).statusCode).toBe(200);
    expect((await c.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', eventTypes: ['deal.won'] })).statusCode).toBe(201);
    const deal = (await c.post('/api/v1/deals', { name: 'Relay deal', amount: 5000, currency: 'EUR' })).json();
    expect((await c.patch(`/api/v1/deals/${deal.id}`, { name: 'Relay deal, renamed' })).statusCode).toBe(200);
    expect((await c.patch(`/api/v1/deals/${deal.id}`, { status: 'won' })).statusCode).toBe(200);
    const before = (await queued()).length;
    await relayAll();
    // The creation becomes no message the subscription listens to, nor does the rename; the
    // update that won the deal becomes deal.won, and goes with the record as it was written.
    const jobs = await t.db.query<{ data: { type: string; recordId: string; payload: { record: { status: string; name: string } } } }>(
      "SELECT data FROM pgboss.job WHERE name = 'consumer.webhooks' ORDER BY data->>'id'",
    );
    const mine = jobs.rows.slice(before).map((r) => r.data);
    expect(mine.map((e) => [e.type, e.recordId, e.payload.record.status])).toEqual([['deal.updated', deal.id, 'won']]);
    expect(mine[0]?.payload.record.name).toBe('Relay deal, renamed');
  });
});
