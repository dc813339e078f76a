import type { Ctx } from '../context.ts';
import { newId } from './ids.ts';
import { sameJson } from './stable-json.ts';

type Fields = Record<string, unknown>;

/** Field-by-field difference between two versions of a record: `{ field: { from, to } }`. */
export function diffFields(before: Fields | null, after: Fields | null): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const from = before?.[key] ?? null;
    const to = after?.[key] ?? null;
    if (!sameJson(from, to)) changes[key] = { from, to };
  }
  return changes;
}

/** A write to record: what kind of record, which one, and its state before and after. */
export type RecordedWrite = {
  recordType: string;
  recordId: string;
  action: 'create' | 'update' | 'delete' | 'restore' | 'merge';
  before: Fields | null;
  after: Fields | null;
  /** Domain event type; defaults to `<recordType>.<action>d`. */
  event?: string;
  /** Extra event payload beside the record and its changes. */
  payload?: Fields;
};

type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * Records a write in the same transaction as the write itself: a `record_changes` row with the
 * field-level diff (audit, history, timeline) and an `outbox_events` row (webhooks, workflows).
 * Returns the event id and the field-level changes.
 */
export async function recordWrite(ctx: Ctx, write: RecordedWrite): Promise<{ eventId: string; changes: Changes }> {
  const [result] = await recordWrites(ctx, [write]);
  return result as { eventId: string; changes: Changes };
}

/** recordWrite for many writes at once: two multi-row statements, whatever the count (batches, imports). */
export async function recordWrites(ctx: Ctx, writes: RecordedWrite[]): Promise<{ eventId: string; changes: Changes }[]> {
  if (writes.length === 0) return [];
  const results = writes.map((w) => ({ eventId: newId(), changes: diffFields(w.before, w.after) }));
  await ctx.tx.query(
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     SELECT $1, r.id, r.record_type, r.record_id, r.action, $2, $3, r.changes, $4
     FROM unnest($5::uuid[], $6::text[], $7::uuid[], $8::text[], $9::jsonb[]) AS r (id, record_type, record_id, action, changes)`,
    [
      ctx.workspaceId,
      ctx.actor.type,
      ctx.actor.id,
      ctx.requestId ?? null,
      writes.map(() => newId()),
      writes.map((w) => w.recordType),
      writes.map((w) => w.recordId),
      writes.map((w) => w.action),
      results.map((r) => JSON.stringify(r.changes)),
    ],
  );
  await insertEvents(
    ctx,
    writes.map((w, i) => ({
      id: results[i]?.eventId as string,
      type: w.event ?? `${w.recordType}.${w.action === 'merge' ? 'merged' : `${w.action}d`}`,
      recordType: w.recordType,
      recordId: w.recordId,
      payload: { record: w.after ?? w.before, changes: results[i]?.changes, ...w.payload },
    })),
  );
  return results;
}

type OutboxEvent = { id: string; type: string; recordType: string; recordId: string; payload: Record<string, unknown> };

async function insertEvents(ctx: Ctx, events: OutboxEvent[]): Promise<void> {
  await ctx.tx.query(
    `INSERT INTO outbox_events (workspace_id, id, type, record_type, record_id, payload, actor_type, actor_id)
     SELECT $1, e.id, e.type, e.record_type, e.record_id, e.payload, $2, $3
     FROM unnest($4::uuid[], $5::text[], $6::text[], $7::uuid[], $8::jsonb[]) AS e (id, type, record_type, record_id, payload)`,
    [
      ctx.workspaceId,
      ctx.actor.type,
      ctx.actor.id,
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.recordType),
      events.map((e) => e.recordId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
}

/** A domain event to append to the outbox. */
export type NewEvent = { type: string; recordType: string; recordId: string; payload: Record<string, unknown> };

/** Appends a domain event to the outbox in the caller's transaction; returns its id. */
export async function emitEvent(ctx: Ctx, event: NewEvent): Promise<string> {
  const id = newId();
  await insertEvents(ctx, [{ id, ...event }]);
  return id;
}

/** Appends many domain events in one statement. */
export async function emitEvents(ctx: Ctx, events: NewEvent[]): Promise<void> {
  if (events.length > 0)
    await insertEvents(
      ctx,
      events.map((e) => ({ id: newId(), ...e })),
    );
}
