import type { Ctx } from '../context.ts';
import { recordedInserts } from '../lib/audit.ts';
import { insertTogether } from '../lib/sql-params.ts';
import { can } from '../policies.ts';
import { type TimelineTarget, timelineInsert } from './timeline.ts';

/** How one record type moves to the trash in bulk: its live rows, the flag, and what its audit compares. */
export type Trashable<R extends { id: string; owner_id: string | null }> = {
  recordType: TimelineTarget['recordType'];
  findLive(ctx: Ctx, ids: string[]): Promise<R[]>;
  setDeleted(ctx: Ctx, ids: string[]): Promise<unknown>;
  /** The audited fields of each row, in the order of `rows`. */
  auditFields(ctx: Ctx, rows: R[]): Promise<Record<string, unknown>[]>;
};

/** Moves rows to the trash with a fixed number of statements: the flag, audit rows and events, timeline entries. */
export async function trashRows<R extends { id: string; owner_id: string | null }>(ctx: Ctx, t: Trashable<R>, rows: R[]): Promise<void> {
  if (rows.length === 0) return;
  const before = await t.auditFields(ctx, rows);
  await t.setDeleted(
    ctx,
    rows.map((r) => r.id),
  );
  const { inserts } = recordedInserts(
    ctx,
    rows.map((r, i) => ({ recordType: t.recordType, recordId: r.id, action: 'delete' as const, before: before[i] ?? null, after: null })),
  );
  await insertTogether(ctx.tx, [
    ...inserts,
    timelineInsert(
      ctx,
      rows.map((r) => ({ recordType: t.recordType, recordId: r.id, kind: 'deleted' as const })),
    ),
  ]);
}

/** Moves the live records among `ids` that the caller may delete to the trash; reports the others. */
export async function trashByIds<R extends { id: string; owner_id: string | null }>(
  ctx: Ctx,
  t: Trashable<R>,
  ids: string[],
): Promise<{ deleted: string[]; failed: { id: string; code: string }[] }> {
  const rows = await t.findLive(ctx, ids);
  const allowed = rows.filter((r) => can(ctx, 'records.delete', { ownerId: r.owner_id }));
  await trashRows(ctx, t, allowed);
  const found = new Set(rows.map((r) => r.id));
  const ok = new Set(allowed.map((r) => r.id));
  return {
    deleted: [...ok],
    failed: ids.filter((id) => !ok.has(id)).map((id) => ({ id, code: found.has(id) ? 'forbidden' : 'not_found' })),
  };
}
