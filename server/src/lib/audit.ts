import type { Ctx } from '../context.ts';
import { newId } from './ids.ts';
import { type InsertPart, insertTogether } from './sql-params.ts';
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

/** recordWrite for many writes at once: one statement, whatever the count (batches, imports). */
export async function recordWrites(ctx: Ctx, writes: RecordedWrite[]): Promise<{ eventId: string; changes: Changes }[]> {
  const { results, inserts } = recordedInserts(ctx, writes);
  await insertTogether(ctx.tx, inserts);
  return results;
}

/**
 * The `record_changes` and `outbox_events` rows of recorded writes, as inserts of one combined
 * statement (insertTogether; a caller may add more, such as timeline entries), with each write's
 * event id and field changes. Nothing is sent.
 */
export function recordedInserts(
  ctx: Ctx,
  writes: RecordedWrite[],
): { results: { eventId: string; changes: Changes }[]; inserts: (InsertPart | undefined)[] } {
  if (writes.length === 0) return { results: [], inserts: [] };
  const results = writes.map((w) => ({ eventId: newId(), changes: diffFields(w.before, w.after) }));
  // The rows travel as one JSON document: cheaper to build and to read than parallel arrays of
  // JSON texts, which the driver must escape element by element.
  const history = JSON.stringify(
    writes.map((w, i) => ({
      id: newId(),
      record_type: w.recordType,
      record_id: w.recordId,
      action: w.action,
      changes: results[i]?.changes,
    })),
  );
  const changes: InsertPart = (p) =>
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     SELECT ${p.add(ctx.workspaceId)}, r.id, r.record_type, r.record_id, r.action, ${p.add(ctx.actor.type)}, ${p.add(ctx.actor.id)}, r.changes, ${p.add(ctx.requestId ?? null)}
     FROM jsonb_to_recordset(${p.add(history)}::jsonb) AS r (id uuid, record_type text, record_id uuid, action text, changes jsonb)`;
  const events = eventsInsert(
    ctx,
    writes.map((w, i) => ({
      id: results[i]?.eventId as string,
      type: w.event ?? `${w.recordType}.${w.action === 'merge' ? 'merged' : `${w.action}d`}`,
      recordType: w.recordType,
      recordId: w.recordId,
      payload: { record: w.after ?? w.before, changes: results[i]?.changes, ...w.payload },
    })),
  );
  return { results, inserts: [changes, events] };
}

/** The insert of domain events into the outbox, as part of a combined statement (insertTogether); none for no events. */
export function eventsInsert(ctx: Ctx, events: NewEvent[]): InsertPart | undefined {
  if (events.length === 0) return undefined;
  const rows = JSON.stringify(
    events.map((e) => ({ id: e.id ?? newId(), type: e.type, record_type: e.recordType, record_id: e.recordId, payload: e.payload })),
  );
  return (p) =>
    `INSERT INTO outbox_events (workspace_id, id, type, record_type, record_id, payload, actor_type, actor_id)
     SELECT ${p.add(ctx.workspaceId)}, e.id, e.type, e.record_type, e.record_id, e.payload, ${p.add(ctx.actor.type)}, ${p.add(ctx.actor.id)}
     FROM jsonb_to_recordset(${p.add(rows)}::jsonb) AS e (id uuid, type text, record_type text, record_id uuid, payload jsonb)`;
}

/** A domain event to append to the outbox (its id made here unless given). */
export type NewEvent = { id?: string; type: string; recordType: string; recordId: string; payload: Record<string, unknown> };

/** Appends a domain event to the outbox in the caller's transaction; returns its id. */
export async function emitEvent(ctx: Ctx, event: NewEvent): Promise<string> {
  const id = event.id ?? newId();
  await insertTogether(ctx.tx, [eventsInsert(ctx, [{ ...event, id }])]);
  return id;
}

/** Appends many domain events in one statement. */
export async function emitEvents(ctx: Ctx, events: NewEvent[]): Promise<void> {
  await insertTogether(ctx.tx, [eventsInsert(ctx, events)]);
}
