import { z } from 'zod';
import { recordListQuery } from '../../http/schemas.ts';
import { uuid } from '../../lib/ids.ts';

export const dealStatuses = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof dealStatuses)[number];

const text = (max = 200) => z.string().trim().max(max);

/** A contact on a deal and the part they play in it. */
export const dealContactSchema = z
  .object({
    contactId: uuid(),
    role: text(100).nullable().optional().describe('e.g. decision maker, champion, technical buyer'),
  })
  .strict();

/** The writable fields of a deal; on update every field is optional and null clears it. */
export const dealWriteSchema = z
  .object({
    name: text().min(1),
    pipelineId: uuid().describe('Defaults to the workspace default pipeline'),
    stageId: uuid().describe("A stage of the deal's pipeline; defaults to its first stage"),
    amount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().describe('In minor units of currency (cents for USD)'),
    currency: z.string().max(3).describe('ISO 4217 code; defaults to the workspace currency'),
    expectedCloseDate: z.iso.date().nullable(),
    probability: z.number().int().min(0).max(100).nullable().describe("Overrides the stage's probability; null uses the stage's"),
    ownerId: uuid().nullable(),
    companyId: uuid().nullable(),
    contacts: z.array(dealContactSchema).max(100).describe('Replaces the contacts on the deal'),
    status: z.enum(dealStatuses),
    lostReason: text(500).nullable().describe('Why a lost deal was lost; cleared when it is reopened or won'),
    externalId: text(200).nullable(),
    custom: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type DealWrite = z.infer<typeof dealWriteSchema>;

/** A deal as the API shows it. */
export const dealSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    pipelineId: uuid(),
    stageId: uuid(),
    amount: z.number().int().nullable(),
    currency: z.string(),
    expectedCloseDate: z.iso.date().nullable(),
    probability: z.number().int().describe("The deal's own probability if overridden, else its stage's"),
    probabilityOverridden: z.boolean(),
    weightedAmount: z.number().int().nullable().describe('round(amount × probability / 100)'),
    ownerId: uuid().nullable(),
    companyId: uuid().nullable(),
    contacts: z.array(z.object({ contactId: uuid(), role: z.string().nullable() })),
    status: z.enum(dealStatuses),
    lostReason: z.string().nullable(),
    closedAt: z.iso.datetime().nullable(),
    stageEnteredAt: z.iso.datetime(),
    rotten: z.boolean().describe("Open and idle (no stage change, no activity) for longer than the stage's rottenDays"),
    externalId: z.string().nullable(),
    custom: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastActivityAt: z.iso.datetime().nullable(),
  })
  .partial()
  .required({ id: true })
  .meta({ id: 'Deal' });

export const listQuery = recordListQuery('Matches a name prefix');

/** The body of PUT /deals/{id}/contacts. */
export const putDealContactsBody = z.object({ contacts: z.array(dealContactSchema).max(100) }).strict();

/** One stay of a deal in a stage. */
export const stageStaySchema = z
  .object({
    id: uuid(),
    pipelineId: uuid(),
    stageId: uuid(),
    stageName: z.string().nullable().describe('Null when the stage has since been removed'),
    enteredAt: z.iso.datetime(),
    leftAt: z.iso.datetime().nullable().describe('Null for the stage the deal is in'),
    durationSeconds: z.number().int().describe('Time spent in the stage (so far, for the current one)'),
    actorType: z.string(),
    actorId: uuid().nullable(),
  })
  .meta({ id: 'DealStageStay' });
