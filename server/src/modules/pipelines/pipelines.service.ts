import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, conflict, type FieldError, notFound, staleWrite, validationFailed } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { moveDealsToStage } from '../deals/deals.write.ts';
import { pipelineAuditFields, pipelineView } from './pipelines.presenter.ts';
import {
  countDealsInStages,
  deletePipelineRow,
  deleteStageRow,
  findPipelineRow,
  findStageRows,
  insertPipelineRow,
  insertStageRows,
  listPipelineRows,
  listStageRows,
  type PipelineRow,
  type StageRow,
  savePipelineRow,
  setDefaultPipeline,
  setStagePositions,
  updateStageRow,
} from './pipelines.repo.ts';
import {
  type addStageBody,
  type createPipelineBody,
  requirableDealFields,
  type StagePatch,
  type StageWrite,
  type updatePipelineBody,
} from './pipelines.schema.ts';

/**
 * The sales pipeline every workspace starts with. Migration 0002 gave workspaces that existed
 * before pipelines the same stages; pipelines.test.ts checks that the two lists agree.
 */
export const defaultSalesPipeline = {
  name: 'Sales pipeline',
  stages: [
    { name: 'Qualified', probability: 10, rottenDays: 30 },
    { name: 'Contact made', probability: 20, rottenDays: 21 },
    { name: 'Demo scheduled', probability: 40, rottenDays: 14 },
    { name: 'Proposal made', probability: 60, rottenDays: 14 },
    { name: 'Negotiations started', probability: 80, rottenDays: 7 },
  ],
} as const;

/** A pipeline and its stages, as loaded for a read or a write. */
export type PipelineWithStages = { pipeline: PipelineRow; stages: StageRow[] };

const present = (p: PipelineWithStages) => pipelineView(p.pipeline, p.stages);

/** Creates the default sales pipeline of a new workspace, in the transaction that creates the workspace. */
export async function createDefaultPipeline(ctx: Ctx): Promise<PipelineWithStages> {
  return insertPipeline(ctx, { name: defaultSalesPipeline.name, isDefault: true, stages: [...defaultSalesPipeline.stages] });
}

async function insertPipeline(ctx: Ctx, input: { name: string; isDefault: boolean; stages: StageWrite[] }): Promise<PipelineWithStages> {
  const pipeline = await insertPipelineRow(ctx.tx, ctx.workspaceId, { id: newId(), name: input.name, isDefault: input.isDefault });
  if (input.isDefault) await setDefaultPipeline(ctx.tx, ctx.workspaceId, pipeline.id);
  await insertStageRows(
    ctx.tx,
    ctx.workspaceId,
    pipeline.id,
    input.stages.map((s, position) => ({
      id: newId(),
      name: s.name,
      position,
      probability: s.probability,
      rotten_days: s.rottenDays ?? null,
      required_fields: s.requiredFields ?? [],
    })),
  );
  const created = { pipeline, stages: await listStageRows(ctx.tx, ctx.workspaceId, [pipeline.id]) };
  await recordWrite(ctx, {
    recordType: 'pipeline',
    recordId: pipeline.id,
    action: 'create',
    before: null,
    after: pipelineAuditFields(present(created)),
  });
  return created;
}

/** The workspace's pipelines with their stages. */
export async function listPipelines(ctx: Ctx): Promise<PipelineWithStages[]> {
  authorize(ctx, 'records.read');
  const pipelines = await listPipelineRows(ctx.tx, ctx.workspaceId);
  const stages = await listStageRows(ctx.tx, ctx.workspaceId);
  return pipelines.map((pipeline) => ({ pipeline, stages: stages.filter((s) => s.pipeline_id === pipeline.id) }));
}

/** One pipeline with its stages, or not_found. */
export async function getPipeline(ctx: Ctx, id: string): Promise<PipelineWithStages> {
  authorize(ctx, 'records.read');
  return loadPipeline(ctx, id, false);
}

async function loadPipeline(ctx: Ctx, id: string, lock: boolean): Promise<PipelineWithStages> {
  const pipeline = await findPipelineRow(ctx.tx, ctx.workspaceId, id, lock);
  if (!pipeline) throw notFound('Pipeline');
  return { pipeline, stages: await listStageRows(ctx.tx, ctx.workspaceId, [id]) };
}

/** Loads a pipeline for a change: admins only, locked, at the version the caller expects. */
async function pipelineForChange(ctx: Ctx, id: string, expectedVersion?: number): Promise<PipelineWithStages> {
  authorize(ctx, 'pipelines.manage');
  const current = await loadPipeline(ctx, id, true);
  if (expectedVersion !== undefined && expectedVersion !== current.pipeline.version) throw staleWrite(current.pipeline.version);
  return current;
}

