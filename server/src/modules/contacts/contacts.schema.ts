import { z } from 'zod';
import { recordListQuery } from '../../http/schemas.ts';
import { uuid } from '../../lib/ids.ts';
import { consentStates, lifecycleStages } from '../../records/record-types.ts';

const text = (max = 200) => z.string().trim().max(max);
const nullableText = (max = 200) => text(max).nullable();

export const addressSchema = z
  .object({
    street: nullableText(500).optional(),
    city: nullableText().optional(),
    region: nullableText().optional(),
    postalCode: nullableText(40).optional(),
    country: nullableText(100).optional(),
  })
  .strict()
  .meta({ id: 'Address' });

const utmSchema = z
  .object({
    source: nullableText().optional(),
    medium: nullableText().optional(),
    campaign: nullableText().optional(),
    term: nullableText().optional(),
    content: nullableText().optional(),
  })
  .strict();

const emailInput = z.object({ address: z.string().max(254), label: text(50).optional(), primary: z.boolean().optional() }).strict();
const phoneInput = z.object({ number: z.string().max(50), label: text(50).optional(), primary: z.boolean().optional() }).strict();
const companyLinkInput = z
  .object({ companyId: uuid(), title: nullableText().optional(), role: nullableText().optional(), primary: z.boolean().optional() })
  .strict();
const consentInput = z
  .object({
    state: z.enum(consentStates),
    method: z.enum(['form', 'import', 'api', 'manual']).optional(),
    source: text(2000).optional(),
    textVersion: text(200).optional(),
  })
  .strict();

/** The writable fields of a contact; on update every field is optional and null clears it. */
export const contactWriteSchema = z
  .object({
    firstName: nullableText(),
    lastName: nullableText(),
    email: z.string().max(254).nullable().describe('Shorthand for the primary email'),
    emails: z.array(emailInput).max(20),
    phone: z.string().max(50).nullable().describe('Shorthand for the primary phone, parsed to E.164'),
    phones: z.array(phoneInput).max(20),
    jobTitle: nullableText(),
    ownerId: uuid().nullable(),
    lifecycleStage: z.enum(lifecycleStages),
    leadSource: nullableText(),
    utm: utmSchema,
    tags: z.array(text(100).min(1)).max(100),
    address: addressSchema,
    timezone: nullableText(64),
    consent: z.object({ email: consentInput.optional(), sms: consentInput.optional() }).strict(),
    companies: z.array(companyLinkInput).max(50),
    externalId: nullableText(200),
    custom: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type ContactWrite = z.infer<typeof contactWriteSchema>;

const consentState = z.object({
  state: z.enum(consentStates),
  updatedAt: z.iso.datetime().nullable(),
  method: z.string().nullable(),
  source: z.string().nullable(),
  textVersion: z.string().nullable(),
});

/** A contact as the API shows it. */
export const contactSchema = z
  .object({
    id: uuid(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    emails: z.array(z.object({ address: z.string(), label: z.string().nullable(), primary: z.boolean() })),
    phone: z.string().nullable(),
    phones: z.array(z.object({ number: z.string(), raw: z.string(), label: z.string().nullable(), primary: z.boolean() })),
    jobTitle: z.string().nullable(),
    ownerId: uuid().nullable(),
    lifecycleStage: z.enum(lifecycleStages),
    lifecycleChangedAt: z.iso.datetime(),
    leadSource: z.string().nullable(),
    utm: z.record(z.string(), z.string().nullable()),
    tags: z.array(z.string()),
    address: z.record(z.string(), z.string().nullable()),
    timezone: z.string().nullable(),
    consent: z.object({ email: consentState, sms: consentState }),
    companies: z.array(
      z.object({ companyId: uuid(), name: z.string(), title: z.string().nullable(), role: z.string().nullable(), primary: z.boolean() }),
    ),
    externalId: z.string().nullable(),
    custom: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    lastActivityAt: z.iso.datetime().nullable(),
  })
  .partial()
  .required({ id: true })
  .meta({ id: 'Contact' });

export const listQuery = recordListQuery('Matches name, email or phone');
