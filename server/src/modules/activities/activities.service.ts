import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { notFound, staleWrite } from '../../lib/errors.ts';
import type { FilterGroups } from '../../lib/filters.ts';
import { newId } from '../../lib/ids.ts';
import { listRecords, type Sort } from '../../lib/record-list.ts';
import type { SqlParams } from '../../lib/sql-params.ts';
import { sameJson } from '../../lib/stable-json.ts';
import { authorize } from '../../policies.ts';
import { activityType } from '../../records/record-types.ts';
import { addTimelineEntries } from '../../records/timeline.ts';
import { type ActivityPlan, linkKey, planActivity } from './activities.plan.ts';
import { activityAuditFields, activitySummary, activityView } from './activities.presenter.ts';
import {
  type ActivityRow,
  activitySelect,
  findActivityRow,
  insertActivityRow,
  linksOf,
  replaceActivityLinks,
  setActivityDeleted,
  syncActivityTimeline,
  touchLastActivity,
  updateActivityRow,
} from './activities.repo.ts';
import type { ActivityCreate, ActivityLink, ActivityUpdate } from './activities.schema.ts';

/** An activity with the records it is linked to. */
export type LinkedActivity = { row: ActivityRow; links: ActivityLink[] };

/** Writes the links, timeline entries and last-activity times that follow an activity's write. */
async function applyLinks(ctx: Ctx, row: ActivityRow, plan: ActivityPlan): Promise<void> {
  await replaceActivityLinks(ctx.tx, ctx.workspaceId, row.id, plan.links);
  const missing = await syncActivityTimeline(ctx.tx, ctx.workspaceId, row.id, plan.links, row.occurred_at, activitySummary(row));
  await addTimelineEntries(
    ctx,
    missing.map((l) => ({ ...l, kind: 'activity', occurredAt: row.occurred_at, activityId: row.id, data: activitySummary(row) })),
  );
  await touchLastActivity(ctx.tx, ctx.workspaceId, plan.links, row.occurred_at);
}

const audited = (a: LinkedActivity) => activityAuditFields(activityView(a.row, a.links));

/** Logs an activity (note, call, email or meeting) on the records it links to. */
export async function createActivity(ctx: Ctx, input: ActivityCreate): Promise<LinkedActivity> {
  authorize(ctx, 'records.create');
  if (input.ownerId && input.ownerId !== ctx.actor.userId) authorize(ctx, 'records.reassign');
  return insertPlannedActivity(ctx, await planActivity(ctx, input));
}

/** Writes a validated activity with its links, timeline entries, audit row and event (also used for form submissions). */
export async function insertPlannedActivity(ctx: Ctx, plan: ActivityPlan): Promise<LinkedActivity> {
  const row = await insertActivityRow(ctx.tx, ctx.workspaceId, newId(), plan.values);
  await applyLinks(ctx, row, plan);
  const created = { row, links: plan.links };
  await recordWrite(ctx, { recordType: 'activity', recordId: row.id, action: 'create', before: null, after: audited(created) });
  return created;
}

/** An activity that is not in the trash, with its links; otherwise not_found. */
export async function getActivity(ctx: Ctx, id: string): Promise<LinkedActivity> {
  authorize(ctx, 'records.read');
  const row = await findActivityRow(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Activity');
  return { row, links: (await linksOf(ctx.tx, ctx.workspaceId, [id])).get(id) ?? [] };
}

/** Updates an activity, its links and its timeline entries; `expectedVersion` (If-Match) refuses a stale write. */
export async function updateActivity(
  ctx: Ctx,
  input: { id: string; patch: ActivityUpdate; expectedVersion?: number },
): Promise<LinkedActivity> {
  const current = await getActivity(ctx, input.id);
  authorize(ctx, 'records.update', { ownerId: current.row.owner_id });
  if (input.patch.ownerId !== undefined && input.patch.ownerId !== current.row.owner_id) authorize(ctx, 'records.reassign');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.row.version) throw staleWrite(current.row.version);
  const plan = await planActivity(ctx, input.patch, current);
  if (unchanged(plan, current)) return current;
  const row = await updateActivityRow(ctx.tx, ctx.workspaceId, current.row.id, current.row.version, plan.values);
  if (!row) throw staleWrite(current.row.version + 1);
  await applyLinks(ctx, row, plan);
  const updated = { row, links: plan.links };
  await recordWrite(ctx, { recordType: 'activity', recordId: row.id, action: 'update', before: audited(current), after: audited(updated) });
  return updated;
}

/** Whether a planned write is what the activity already is (an update that changes nothing writes nothing). */
function unchanged(plan: ActivityPlan, current: LinkedActivity): boolean {
  const sameValues = Object.entries(plan.values).every(([k, v]) => sameJson(v, current.row[k as keyof ActivityRow]));
  const key = (links: ActivityLink[]) => links.map(linkKey).sort().join(',');
  return sameValues && key(plan.links) === key(current.links);
}

/** Moves an activity to the trash: it leaves every timeline until restored. */
export async function deleteActivity(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getActivity(ctx, input.id);
  authorize(ctx, 'records.delete', { ownerId: current.row.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.row.version) throw staleWrite(current.row.version);
  await setActivityDeleted(ctx.tx, ctx.workspaceId, current.row.id, true);
  await recordWrite(ctx, { recordType: 'activity', recordId: current.row.id, action: 'delete', before: audited(current), after: null });
}

/** Takes an activity back out of the trash, and so back onto its records' timelines. */
export async function restoreActivity(ctx: Ctx, id: string): Promise<LinkedActivity> {
  const current = await findActivityRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at) throw notFound('Deleted activity');
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  const row = (await setActivityDeleted(ctx.tx, ctx.workspaceId, id, false)) as ActivityRow;
  const restored = { row, links: (await linksOf(ctx.tx, ctx.workspaceId, [id])).get(id) ?? [] };
  await recordWrite(ctx, { recordType: 'activity', recordId: id, action: 'restore', before: null, after: audited(restored) });
  return restored;
}

/** A page of activities matching filter groups (incl. the contacts, companies and deals they link to), sorted, with the total. */
export async function searchActivities(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<{ rows: LinkedActivity[]; nextCursor: string | null; total?: number }> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  const res = await listRecords<ActivityRow>(ctx.tx, {
    type: activityType,
    fields: activityType.fields,
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: activitySelect,
    withTotal: true,
    where: q ? (params: SqlParams) => `ac.search @@ plainto_tsquery('simple', ${params.add(q)})` : undefined,
  });
  const links = await linksOf(
    ctx.tx,
    ctx.workspaceId,
    res.rows.map((r) => r.id),
  );
  return { ...res, rows: res.rows.map((row) => ({ row, links: links.get(row.id) ?? [] })) };
}
