import { z } from 'zod';
import type { Queryable } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import type { Consumer, DomainEvent } from '../../jobs/outbox.ts';
import type { Queue } from '../../jobs/queue.ts';
import { newId, uuid } from '../../lib/ids.ts';
import {
  type AttemptResult,
  type ClaimedDelivery,
  claimDelivery,
  dueDeliveries,
  insertAttempt,
  laneHead,
  notifyAdmins,
  settleDelivery,
  waitsForFanOut,
} from './webhooks.dispatch.repo.ts';
import { isWebhookSource, possibleWebhookTypes, webhookMessagesFor } from './webhooks.events.ts';
import { DELIVERY_TIMEOUT_MS, postWebhook } from './webhooks.http.ts';
import {
  allowsPrivateTargets,
  disableSubscription,
  insertDeliveries,
  listenedTypes,
  markFailing,
  markHealthy,
  subscriptionsListeningTo,
} from './webhooks.repo.ts';
import { webhookHeaders } from './webhooks.signing.ts';

/** One job per delivery attempt: `{ workspaceId, deliveryId }`. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhooks.deliver';
/** The minute sweep that sends whatever is due and has no job (after a crash, a re-enable, a fan-out wait). */
export const WEBHOOK_SWEEP_QUEUE = 'webhooks.sweep';

export const deliveryJobPayload = z.object({ workspaceId: uuid(), deliveryId: uuid() });
export type DeliveryRef = z.infer<typeof deliveryJobPayload>;

/** Attempts per delivery: the first and 13 retries, spanning about 26.5 hours. */
export const MAX_ATTEMPTS = 14;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;
/** How long a worker holds a delivery while sending it; longer than the request timeout. */
const LEASE_MS = DELIVERY_TIMEOUT_MS + 20_000;
/** How soon a delivery waiting for earlier events to be fanned out looks again. */
const FAN_OUT_WAIT_MS = 1_000;

/**
 * The wait after the `failures`-th failed attempt: 30 s doubling each time, at most 6 h
 * (30 s, 1 min, 2 min … 4 h 16 min, then 6 h), so the 13 retries cover a receiver that is down
 * for a day.
 * @example retryDelayMs(1) // 30_000
 */
export function retryDelayMs(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LONGEST_RETRY_MS);
}

/** What decides time in delivery: the real clock, or a test's. */
export type Clock = { now(): Date };
const realClock: Clock = { now: () => new Date() };

/**
 * The webhooks consumer of the outbox: turns each domain event into one delivery per matching
 * enabled subscription and message type (in the consumer's transaction, with its receipt), and
 * enqueues a job for each.
 */
export function webhooksConsumer(deps: Pick<Deps, 'queue'>): Consumer {
  // The types each workspace's enabled subscriptions listen to, read once per relay batch (by its
  // transaction): `candidates` reads them, `wanted` then judges the same events' payloads by them.
  const listenedIn = new WeakMap<Queryable, Map<string, Set<string>>>();
  const listened = async (tx: Queryable, events: { workspaceId: string }[]) => {
    const known = listenedIn.get(tx);
    if (known && events.every((e) => known.has(e.workspaceId))) return known;
    const types = await listenedTypes(tx, [...new Set(events.map((e) => e.workspaceId))]);
    listenedIn.set(tx, types);
    return types;
  };
  return {
    name: 'webhooks',
    accepts: isWebhookSource,
    // Events no enabled subscription of their workspace could want (most, where nobody has
    // subscribed) are dropped before their payloads are read.
    candidates: async (tx, events) => {
      const types = await listened(tx, events);
      return events.filter((e) => possibleWebhookTypes(e.type).some((t) => types.get(e.workspaceId)?.has(t)));
    },
    // Only events an enabled subscription listens to become jobs; fanOut checks again when it
    // runs, so a subscription disabled meanwhile gets nothing.
    wanted: async (tx, events) => {
      const types = await listened(tx, events);
      return events.filter((e) => webhookMessagesFor(e).some((m) => types.get(e.workspaceId)?.has(m.type)));
    },
    handle: async (tx, event) => {
      await fanOut(tx, deps.queue, event);
    },
  };
}

/** Stores the deliveries of one event and enqueues their jobs; returns their ids. */
export async function fanOut(tx: Queryable, queue: Queue, event: DomainEvent, clock: Clock = realClock): Promise<string[]> {
  const messages = webhookMessagesFor(event);
  if (messages.length === 0) return [];
  const subscriptions = await subscriptionsListeningTo(
    tx,
    event.workspaceId,
    messages.map((m) => m.type),
  );
  const rows = subscriptions.flatMap((s) =>
    messages
      .filter((m) => s.event_types.includes(m.type))
      .map((m) => ({
        id: newId(),
        subscriptionId: s.id,
        eventId: event.id,
        eventType: m.type,
        recordId: event.recordId,
        body: JSON.stringify({ type: m.type, timestamp: event.createdAt, data: m.data }),
      })),
  );
  const stored = await insertDeliveries(tx, event.workspaceId, rows, clock.now());
  await queue.insert(
    WEBHOOK_DELIVERY_QUEUE,
    stored.map((deliveryId) => ({ data: { workspaceId: event.workspaceId, deliveryId } })),
    tx,
  );
  return stored;
}

/**
 * Makes one attempt at a delivery if it may go now (see claimDelivery), then records the result:
 * delivered, retried later with backoff, or given up after MAX_ATTEMPTS, which disables the
 * subscription and tells the workspace's admins. When a delivery is settled, the next one of its
 * record is enqueued, which keeps each record's events in order. Returns whether it sent.
 */