/** Bumps the pipeline's version, audits the change and returns the pipeline as it now is. */
async function finishChange(ctx: Ctx, before: PipelineWithStages, name = before.pipeline.name): Promise<PipelineWithStages> {
  const pipeline = await savePipelineRow(ctx.tx, ctx.workspaceId, before.pipeline.id, name);
  const after = { pipeline, stages: await listStageRows(ctx.tx, ctx.workspaceId, [pipeline.id]) };
  await recordWrite(ctx, {
    recordType: 'pipeline',
    recordId: pipeline.id,
    action: 'update',
    before: pipelineAuditFields(present(before)),
    after: pipelineAuditFields(present(after)),
  });
  return after;
}

/** Checks stage settings that depend on the workspace: required fields must name deal fields. */
async function checkRequiredFields(ctx: Ctx, fields: string[] | undefined, path: string): Promise<FieldError[]> {
  if (!fields || fields.length === 0) return [];
  const custom = new Set(
    (await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'deal')).filter((d) => !d.archived_at).map((d) => `custom.${d.key}`),
  );
  const standard = new Set<string>(requirableDealFields);
  return fields.flatMap((f, i) =>
    standard.has(f) || custom.has(f)
      ? []
      : [
          {
            field: `${path}[${i}]`,
            message: `Not a deal field a stage can require: use ${requirableDealFields.join(', ')} or custom.<key>`,
          },
        ],
  );
}

const unique = (fields: string[] | undefined) => (fields ? [...new Set(fields)] : undefined);

/** Creates a pipeline with its stages (admins). */
export async function createPipeline(ctx: Ctx, input: z.infer<typeof createPipelineBody>): Promise<PipelineWithStages> {
  authorize(ctx, 'pipelines.manage');
  const errors: FieldError[] = [];
  for (const [i, s] of input.stages.entries())
    errors.push(...(await checkRequiredFields(ctx, s.requiredFields, `body.stages[${i}].requiredFields`)));
  const names = input.stages.map((s) => s.name.toLowerCase());
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) errors.push({ field: `body.stages[${i}].name`, message: 'Another stage of this pipeline has this name' });
  });
  if (errors.length > 0) throw validationFailed('The pipeline is not valid', errors);
  return insertPipeline(ctx, {
    name: input.name,
    isDefault: input.isDefault ?? false,
    stages: input.stages.map((s) => ({ ...s, requiredFields: unique(s.requiredFields) })),
  });
}

/** Renames a pipeline or makes it the default (admins). */
export async function updatePipeline(
  ctx: Ctx,
  input: { id: string; patch: z.infer<typeof updatePipelineBody>; expectedVersion?: number },
): Promise<PipelineWithStages> {
  const current = await pipelineForChange(ctx, input.id, input.expectedVersion);
  if (input.patch.isDefault) await setDefaultPipeline(ctx.tx, ctx.workspaceId, current.pipeline.id);
  return finishChange(ctx, current, input.patch.name ?? current.pipeline.name);
}

/**
 * Deletes a pipeline (admins). Its deals, trashed ones included, must go somewhere: with none
 * the deletion is refused (409) unless `moveTo` names a stage of another pipeline that takes them.
 * The default pipeline cannot be deleted; make another one the default first.
 */
export async function deletePipeline(ctx: Ctx, input: { id: string; moveTo?: string; expectedVersion?: number }): Promise<void> {
  const current = await pipelineForChange(ctx, input.id, input.expectedVersion);
  if (current.pipeline.is_default) throw conflict('The default pipeline cannot be deleted; make another pipeline the default first');
  const stageIds = current.stages.map((s) => s.id);
  const deals = await countDealsInStages(ctx.tx, ctx.workspaceId, stageIds);
  if (input.moveTo) {
    const [target] = await findStageRows(ctx.tx, ctx.workspaceId, [input.moveTo]);
    if (!target || target.pipeline_id === current.pipeline.id) {
      throw validationFailed('Deals can only move to a stage of another pipeline', [
        { field: 'query.moveTo', message: target ? 'This stage is in the pipeline being deleted' : 'No such stage' },
      ]);
    }
    await moveDealsToStage(ctx, { fromStageIds: stageIds, to: target });
  } else if (deals > 0) {
    throw conflict(`The pipeline has ${deals} deal(s); name a stage of another pipeline to move them to with ?moveTo=`, [
      { field: 'query.moveTo', message: 'Required while the pipeline has deals', code: 'required' },
    ]);
  }
  await deletePipelineRow(ctx.tx, ctx.workspaceId, current.pipeline.id);
  await recordWrite(ctx, {
    recordType: 'pipeline',
    recordId: current.pipeline.id,
    action: 'delete',
    before: pipelineAuditFields(present(current)),
    after: null,
  });
}

