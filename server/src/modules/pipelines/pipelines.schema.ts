import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';

/** The fields of a deal a stage can require besides its custom fields (`custom.<key>`). */
export const requirableDealFields = [
  'amount',
  'expectedCloseDate',
  'ownerId',
  'companyId',
  'probability',
  'externalId',
  'contacts',
] as const;

const stageName = z.string().trim().min(1).max(100);
const probability = z.number().int().min(0).max(100).describe('Default win probability of deals in this stage, 0–100');
const rottenDays = z
  .number()
  .int()
  .min(1)
  .max(3650)
  .nullable()
  .describe('An open deal idle in this stage for longer than this many days is rotten; null never');
const requiredFields = z
  .array(z.string().max(120))
  .max(50)
  .describe(`Deal fields that must be filled for a deal to enter the stage: ${requirableDealFields.join(', ')} or custom.<key>`);

/** A new stage, alone or in a new pipeline. */
export const stageWriteSchema = z
  .object({ name: stageName, probability, rottenDays: rottenDays.optional(), requiredFields: requiredFields.optional() })
  .strict();
export type StageWrite = z.infer<typeof stageWriteSchema>;

/** The body of POST /pipelines/{id}/stages: a stage, appended unless `position` (0-based) says where. */
export const addStageBody = stageWriteSchema.extend({ position: z.number().int().min(0).optional() }).strict();

/** The body of PATCH /pipelines/{id}/stages/{stageId}. */
export const updateStageBody = z.object({ name: stageName, probability, rottenDays, requiredFields }).partial().strict();
export type StagePatch = z.infer<typeof updateStageBody>;

/** The body of POST /pipelines. */
export const createPipelineBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    isDefault: z.boolean().optional().describe('Make it the pipeline new deals go to when none is named'),
    stages: z.array(stageWriteSchema).min(1).max(50).describe('Its stages, in order'),
  })
  .strict();

/** The body of PATCH /pipelines/{id}. */
export const updatePipelineBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    isDefault: z.literal(true).describe('Make this the default pipeline (the previous default stops being it)'),
  })
  .partial()
  .strict();

/** The body of POST /pipelines/{id}/stages/reorder. */
export const reorderStagesBody = z
  .object({ stageIds: z.array(uuid()).min(1).max(50).describe('Every stage id of the pipeline, in the new order') })
  .strict();

export const stageParams = z.object({ id: uuid('Not a valid id'), stageId: uuid('Not a valid id') }).strict();

/** `?moveTo=` of a delete: the stage that takes the deals of what is deleted. */
export const moveToQuery = z
  .object({ moveTo: uuid('Not a valid stage id').optional().describe('The stage that receives the deals (required when there are any)') })
  .strict();

/** A stage as the API shows it. */
export const stageSchema = z
  .object({
    id: uuid(),
    pipelineId: uuid(),
    name: z.string(),
    position: z.number().int(),
    probability: z.number().int(),
    rottenDays: z.number().int().nullable(),
    requiredFields: z.array(z.string()),
  })
  .meta({ id: 'PipelineStage' });

/** A pipeline with its stages in order. */
export const pipelineSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    position: z.number().int(),
    isDefault: z.boolean(),
    stages: z.array(stageSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Pipeline' });