export async function deliverWebhook(deps: Pick<Deps, 'db' | 'queue'>, ref: DeliveryRef, clock: Clock = realClock): Promise<boolean> {
  const now = clock.now();
  const claimed = await deps.db.transaction((tx) => claimDelivery(tx, ref.workspaceId, ref.deliveryId, now, LEASE_MS));
  if (!claimed) {
    if (await waitsForFanOut(deps.db, ref.workspaceId, ref.deliveryId, now))
      await deps.queue.send(WEBHOOK_DELIVERY_QUEUE, ref, { startAfter: new Date(Date.now() + FAN_OUT_WAIT_MS) });
    return false;
  }
  const allowPrivate = await allowsPrivateTargets(deps.db, ref.workspaceId);
  const result = await postWebhook({ url: claimed.url, allowPrivate }, signedHeaders(claimed, now), claimed.body);
  await deps.db.transaction((tx) => settle(tx, deps.queue, claimed, result, clock.now()));
  return true;
}

/** The signing headers of a claimed delivery: its id, the real send time, and every live secret. */
function signedHeaders(d: ClaimedDelivery, now: Date): Record<string, string> {
  const secrets = [d.secret];
  if (d.previous_secret && d.previous_secret_expires_at && d.previous_secret_expires_at > now) secrets.push(d.previous_secret);
  // The timestamp is the wall clock's: receivers reject a signature outside a few minutes of theirs.
  return webhookHeaders(secrets, d.id, Math.floor(Date.now() / 1000), d.body);
}

async function settle(tx: Queryable, queue: Queue, d: ClaimedDelivery, result: AttemptResult, now: Date): Promise<void> {
  const { workspace_id: workspaceId, id } = d;
  await insertAttempt(tx, workspaceId, id, result);
  const ok = result.responseStatus !== null && result.responseStatus >= 200 && result.responseStatus < 300;
  if (!ok && d.attempts < MAX_ATTEMPTS) {
    // Retried later; meanwhile the record's later deliveries wait behind this one.
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(d.attempts));
    await settleDelivery(tx, workspaceId, id, { status: 'pending', nextAttemptAt, deliveredAt: null });
    await markFailing(tx, workspaceId, d.subscription_id, result.attemptedAt);
    await queue.send(WEBHOOK_DELIVERY_QUEUE, { workspaceId, deliveryId: id }, { tx, startAfter: nextAttemptAt });
    return;
  }
  if (ok) {
    await settleDelivery(tx, workspaceId, id, { status: 'succeeded', nextAttemptAt: now, deliveredAt: now });
    await markHealthy(tx, workspaceId, d.subscription_id);
  } else {
    await settleDelivery(tx, workspaceId, id, { status: 'failed', nextAttemptAt: now, deliveredAt: null });
    await disableAfterSustainedFailure(tx, d, result, now);
  }
  const next = await laneHead(tx, workspaceId, d.subscription_id, d.record_id);
  if (next) await queue.send(WEBHOOK_DELIVERY_QUEUE, { workspaceId, deliveryId: next }, { tx });
}

/** Disables a subscription whose delivery failed every retry, and notifies the admins once. */
async function disableAfterSustainedFailure(tx: Queryable, d: ClaimedDelivery, result: AttemptResult, now: Date): Promise<void> {
  const last = result.error ?? `HTTP ${result.responseStatus}`;
  const reason = `A delivery failed ${MAX_ATTEMPTS} attempts over more than a day (last: ${last})`;
  const disabled = await disableSubscription(tx, d.workspace_id, d.subscription_id, reason, now);
  if (!disabled) return;
  await notifyAdmins(tx, d.workspace_id, {
    kind: 'webhook_disabled',
    title: `Webhook to ${disabled.url} was disabled`,
    body: `${reason}. Fix the receiver, then enable the webhook again in settings; pending events will follow.`,
    subscriptionId: disabled.id,
    sourceKey: `webhook-disabled:${disabled.id}:${now.toISOString()}`,
  });
}

/**
 * Sends everything that is due and may go, a batch at a time, until nothing is left (or `maxRounds`).
 * Deliveries of one batch are each first in their lane, so they go out side by side.
 * Returns how many it sent.
 */
export async function deliverDueWebhooks(
  deps: Pick<Deps, 'db' | 'queue'>,
  options: { clock?: Clock; batchSize?: number; maxRounds?: number } = {},
): Promise<number> {
  const clock = options.clock ?? realClock;
  let sent = 0;
  for (let round = 0; round < (options.maxRounds ?? 100); round++) {
    const due = await dueDeliveries(deps.db, clock.now(), options.batchSize ?? 20);
    if (due.length === 0) break;
    const results = await Promise.all(due.map((d) => deliverWebhook(deps, { workspaceId: d.workspace_id, deliveryId: d.id }, clock)));
    sent += results.filter(Boolean).length;
  }
  return sent;
}

/** Registers the delivery worker and the minute sweep. */
export async function startWebhookDelivery(deps: Deps): Promise<void> {
  await deps.queue.work({
    name: WEBHOOK_DELIVERY_QUEUE,
    payload: deliveryJobPayload,
    // Jobs of a batch run one after another; five at most keeps a batch of slow receivers within expiry.
    batchSize: 5,
    expireInSeconds: 5 * (DELIVERY_TIMEOUT_MS / 1000) + 60,
    handle: async (ref) => {
      await deliverWebhook(deps, ref);
    },
  });
  await deps.queue.work({
    name: WEBHOOK_SWEEP_QUEUE,
    payload: z.object({}).passthrough(),
    batchSize: 1,
    retryLimit: 2,
    expireInSeconds: 600,
    handle: async () => {
      await deliverDueWebhooks(deps);
    },
  });
  await deps.queue.schedule(WEBHOOK_SWEEP_QUEUE, '* * * * *');
}
