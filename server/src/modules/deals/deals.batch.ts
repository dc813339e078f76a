import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId, uuid } from '../../lib/ids.ts';
import { can } from '../../policies.ts';
import { BATCH_LIMIT, type BatchItemResult } from '../contacts/contacts.batch.ts';
import { type DealPlan, dealWriteEnv, planDeal } from './deals.plan.ts';
import { type DealRow, findLiveDealRows } from './deals.repo.ts';
import { type DealWrite, dealWriteSchema } from './deals.schema.ts';
import { applyDealWrites } from './deals.write.ts';

export const batchCreateDealsBody = z
  .object({ inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(BATCH_LIMIT).describe('Deal objects, as for POST /deals') })
  .strict();
export const batchUpsertDealsBody = z
  .object({
    idProperty: z.enum(['externalId']).describe('Which field identifies an existing deal'),
    inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(BATCH_LIMIT),
  })
  .strict();

type Target = { id: string; plan?: DealPlan; current?: DealRow; state?: DealRow };

const zodErrors = (err: z.ZodError): FieldError[] =>
  err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: ['body', ...i.path.map(String), k].join('.'), message: 'Unknown field' }))
      : [{ field: ['body', ...i.path.map(String)].join('.'), message: i.message }],
  );

/**
 * Creates, updates or upserts (by external id) up to 1,000 deals in one transaction. Each item is
 * validated on its own: a bad item is reported with its errors and never written; the good items
 * are all written, with a fixed number of statements. Items naming the same deal apply in order.
 */
export async function batchWriteDeals(
  ctx: Ctx,
  request:
    | { mode: 'create' }
    | { mode: 'update'; inputs: { id: string; properties: unknown }[] }
    | { mode: 'upsert'; idProperty: 'externalId' },
  rawInputs: unknown[],
): Promise<{ results: BatchItemResult[]; rows: DealRow[] }> {
  const parsed = rawInputs.map((raw) =>
    dealWriteSchema.safeParse(request.mode === 'update' ? (raw as { properties: unknown }).properties : raw),
  );
  const valid = parsed.flatMap((p) => (p.success ? [p.data] : []));
  const keys =
    request.mode === 'update'
      ? rawInputs.map((r) => String((r as { id: unknown }).id)).filter((id) => uuid().safeParse(id).success)
      : request.mode === 'upsert'
        ? valid.flatMap((i) => (i.externalId?.trim() ? [i.externalId.trim()] : []))
        : [];
  const existing = await findLiveDealRows(ctx.tx, ctx.workspaceId, request.mode === 'upsert' ? 'external_id' : 'id', keys);
  const env = await dealWriteEnv(
    ctx,
    valid,
    existing.map((r) => r.id),
  );
  const byKey = new Map<string, Target>();
  for (const row of existing)
    byKey.set(request.mode === 'upsert' ? (row.external_id as string) : row.id, { id: row.id, current: row, state: row });
  const externalIds = await externalIdOwners(ctx, valid);

  const targets = new Map<string, Target>();
  const results: BatchItemResult[] = [];
  parsed.forEach((p, index) => {
    if (!p.success) {
      results.push({ index, status: 'error', code: 'validation_failed', message: 'The deal is not valid', errors: zodErrors(p.error) });
      return;
    }
    const input = p.data;
    try {
      let target: Target | undefined;
      if (request.mode === 'update') {
        target = byKey.get(String((rawInputs[index] as { id: unknown }).id));
        if (!target) throw new AppError('not_found', 'Deal not found');
      } else if (request.mode === 'upsert') {
        const key = input.externalId?.trim();
        if (!key)
          throw new AppError('validation_failed', 'Upsert by externalId needs one', [
            { field: 'body.externalId', message: 'Required for this upsert' },
          ]);
        target = byKey.get(key);
        if (!target) {
          target = { id: newId() };
          byKey.set(key, target);
        }
      } else target = { id: newId() };
      const isNew = !target.current && !target.plan;
      checkAccess(ctx, input, target);
      const plan = planDeal(ctx, env, input, target.state);
      const externalId = plan.values.external_id;
      if (externalId) {
        const owner = externalIds.get(externalId);
        if (owner && owner !== target.id) {
          throw new AppError('conflict', 'Another deal has this external id', [
            { field: 'body.externalId', message: 'Already used', code: 'duplicate' },
          ]);
        }
        externalIds.set(externalId, target.id);
      }
      // Moving away and back within one batch is no move: the deal keeps the time it entered the stage.
      if (target.current && target.current.stage_id === plan.values.stage_id)
        plan.values.stage_entered_at = target.current.stage_entered_at;
      target.plan = { ...plan, contacts: plan.contacts ?? target.plan?.contacts };
      target.state = { ...(target.state ?? placeholderRow(target.id)), ...plan.values };
      targets.set(target.id, target);
      results.push({ index, status: isNew ? 'created' : 'updated', id: target.id });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ index, status: 'error', code: err.code, message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
    }
  });
  const rows = await applyDealWrites(
    ctx,
    [...targets.values()].map((t) => ({ id: t.id, plan: t.plan as DealPlan, current: t.current })),
  );
  return { results, rows };
}

function checkAccess(ctx: Ctx, input: DealWrite, target: Target): void {
  const owner = target.state?.owner_id ?? null;
  const allowed = !target.current
    ? can(ctx, 'records.create') && (!input.ownerId || input.ownerId === ctx.actor.userId || can(ctx, 'records.reassign'))
    : can(ctx, 'records.update', { ownerId: target.current.owner_id }) &&
      (input.ownerId === undefined || input.ownerId === owner || can(ctx, 'records.reassign'));
  if (!allowed) throw new AppError('forbidden', `Your role (${ctx.role}) does not allow this change`);
}

/** Which live deal currently holds each external id named by the inputs. */
async function externalIdOwners(ctx: Ctx, inputs: DealWrite[]): Promise<Map<string, string>> {
  const ids = [...new Set(inputs.flatMap((i) => (i.externalId?.trim() ? [i.externalId.trim()] : [])))];
  const rows = await findLiveDealRows(ctx.tx, ctx.workspaceId, 'external_id', ids);
  return new Map(rows.map((r) => [r.external_id as string, r.id]));
}

/** The state a deal created earlier in the same batch is planned from by later items. */
function placeholderRow(id: string): DealRow {
  const now = new Date();
  return {
    workspace_id: '',
    id,
    name: '',
    pipeline_id: '',
    stage_id: '',
    amount: null,
    currency: '',
    expected_close_date: null,
    probability: null,
    owner_id: null,
    company_id: null,
    status: 'open',
    lost_reason: null,
    closed_at: null,
    stage_entered_at: now,
    external_id: null,
    custom: {},
    version: 0,
    created_at: now,
    updated_at: now,
    last_activity_at: null,
    deleted_at: null,
  };
}
