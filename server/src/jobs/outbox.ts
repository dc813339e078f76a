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

/**
 * Something that reacts to domain events (webhooks, timelines, workflows). Each consumer has
 * its own queue; its handler runs in a transaction together with its receipt, so a repeated
 * delivery takes effect once.
 */
export type Consumer = {
  name: string;
  accepts(type: string): boolean;
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
    const res = await tx.query<OutboxRow>(
      `SELECT workspace_id, id, type, record_type, record_id, payload, actor_type, actor_id, created_at
       FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    if (res.rows.length === 0) return 0;
    const events: DomainEvent[] = res.rows.map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      type: r.type,
      recordType: r.record_type,
      recordId: r.record_id,
      payload: r.payload,
      actorType: r.actor_type,
      actorId: r.actor_id,
      createdAt: r.created_at.toISOString(),
    }));
    for (const consumer of consumers) {
      const accepted = events.filter((e) => consumer.accepts(e.type));
      const wanted = consumer.wanted && accepted.length > 0 ? await consumer.wanted(tx, accepted) : accepted;
      await queue.insert(
        queueName(consumer),
        wanted.map((e) => ({ data: e })),
        tx,
      );
    }
    await tx.query(
      `UPDATE outbox_events SET dispatched_at = now()
       WHERE (workspace_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [events.map((e) => e.workspaceId), events.map((e) => e.id)],
    );
    return events.length;
  });
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
