import type { Ctx } from '../context.ts';
import { newId } from '../lib/ids.ts';

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

/** Adds one entry to the timelines of `targets`, in the caller's transaction. */
export async function addTimelineEntry(
  ctx: Ctx,
  targets: TimelineTarget[],
  entry: { kind: TimelineKind; occurredAt?: Date; data?: Record<string, unknown>; activityId?: string; taskId?: string },
): Promise<void> {
  if (targets.length === 0) return;
  const occurredAt = entry.occurredAt ?? new Date();
  const params: unknown[] = [];
  const rows = targets.map((t) => {
    const base = params.length;
    params.push(
      ctx.workspaceId,
      newId(),
      t.recordType,
      t.recordId,
      entry.kind,
      occurredAt,
      entry.activityId ?? null,
      entry.taskId ?? null,
      ctx.actor.type,
      ctx.actor.userId,
      JSON.stringify(entry.data ?? {}),
    );
    return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  await ctx.tx.query(
    `INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, activity_id, task_id, actor_type, actor_id, data)
     VALUES ${rows.join(', ')}`,
    params,
  );
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
