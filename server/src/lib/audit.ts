import type { Ctx } from '../context.ts';
import { newId } from './ids.ts';

type Fields = Record<string, unknown>;

/** Field-by-field difference between two versions of a record: `{ field: { from, to } }`. */
export function diffFields(before: Fields | null, after: Fields | null): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const from = before?.[key] ?? null;
    const to = after?.[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
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

/**
 * Records a write in the same transaction as the write itself: a `record_changes` row with the
 * field-level diff (audit, history, timeline) and an `outbox_events` row (webhooks, workflows).
 * Returns the event id and the field-level changes.
 */
export async function recordWrite(
  ctx: Ctx,
  write: RecordedWrite,
): Promise<{ eventId: string; changes: Record<string, { from: unknown; to: unknown }> }> {
  const changes = diffFields(write.before, write.after);
  const actorId = ctx.actor.id;
  await ctx.tx.query(
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      ctx.workspaceId,
      newId(),
      write.recordType,
      write.recordId,
      write.action,
      ctx.actor.type,
      actorId,
      JSON.stringify(changes),
      ctx.requestId ?? null,
    ],
  );
  const type = write.event ?? `${write.recordType}.${write.action === 'merge' ? 'merged' : `${write.action}d`}`;
  const eventId = await emitEvent(ctx, {
    type,
    recordType: write.recordType,
    recordId: write.recordId,
    payload: { record: write.after ?? write.before, changes, ...write.payload },
  });
  return { eventId, changes };
}

/** Appends a domain event to the outbox in the caller's transaction; returns its id. */
export async function emitEvent(
  ctx: Ctx,
  event: { type: string; recordType: string; recordId: string; payload: Record<string, unknown> },
): Promise<string> {
  const eventId = newId();
  await ctx.tx.query(
    `INSERT INTO outbox_events (workspace_id, id, type, record_type, record_id, payload, actor_type, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [ctx.workspaceId, eventId, event.type, event.recordType, event.recordId, JSON.stringify(event.payload), ctx.actor.type, ctx.actor.id],
  );
  return eventId;
}
