import type { Ctx } from '../context.ts';
import { newId } from '../lib/ids.ts';
import { type InsertPart, insertTogether } from '../lib/sql-params.ts';

/** The kinds of entry a record's timeline shows. */
export const timelineKinds = [
  'created',
  'field_change',
  'lifecycle_change',
  'stage_change',
  'status_change',
  'activity',
  'task_created',
  'task_completed',
  'merged',
  'deleted',
  'restored',
] as const;
export type TimelineKind = (typeof timelineKinds)[number];

/** A record a timeline entry appears on. */
export type TimelineTarget = { recordType: 'contact' | 'company' | 'deal'; recordId: string };

/** One timeline entry to write. */
export type NewTimelineEntry = TimelineTarget & {
  kind: TimelineKind;
  occurredAt?: Date;
  data?: Record<string, unknown>;
  activityId?: string;
  taskId?: string;
};

/** Adds one entry to the timelines of `targets`, in the caller's transaction. */
export async function addTimelineEntry(
  ctx: Ctx,
  targets: TimelineTarget[],
  entry: { kind: TimelineKind; occurredAt?: Date; data?: Record<string, unknown>; activityId?: string; taskId?: string },
): Promise<void> {
  await addTimelineEntries(
    ctx,
    targets.map((t) => ({ ...entry, ...t })),
  );
}

/** Writes many timeline entries in one statement (batches, imports). */
export async function addTimelineEntries(ctx: Ctx, entries: NewTimelineEntry[]): Promise<void> {
  await insertTogether(ctx.tx, [timelineInsert(ctx, entries)]);
}

/** The insert of timeline entries, as part of a combined statement (insertTogether); none for no entries. */
export function timelineInsert(ctx: Ctx, entries: NewTimelineEntry[]): InsertPart | undefined {
  if (entries.length === 0) return undefined;
  const now = new Date();
  // One JSON document for all rows (see recordedInserts in lib/audit.ts).
  const rows = JSON.stringify(
    entries.map((e) => ({
      id: newId(),
      record_type: e.recordType,
      record_id: e.recordId,
      kind: e.kind,
      occurred_at: e.occurredAt ?? now,
      activity_id: e.activityId ?? null,
      task_id: e.taskId ?? null,
      data: e.data ?? {},
    })),
  );
  return (p) =>
    `INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, activity_id, task_id, actor_type, actor_id, data)
     SELECT ${p.add(ctx.workspaceId)}, e.id, e.record_type, e.record_id, e.kind, e.occurred_at, e.activity_id, e.task_id, ${p.add(ctx.actor.type)}, ${p.add(ctx.actor.userId)}, e.data
     FROM jsonb_to_recordset(${p.add(rows)}::jsonb)
       AS e (id uuid, record_type text, record_id uuid, kind text, occurred_at timestamptz, activity_id uuid, task_id uuid, data jsonb)`;
}

/** Fields whose changes are bookkeeping, not history a person reads on the timeline. */
const quietFields = new Set(['updatedAt', 'version', 'lastActivityAt', 'search']);

/** The part of a field diff worth showing on the timeline, or undefined when nothing is. */
export function visibleChanges(
  changes: Record<string, { from: unknown; to: unknown }>,
  skip: string[] = [],
): Record<string, { from: unknown; to: unknown }> | undefined {
  const out = Object.fromEntries(Object.entries(changes).filter(([k]) => !quietFields.has(k) && !skip.includes(k)));
  return Object.keys(out).length > 0 ? out : undefined;
}
