import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { normaliseCurrency } from '../companies/companies.normalize.ts';
import { existingCompanyIds } from '../contacts/contacts.repo.ts';
import { type CustomFieldRow, listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { applyCustomValues, memberIds } from '../custom-fields/custom-fields.values.ts';
import { listPipelineRows, listStageRows, type PipelineRow, type StageRow } from '../pipelines/pipelines.repo.ts';
import type { WorkspaceSettings } from '../workspaces/workspaces.repo.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { type DealContactRow, type DealRow, type DealValues, dealContactsOf, liveContactIds } from './deals.repo.ts';
import type { DealWrite } from './deals.schema.ts';

/** What validating deal writes needs from the workspace, loaded once per request or batch. */
export type DealWriteEnv = {
  now: Date;
  settings: WorkspaceSettings;
  members: Set<string>;
  customDefs: CustomFieldRow[];
  pipelines: PipelineRow[];
  stages: StageRow[];
  /** The live companies and contacts among those the inputs link to. */
  companyIds: Set<string>;
  contactIds: Set<string>;
  /** The contacts on the deals being updated, by deal id. */
  currentContacts: Map<string, DealContactRow[]>;
};

/** Loads the workspace defaults, members, deal custom fields, pipelines, and what `inputs` link to. */
export async function dealWriteEnv(ctx: Ctx, inputs: DealWrite[], currentIds: string[]): Promise<DealWriteEnv> {
  const companies = [...new Set(inputs.flatMap((i) => (i.companyId ? [i.companyId] : [])))];
  const contacts = [...new Set(inputs.flatMap((i) => i.contacts?.map((c) => c.contactId) ?? []))];
  // One after another: a transaction is one connection.
  const workspace = await findWorkspace(ctx.tx, ctx.workspaceId);
  const members = await memberIds(ctx.tx, ctx.workspaceId);
  const customDefs = await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'deal');
  const pipelines = await listPipelineRows(ctx.tx, ctx.workspaceId);
  const stages = await listStageRows(ctx.tx, ctx.workspaceId);
  const companyIds = await existingCompanyIds(ctx.tx, ctx.workspaceId, companies);
  const contactIds = await liveContactIds(ctx.tx, ctx.workspaceId, contacts);
  const currentContacts = new Map<string, DealContactRow[]>(currentIds.map((id) => [id, []]));
  for (const c of await dealContactsOf(ctx.tx, ctx.workspaceId, currentIds)) currentContacts.get(c.deal_id)?.push(c);
  return {
    now: new Date(),
    settings: { ...defaultWorkspaceSettings, ...workspace?.settings },
    members,
    customDefs,
    pipelines,
    stages,
    companyIds,
    contactIds,
    currentContacts,
  };
}

/** A validated deal write: the row values, and the full new contact list when the write sets one. */
export type DealPlan = { values: DealValues; contacts?: { contactId: string; role: string | null }[] };

/**
 * Validates and normalises a create (no `current`) or an update of `current`, collecting every
 * field error into one 400. A deal entering a stage (created in it or moved to it) must then have
 * every field the stage requires, or the write is a 422 `stage_requirements` naming each missing one.
 */
