import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { recordedInserts } from '../../lib/audit.ts';
import { AppError } from '../../lib/errors.ts';
import { groupBy, newId } from '../../lib/ids.ts';
import { insertTogether } from '../../lib/sql-params.ts';
import { sameJson, stableJson } from '../../lib/stable-json.ts';
import { type NewTimelineEntry, timelineInsert, visibleChanges } from '../../records/timeline.ts';
import { findStageRows, type StageRow } from '../pipelines/pipelines.repo.ts';
import type { DealPlan } from './deals.plan.ts';
import { type DealView, dealAuditFields, dealView } from './deals.presenter.ts';
import {
  type DealRow,
  dealColumns,
  dealContactsOf,
  enterStages,
  insertDealRows,
  lockDealsInStages,
  moveDealRows,
  replaceDealContacts,
  type StageEntry,
  updateDealRows,
} from './deals.repo.ts';

/** One planned write: a new deal (no `current`) or an update of `current`. */
export type DealWriteItem = { id: string; plan: DealPlan; current?: DealRow };

/** Loads the views (row + stage + contacts) of deals, for presenting and auditing. */
export async function dealViews(ctx: Ctx, rows: DealRow[]): Promise<DealView[]> {
  const ids = rows.map((r) => r.id);
  const stages = new Map((await findStageRows(ctx.tx, ctx.workspaceId, [...new Set(rows.map((r) => r.stage_id))])).map((s) => [s.id, s]));
  const contacts = await dealContactsOf(ctx.tx, ctx.workspaceId, ids);
  const byDeal = groupBy(contacts, (c) => c.deal_id);
  return rows.map((r) => dealView(r, stages.get(r.stage_id) ?? { probability: 0, rotten_days: null }, byDeal.get(r.id) ?? []));
}

function externalIdTaken(err: unknown): never {
  if (isUniqueViolation(err, 'deals_external_id_key')) {
    throw new AppError('conflict', 'Another deal has this external id', [
      { field: 'body.externalId', message: 'Already used', code: 'duplicate' },
    ]);
  }
  throw err;
}

/** Stage and status moves have their own timeline entries; the field-change entry leaves them out. */
const movedFields = ['pipelineId', 'stageId', 'status', 'closedAt', 'lostReason'];

/**
 * Writes planned deals with a fixed number of statements whatever their count: the rows, their
 * contacts, stage history, audit rows and events, and timeline entries (created, stage_change,
 * status_change, field_change). Updates are conditional on the version each was planned from;
 * if any changed meanwhile the whole call fails with 412. Returns the saved rows in the order of `items`.
 */
export async function applyDealWrites(ctx: Ctx, all: DealWriteItem[]): Promise<DealRow[]> {
  const beforeViews = await dealViews(
    ctx,
    all.flatMap((i) => (i.current ? [i.current] : [])),
  );
  const beforeById = new Map(beforeViews.map((v) => [v.id, v]));
  // An update that changes nothing writes nothing: no new version, audit row, event or timeline entry.
  const items = all.filter((i) => !isNoop(i, beforeById.get(i.id)));
  const creates = items.filter((i) => !i.current);
  const updates = items.filter((i) => i.current);
  const inserted = await insertDealRows(
    ctx.tx,
    ctx.workspaceId,
    creates.map((c) => ({ id: c.id, values: c.plan.values })),
  ).catch(externalIdTaken);
  const updated = await updateDealRows(
    ctx.tx,
    ctx.workspaceId,
    updates.map((u) => ({ id: u.id, version: u.current?.version, values: u.plan.values })),
  ).catch(externalIdTaken);
  if (updated.length !== updates.length) {
    const stale = updates.find((u) => !updated.some((r) => r.id === u.id));
    throw new AppError('precondition_failed', `Deal ${stale?.id} changed while this request ran; retry it`);
  }
  await replaceDealContacts(
    ctx.tx,
    ctx.workspaceId,
    items.flatMap((i) => (i.plan.contacts ? [{ dealId: i.id, contacts: i.plan.contacts }] : [])),
  );
  const entries: StageEntry[] = items
    .filter((i) => !i.current || i.current.stage_id !== i.plan.values.stage_id)
    .map((i) => ({
      dealId: i.id,
      pipelineId: i.plan.values.pipeline_id,
      stageId: i.plan.values.stage_id,
      at: i.plan.values.stage_entered_at,
    }));
  await enterStages(
    ctx.tx,
    ctx.workspaceId,
    { type: ctx.actor.type, userId: ctx.actor.userId },
    entries.map((e) => ({ ...e, id: newId() })),
  );

  const byId = new Map([...inserted, ...updated].map((r) => [r.id, r]));
  const rows = items.map((i) => byId.get(i.id) as DealRow);
  const afterViews = new Map((await dealViews(ctx, rows)).map((v) => [v.id, v]));
  const { results, inserts } = recordedInserts(
    ctx,
    items.map((i) => ({
      recordType: 'deal',
      recordId: i.id,
      action: i.current ? ('update' as const) : ('create' as const),
      before: i.current ? dealAuditFields(beforeById.get(i.id)) : null,
      after: dealAuditFields(afterViews.get(i.id)),
    })),
  );
  const stageNames = await stageNamesOf(ctx, items);
  const timeline: NewTimelineEntry[] = [];
  items.forEach((item, n) => {
    const target = { recordType: 'deal' as const, recordId: item.id };
    const row = byId.get(item.id) as DealRow;
    if (!item.current) {
      timeline.push({ ...target, kind: 'created', data: { name: row.name } });
      return;
    }
    if (item.current.stage_id !== row.stage_id)
      timeline.push({ ...target, kind: 'stage_change', data: stageChange(item.current, row, stageNames) });
    if (item.current.status !== row.status) {
      timeline.push({ ...target, kind: 'status_change', data: { from: item.current.status, to: row.status, lostReason: row.lost_reason } });
    }
    const shown = visibleChanges(results[n]?.changes ?? {}, movedFields);
    if (shown) timeline.push({ ...target, kind: 'field_change', data: { changes: shown } });
  });
  // The history, events and timeline entries go as one statement.
  await insertTogether(ctx.tx, [...inserts, timelineInsert(ctx, timeline)]);
  return all.map((i) => byId.get(i.id) ?? (i.current as DealRow));
}

