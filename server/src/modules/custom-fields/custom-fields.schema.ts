import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';

export const customFieldTypes = [
  'text',
  'long_text',
  'number',
  'currency',
  'date',
  'datetime',
  'boolean',
  'single_select',
  'multi_select',
  'url',
  'email',
  'phone',
  'user',
] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

export const customFieldObjects = ['contact', 'company', 'deal'] as const;
export type CustomFieldObject = (typeof customFieldObjects)[number];

const optionSchema = z.object({ value: z.string().trim().min(1).max(100), label: z.string().trim().min(1).max(200) }).strict();

export const customFieldSchema = z
  .object({
    id: uuid(),
    objectType: z.enum(customFieldObjects),
    key: z.string().describe('Stable API name; values live under custom.<key>'),
    label: z.string(),
    type: z.enum(customFieldTypes),
    options: z.array(optionSchema),
    description: z.string().nullable(),
    position: z.number().int(),
    archived: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'CustomField' });

export const createCustomFieldBody = z
  .object({
    objectType: z.enum(customFieldObjects),
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, 'Lower-case letters, digits and _; starting with a letter')
      .optional(),
    label: z.string().trim().min(1).max(200),
    type: z.enum(customFieldTypes),
    options: z.array(optionSchema).max(500).optional(),
    description: z.string().max(2000).optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export const updateCustomFieldBody = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    options: z.array(optionSchema).max(500).optional(),
    description: z.string().max(2000).nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
    archived: z.boolean().optional(),
  })
  .strict();

export const listCustomFieldsQuery = z
  .object({ objectType: z.enum(customFieldObjects).optional(), includeArchived: z.enum(['true', 'false']).optional() })
  .strict();