/** Adds a stage to a pipeline (admins), at the end or at `position`; later stages move down. */
export async function addStage(ctx: Ctx, input: { pipelineId: string; stage: z.infer<typeof addStageBody>; expectedVersion?: number }) {
  const current = await pipelineForChange(ctx, input.pipelineId, input.expectedVersion);
  const { position, ...stage } = input.stage;
  const errors = await checkRequiredFields(ctx, stage.requiredFields, 'body.requiredFields');
  if (current.stages.some((s) => s.name.toLowerCase() === stage.name.toLowerCase())) {
    errors.push({ field: 'body.name', message: 'Another stage of this pipeline has this name' });
  }
  if (errors.length > 0) throw validationFailed('The stage is not valid', errors);
  const id = newId();
  const at = Math.min(position ?? current.stages.length, current.stages.length);
  await insertStageRows(ctx.tx, ctx.workspaceId, current.pipeline.id, [
    {
      id,
      name: stage.name,
      position: current.stages.length,
      probability: stage.probability,
      rotten_days: stage.rottenDays ?? null,
      required_fields: unique(stage.requiredFields) ?? [],
    },
  ]);
  const order = current.stages.map((s) => s.id);
  order.splice(at, 0, id);
  await setStagePositions(ctx.tx, ctx.workspaceId, current.pipeline.id, order);
  const after = await finishChange(ctx, current);
  return { ...after, stage: after.stages.find((s) => s.id === id) as StageRow };
}

function stageOf(p: PipelineWithStages, stageId: string): StageRow {
  const stage = p.stages.find((s) => s.id === stageId);
  if (!stage) throw notFound('Stage');
  return stage;
}

/** Renames a stage or changes its probability, rotten-after days or required fields (admins). */
export async function updateStage(ctx: Ctx, input: { pipelineId: string; stageId: string; patch: StagePatch; expectedVersion?: number }) {
  const current = await pipelineForChange(ctx, input.pipelineId, input.expectedVersion);
  const stage = stageOf(current, input.stageId);
  const p = input.patch;
  const errors = await checkRequiredFields(ctx, p.requiredFields, 'body.requiredFields');
  if (p.name && current.stages.some((s) => s.id !== stage.id && s.name.toLowerCase() === p.name?.toLowerCase())) {
    errors.push({ field: 'body.name', message: 'Another stage of this pipeline has this name' });
  }
  if (errors.length > 0) throw validationFailed('The stage is not valid', errors);
  await updateStageRow(ctx.tx, ctx.workspaceId, {
    id: stage.id,
    name: p.name ?? stage.name,
    probability: p.probability ?? stage.probability,
    rotten_days: p.rottenDays === undefined ? stage.rotten_days : p.rottenDays,
    required_fields: unique(p.requiredFields) ?? stage.required_fields,
  });
  const after = await finishChange(ctx, current);
  return { ...after, stage: stageOf(after, stage.id) };
}

/** Puts a pipeline's stages in a new order (admins); `stageIds` must list each of its stages once. */
export async function reorderStages(ctx: Ctx, input: { pipelineId: string; stageIds: string[]; expectedVersion?: number }) {
  const current = await pipelineForChange(ctx, input.pipelineId, input.expectedVersion);
  const mine = new Set(current.stages.map((s) => s.id));
  const given = new Set(input.stageIds);
  if (given.size !== input.stageIds.length || given.size !== mine.size || ![...given].every((id) => mine.has(id))) {
    throw validationFailed('List every stage of the pipeline exactly once', [
      { field: 'body.stageIds', message: `Expected the ${mine.size} stage ids of this pipeline, each once` },
    ]);
  }
  await setStagePositions(ctx.tx, ctx.workspaceId, current.pipeline.id, input.stageIds);
  return finishChange(ctx, current);
}

/**
 * Removes a stage (admins). Its deals, trashed ones included, move to `moveTo` (any stage of any
 * pipeline but this one), which is required when it has deals; their stage history records the move.
 */
export async function removeStage(ctx: Ctx, input: { pipelineId: string; stageId: string; moveTo?: string; expectedVersion?: number }) {
  const current = await pipelineForChange(ctx, input.pipelineId, input.expectedVersion);
  const stage = stageOf(current, input.stageId);
  if (current.stages.length === 1) throw conflict('A pipeline keeps at least one stage; delete the pipeline instead');
  const deals = await countDealsInStages(ctx.tx, ctx.workspaceId, [stage.id]);
  if (input.moveTo) {
    const [target] = await findStageRows(ctx.tx, ctx.workspaceId, [input.moveTo]);
    if (!target || target.id === stage.id) {
      throw validationFailed('Deals can only move to another stage', [
        { field: 'query.moveTo', message: target ? 'This is the stage being removed' : 'No such stage' },
      ]);
    }
    await moveDealsToStage(ctx, { fromStageIds: [stage.id], to: target });
  } else if (deals > 0) {
    throw new AppError('conflict', `The stage has ${deals} deal(s); name the stage to move them to with ?moveTo=`, [
      { field: 'query.moveTo', message: 'Required while the stage has deals', code: 'required' },
    ]);
  }
  await deleteStageRow(ctx.tx, ctx.workspaceId, stage.id);
  await setStagePositions(
    ctx.tx,
    ctx.workspaceId,
    current.pipeline.id,
    current.stages.filter((s) => s.id !== stage.id).map((s) => s.id),
  );
  return finishChange(ctx, current);
}
