import { z } from 'zod';
import { pageQuery, recordListQuery } from '../../http/schemas.ts';
import { uuid } from '../../lib/ids.ts';
import { lifecycleStages } from '../../records/record-types.ts';
import { addressSchema } from '../contacts/contacts.schema.ts';

const text = (max = 200) => z.string().trim().max(max);
const nullableText = (max = 200) => text(max).nullable();

/** The writable fields of a company; on update every field is optional and null clears it. */
export const companyWriteSchema = z
  .object({
    name: text().min(1),
    domain: z.string().max(2000).nullable().describe('Website or domain; stored as the bare host, e.g. https://www.Acme.com/x → acme.com'),
    industry: nullableText(),
    employeeCount: z.number().int().min(0).max(100_000_000).nullable(),
    annualRevenue: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable()
      .describe('In minor units of annualRevenueCurrency (cents for USD)'),
    annualRevenueCurrency: z.string().max(3).nullable().describe('ISO 4217 code; defaults to the workspace currency'),
    phone: z.string().max(50).nullable().describe('Parsed to E.164 with the workspace phone region'),
    address: addressSchema,
    parentCompanyId: uuid().nullable(),
    ownerId: uuid().nullable(),
    externalId: nullableText(200),
    custom: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type CompanyWrite = z.infer<typeof companyWriteSchema>;

/** A company as the API shows it. */
export const companySchema = z
  .object({
    id: uuid(),
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    employeeCount: z.number().int().nullable(),
    annualRevenue: z.number().int().nullable(),
    annualRevenueCurrency: z.string().nullable(),
    phone: z.string().nullable(),
    address: z.record(z.string(), z.string().nullable()),
    parentCompanyId: uuid().nullable(),
    ownerId: uuid().nullable(),
    externalId: z.string().nullable(),
    custom: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastActivityAt: z.iso.datetime().nullable(),
  })
  .partial()
  .required({ id: true })
  .meta({ id: 'Company' });

export const listQuery = recordListQuery('Matches a name or domain prefix, or a pasted website');

/** A person at a company: the contact's essentials and their title and role there. */
export const companyContactSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    jobTitle: z.string().nullable(),
    lifecycleStage: z.enum(lifecycleStages),
    ownerId: uuid().nullable(),
    title: z.string().nullable().describe('Their title at this company'),
    role: z.string().nullable().describe('Their role at this company, e.g. decision maker'),
    primary: z.boolean().describe('Whether this is their primary company'),
  })
  .meta({ id: 'CompanyContact' });

/** A deal of a company, as its list shows it. */
export const companyDealSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    pipelineId: uuid(),
    stageId: uuid(),
    amount: z.number().int().nullable(),
    currency: z.string(),
    status: z.enum(['open', 'won', 'lost']),
    ownerId: uuid().nullable(),
    expectedCloseDate: z.iso.date().nullable(),
  })
  .meta({ id: 'CompanyDeal' });

export const companyDealsQuery = pageQuery.extend({ status: z.enum(['open', 'won', 'lost']).optional() }).strict();
