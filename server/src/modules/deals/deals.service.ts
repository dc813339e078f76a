import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { notFound, staleWrite } from '../../lib/errors.ts';
import type { FieldDef, FilterGroups } from '../../lib/filters.ts';
import { newId } from '../../lib/ids.ts';
import { EXACT_TOTAL_UP_TO, type ListPage, listRecords, type Sort } from '../../lib/record-list.ts';
import type { SqlParams } from '../../lib/sql-params.ts';
import { authorize } from '../../policies.ts';
import { dealType } from '../../records/record-types.ts';
import { addTimelineEntry } from '../../records/timeline.ts';
import { type Trashable, trashByIds, trashRows } from '../../records/trash.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { customFieldDefs } from '../custom-fields/custom-fields.values.ts';
import { prefixQuery, wordsOf } from '../search/search.query.ts';
import { dealWriteEnv, planDeal } from './deals.plan.ts';
import { type DealView, dealAuditFields } from './deals.presenter.ts';
import {
  type DealRow,
  dealSelect,
  findDealRow,
  findLiveDealRows,
  type StageStayRow,
  setDealsDeleted,
  stageHistoryOf,
} from './deals.repo.ts';
import type { DealWrite } from './deals.schema.ts';
import { applyDealWrites, dealViews } from './deals.write.ts';

/** The view of one deal. */
export async function presentDeal(ctx: Ctx, row: DealRow): Promise<DealView> {
  const [view] = await dealViews(ctx, [row]);
  return view as DealView;
}

/** Creates a deal (in the default pipeline's first stage unless it names others). */
export async function createDeal(ctx: Ctx, input: DealWrite): Promise<DealRow> {
  authorize(ctx, 'records.create');
  if (input.ownerId && input.ownerId !== ctx.actor.userId) authorize(ctx, 'records.reassign');
  const plan = planDeal(ctx, await dealWriteEnv(ctx, [input], []), input);
  const [row] = await applyDealWrites(ctx, [{ id: newId(), plan }]);
  return row as DealRow;
}

/** A live deal, or not_found. */
export async function getDeal(ctx: Ctx, id: string): Promise<DealRow> {
  authorize(ctx, 'records.read');
  const row = await findDealRow(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Deal');
  return row;
}

/** Updates a deal (fields, stage, status, contacts); `expectedVersion` (If-Match) refuses a stale write. */
export async function updateDeal(ctx: Ctx, input: { id: string; patch: DealWrite; expectedVersion?: number }): Promise<DealRow> {
  const current = await getDeal(ctx, input.id);
  authorize(ctx, 'records.update', { ownerId: current.owner_id });
  if (input.patch.ownerId !== undefined && input.patch.ownerId !== current.owner_id) authorize(ctx, 'records.reassign');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const plan = planDeal(ctx, await dealWriteEnv(ctx, [input.patch], [current.id]), input.patch, current);
  const [row] = await applyDealWrites(ctx, [{ id: current.id, plan, current }]);
  return row as DealRow;
}

/** Moves a deal to the trash (restorable for 30 days). */
export async function deleteDeal(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getDeal(ctx, input.id);
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await trashRows(ctx, dealTrash, [current]);
}

/** How deals move to the trash in bulk. */
const dealTrash: Trashable<DealRow> = {
  recordType: 'deal',
  findLive: (ctx, ids) => findLiveDealRows(ctx.tx, ctx.workspaceId, 'id', ids),
  setDeleted: (ctx, ids) => setDealsDeleted(ctx.tx, ctx.workspaceId, ids, true),
  auditFields: async (ctx, rows) => (await dealViews(ctx, rows)).map(dealAuditFields),
};

/** Moves the live deals among `ids` that the caller may delete to the trash; reports the others. */
export function deleteDeals(ctx: Ctx, ids: string[]): Promise<{ deleted: string[]; failed: { id: string; code: string }[] }> {
  return trashByIds(ctx, dealTrash, ids);
}

/** Takes a deal back out of the trash. */
export async function restoreDeal(ctx: Ctx, id: string): Promise<DealRow> {
  const current = await findDealRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at) throw notFound('Deleted deal');
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  const [row] = await setDealsDeleted(ctx.tx, ctx.workspaceId, [id], false);
  if (!row) throw notFound('Deleted deal');
  const [view] = await dealViews(ctx, [row]);
  await recordWrite(ctx, { recordType: 'deal', recordId: id, action: 'restore', before: null, after: dealAuditFields(view) });
  await addTimelineEntry(ctx, [{ recordType: 'deal', recordId: id }], { kind: 'restored' });
  return row;
}

/** Every stay of a live deal in a stage, oldest first, with how long it lasted. */
export async function dealStageHistory(ctx: Ctx, id: string): Promise<StageStayRow[]> {
  const deal = await getDeal(ctx, id);
  return stageHistoryOf(ctx.tx, ctx.workspaceId, deal.id);
}

/** The fields deals can be filtered and sorted on in this workspace (standard + custom). */
export async function dealFields(ctx: Ctx): Promise<FieldDef[]> {
  return [...dealType.fields, ...customFieldDefs(await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'deal'), dealType.alias)];
}

/** A page of deals matching filter groups, sorted, with the total. `q` matches a name prefix. */
export async function searchDeals(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<ListPage<DealRow>> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  return listRecords<DealRow>(ctx.tx, {
    type: dealType,
    fields: await dealFields(ctx),
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: dealSelect,
    withTotal: true,
    exactTotalUpTo: EXACT_TOTAL_UP_TO,
    where: q ? (params: SqlParams) => quickMatch(q, params) : undefined,
  });
}

/** The `q` condition of a deal list: words matching the deal's name by prefix. */
function quickMatch(q: string, params: SqlParams): string {
  const words = wordsOf(q);
  return words.length > 0 ? `d.search @@ to_tsquery('simple', ${params.add(prefixQuery(words))})` : 'false';
}