export function planDeal(ctx: Ctx, env: DealWriteEnv, input: DealWrite, current?: DealRow): DealPlan {
  const errors: FieldError[] = [];
  const name = input.name ?? current?.name;
  if (!name) errors.push({ field: 'body.name', message: 'A deal needs a name' });

  const defaultPipeline = env.pipelines.find((p) => p.is_default) ?? env.pipelines[0];
  const pipelineId = input.pipelineId ?? current?.pipeline_id ?? defaultPipeline?.id;
  const pipelineStages = env.stages.filter((s) => s.pipeline_id === pipelineId).sort((a, b) => a.position - b.position);
  if (!pipelineId || !env.pipelines.some((p) => p.id === pipelineId)) {
    errors.push({ field: 'body.pipelineId', message: pipelineId ? 'No such pipeline' : 'The workspace has no pipeline; create one first' });
  }
  const movedPipeline = current !== undefined && pipelineId !== current.pipeline_id;
  const stageId = input.stageId ?? (current && !movedPipeline ? current.stage_id : pipelineStages[0]?.id);
  const stage = pipelineStages.find((s) => s.id === stageId);
  if (!stage && pipelineStages.length > 0) {
    const elsewhere = env.stages.some((s) => s.id === stageId);
    errors.push({ field: 'body.stageId', message: elsewhere ? 'This stage belongs to another pipeline' : 'No such stage' });
  }

  let currency = current?.currency ?? env.settings.currency;
  if (input.currency !== undefined) {
    const code = normaliseCurrency(input.currency);
    if (code) currency = code;
    else errors.push({ field: 'body.currency', message: 'Not an ISO 4217 currency code, like USD' });
  }

  const ownerId = input.ownerId === undefined ? (current ? current.owner_id : ctx.actor.userId) : input.ownerId;
  if (ownerId && ownerId !== current?.owner_id && !env.members.has(ownerId)) {
    errors.push({ field: 'body.ownerId', message: 'Not a member of this workspace' });
  }
  const companyId = input.companyId === undefined ? (current?.company_id ?? null) : input.companyId;
  if (companyId && companyId !== current?.company_id && !env.companyIds.has(companyId)) {
    errors.push({ field: 'body.companyId', message: 'No such company', code: 'not_found' });
  }
  let contacts: DealPlan['contacts'];
  if (input.contacts) {
    input.contacts.forEach((c, i) => {
      if (!env.contactIds.has(c.contactId))
        errors.push({ field: `body.contacts[${i}].contactId`, message: 'No such contact', code: 'not_found' });
    });
    contacts = [...new Map(input.contacts.map((c) => [c.contactId, { contactId: c.contactId, role: c.role ?? null }])).values()];
  }

  const custom = applyCustomValues(env.customDefs, current?.custom ?? {}, input.custom, {
    currency: env.settings.currency,
    phoneRegion: env.settings.phoneRegion,
    memberIds: env.members,
  });
  errors.push(...custom.errors);
  if (errors.length > 0) throw new AppError('validation_failed', 'The deal is not valid', errors);

  const status = input.status ?? current?.status ?? 'open';
  const closing = status !== 'open' && status !== current?.status;
  const keep = <K extends keyof DealWrite>(k: K, col: keyof DealRow) =>
    (input[k] === undefined ? (current?.[col] ?? null) : (input[k] ?? null)) as never;
  const enteringStage = !current || current.stage_id !== stageId;
  const values: DealValues = {
    name: name as string,
    pipeline_id: pipelineId as string,
    stage_id: stageId as string,
    amount: keep('amount', 'amount'),
    currency,
    expected_close_date: keep('expectedCloseDate', 'expected_close_date'),
    probability: keep('probability', 'probability'),
    owner_id: ownerId ?? null,
    company_id: companyId,
    status,
    lost_reason: status === 'lost' ? keep('lostReason', 'lost_reason') : null,
    closed_at: status === 'open' ? null : closing ? env.now : (current?.closed_at ?? env.now),
    stage_entered_at: enteringStage ? env.now : (current as DealRow).stage_entered_at,
    external_id: keep('externalId', 'external_id'),
    custom: custom.values,
  };
  if (enteringStage && stage) {
    const linked = contacts ?? (current ? (env.currentContacts.get(current.id) ?? []) : []);
    checkStageRequirements(stage, values, linked.length);
  }
  return { values, contacts };
}

/** Whether a deal field a stage may require is empty. */
function isEmpty(field: string, values: DealValues, contactCount: number): boolean {
  if (field === 'contacts') return contactCount === 0;
  if (field.startsWith('custom.')) {
    const v = values.custom[field.slice(7)];
    return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  }
  const column: Record<string, keyof DealValues> = {
    amount: 'amount',
    expectedCloseDate: 'expected_close_date',
    ownerId: 'owner_id',
    companyId: 'company_id',
    probability: 'probability',
    externalId: 'external_id',
  };
  const col = column[field];
  return col !== undefined && (values[col] === null || values[col] === '');
}

function checkStageRequirements(stage: StageRow, values: DealValues, contactCount: number): void {
  const missing = stage.required_fields.filter((f) => isEmpty(f, values, contactCount));
  if (missing.length === 0) return;
  throw new AppError(
    'stage_requirements',
    `A deal needs ${missing.join(', ')} to enter the stage ${stage.name}`,
    missing.map((f) => ({ field: `body.${f}`, message: `Required to enter the stage ${stage.name}`, code: 'required_by_stage' })),
  );
}
