import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { uuid } from '../lib/ids.ts';
import type { Queue } from './queue.ts';

/** A domain event as consumers receive it. */
export const domainEventSchema = z.object({
  id: uuid(),
  workspaceId: uuid(),
  type: z.string(),
  recordType: z.string(),
  recordId: uuid(),
  payload: z.record(z.string(), z.unknown()),
  actorType: z.string(),
  actorId: uuid().nullable(),
  createdAt: z.string(),
});
export type DomainEvent = z.infer<typeof domainEventSchema>;
/** An event without its payload: what the relay reads first. */
export type EventHead = Omit<DomainEvent, 'payload'>;

/**
 * Something that reacts to domain events (webhooks, timelines, workflows). Each consumer has
 * its own queue; its handler runs in a transaction together with its receipt, so a repeated
 * delivery takes effect once.
 */
export type Consumer = {
  name: string;
  accepts(type: string): boolean;
  /**
   * Of the accepted events of one relay batch, those this consumer may want, judged without
   * their payloads (all of them when absent). The relay reads the payloads of these alone, so a
   * batch of a thousand contact updates in a workspace without webhook subscriptions reads none
   * of the thousand records back.
   */
  candidates?(tx: Queryable, events: EventHead[]): Promise<EventHead[]>;
  /**
   * Of the accepted events of one relay batch, those this consumer has something to do for (all
   * of them when absent); the relay enqueues only these, in the batch's transaction. Webhooks
   * want only events some enabled subscription listens to, so a workspace without subscriptions
   * (an import of a million rows, say) queues no jobs at all.
   */
  wanted?(tx: Queryable, events: DomainEvent[]): Promise<DomainEvent[]>;
  handle(tx: Queryable, event: DomainEvent): Promise<void>;
};

const queueName = (consumer: Consumer) => `consumer.${consumer.name}`;

type OutboxRow = {
  workspace_id: string;
  id: string;
  type: string;
  record_type: string;
  record_id: string;
  payload: Record<string, unknown>;
  actor_type: string;
  actor_id: string | null;
  created_at: Date;
};

/**
 * Moves one batch of undispatched outbox events onto the queues of the consumers that want them,
 * in the same transaction that marks them dispatched: an event is either still pending or
 * enqueued (or wanted by none).
 * Returns how many events it moved.
 */
export async function relayOutboxBatch(deps: Pick<Deps, 'db'>, queue: Queue, consumers: Consumer[], batchSize = 200): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const res = await tx.query<Omit<OutboxRow, 'payload'>>(
      `SELECT workspace_id, id, type, record_type, record_id, actor_type, actor_id, created_at
       FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (res.rows.length === 0) return 0;
    const heads: EventHead[] = res.rows.map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      type: r.type,
      recordType: r.record_type,
      recordId: r.record_id,
      actorType: r.actor_type,
      actorId: r.actor_id,
      createdAt: r.created_at.toISOString(),
    }));
    const candidates: EventHead[][] = [];
    for (const consumer of consumers) {
      const accepted = heads.filter((e) => consumer.accepts(e.type));
      candidates.push(consumer.candidates && accepted.length > 0 ? await consumer.candidates(tx, accepted) : accepted);
    }
    const payloads = await readPayloads(tx, [...new Set(candidates.flat())]);
    for (const [i, consumer] of consumers.entries()) {
      const events = (candidates[i] ?? []).map((e) => ({ ...e, payload: payloads.get(e.id) ?? {} }));
      const wanted = consumer.wanted && events.length > 0 ? await consumer.wanted(tx, events) : events;
      await queue.insert(
        queueName(consumer),
        wanted.map((e) => ({ data: e })),
        tx,
      );
    }
    await tx.query(
      `UPDATE outbox_events SET dispatched_at = now()
       WHERE (workspace_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [heads.map((e) => e.workspaceId), heads.map((e) => e.id)],
    );
    return heads.length;
  });
}

/** The payloads of these events, by event id. */
async function readPayloads(tx: Queryable, events: EventHead[]): Promise<Map<string, Record<string, unknown>>> {
  if (events.length === 0) return new Map();
  const res = await tx.query<{ id: string; payload: Record<string, unknown> }>(
    `SELECT o.id, o.payload FROM unnest($1::uuid[], $2::uuid[]) k (workspace_id, id)
     JOIN outbox_events o ON o.workspace_id = k.workspace_id AND o.id = k.id`,
    [events.map((e) => e.workspaceId), events.map((e) => e.id)],
  );
  return new Map(res.rows.map((r) => [r.id, r.payload]));
}

/** Delivers one event to one consumer, exactly once in effect: the receipt and the effect commit together. */
export async function deliverEvent(deps: Pick<Deps, 'db'>, consumer: Consumer, event: DomainEvent): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const receipt = await tx.query(
      'INSERT INTO consumer_receipts (workspace_id, consumer, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [event.workspaceId, consumer.name, event.id],
    );
    if (receipt.rowCount === 0) return false;
    await consumer.handle(tx, event);
    return true;
  });
}

/** Starts each consumer's queue worker and the relay loop; returns a function that stops the loop. */
export async function startOutbox(deps: Deps, consumers: Consumer[]): Promise<() => Promise<void>> {
  for (const consumer of consumers) {
    await deps.queue.work({
      name: queueName(consumer),
      payload: domainEventSchema,
      expireInSeconds: 30,
      handle: async (event) => {
        await deliverEvent(deps, consumer, event);
      },
    });
  }
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const moved = await relayOutboxBatch(deps, deps.queue, consumers);
        if (moved === 0) await sleep(250);
      } catch (err) {
        if (!running) break;
        deps.log.error({ err }, 'outbox relay failed; retrying');
        await sleep(1000);
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