/** The names of the stages the items move between. */
async function stageNamesOf(ctx: Ctx, items: DealWriteItem[]): Promise<Map<string, string>> {
  const ids = items.flatMap((i) =>
    i.current && i.current.stage_id !== i.plan.values.stage_id ? [i.current.stage_id, i.plan.values.stage_id] : [],
  );
  const stages = await findStageRows(ctx.tx, ctx.workspaceId, [...new Set(ids)]);
  return new Map(stages.map((s) => [s.id, s.name]));
}

/** The data of a stage_change timeline entry. */
function stageChange(from: DealRow, to: DealRow, names: Map<string, string>) {
  return {
    from: { pipelineId: from.pipeline_id, stageId: from.stage_id, name: names.get(from.stage_id) ?? null },
    to: { pipelineId: to.pipeline_id, stageId: to.stage_id, name: names.get(to.stage_id) ?? null },
  };
}

/** Whether a planned update would leave the deal exactly as it is. */
function isNoop(item: DealWriteItem, before: DealView | undefined): boolean {
  const current = item.current;
  if (!current || !before) return false;
  if (!dealColumns.every((k) => sameJson(current[k], item.plan.values[k]))) return false;
  if (!item.plan.contacts) return true;
  return stableJson(before.contacts) === stableJson(item.plan.contacts.map((c) => ({ contactId: c.contactId, role: c.role })));
}

/**
 * Moves every deal (trashed ones too) out of `fromStageIds` into the stage `to`, as removing a
 * stage or a pipeline requires: new versions, stage history, audit rows and stage_change entries.
 * An administrative move, so the target stage's required fields are not enforced.
 */
export async function moveDealsToStage(ctx: Ctx, input: { fromStageIds: string[]; to: StageRow }): Promise<number> {
  const deals = await lockDealsInStages(ctx.tx, ctx.workspaceId, input.fromStageIds);
  if (deals.length === 0) return 0;
  const at = new Date();
  const moved = await moveDealRows(
    ctx.tx,
    ctx.workspaceId,
    deals.map((d) => d.id),
    { pipelineId: input.to.pipeline_id, stageId: input.to.id, at },
  );
  await enterStages(
    ctx.tx,
    ctx.workspaceId,
    { type: ctx.actor.type, userId: ctx.actor.userId },
    moved.map((d) => ({ id: newId(), dealId: d.id, pipelineId: d.pipeline_id, stageId: d.stage_id, at })),
  );
  const before = new Map(deals.map((d) => [d.id, d]));
  const { inserts } = recordedInserts(
    ctx,
    moved.map((d) => ({
      recordType: 'deal',
      recordId: d.id,
      action: 'update' as const,
      before: { pipelineId: before.get(d.id)?.pipeline_id, stageId: before.get(d.id)?.stage_id },
      after: { pipelineId: d.pipeline_id, stageId: d.stage_id },
    })),
  );
  const names = new Map((await findStageRows(ctx.tx, ctx.workspaceId, [...input.fromStageIds, input.to.id])).map((s) => [s.id, s.name]));
  await insertTogether(ctx.tx, [
    ...inserts,
    timelineInsert(
      ctx,
      moved.map((d) => ({
        recordType: 'deal' as const,
        recordId: d.id,
        kind: 'stage_change' as const,
        data: stageChange(before.get(d.id) as DealRow, d, names),
      })),
    ),
  ]);
  return moved.length;
}
