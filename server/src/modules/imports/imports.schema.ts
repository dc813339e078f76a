import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { customFieldTypes } from '../custom-fields/custom-fields.schema.ts';

export const importObjects = ['contacts', 'companies', 'deals', 'activities'] as const;
export type ImportObject = (typeof importObjects)[number];

export const upsertKeys = ['email', 'domain', 'external_id', 'none'] as const;
export type UpsertKey = (typeof upsertKeys)[number];

export const dateFormats = ['auto', 'YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof dateFormats)[number];

export const importEncodings = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;
export const importDelimiters = [',', ';', '\t', '|'] as const;

export const importStatuses = ['draft', 'queued', 'running', 'completed', 'failed', 'cancelled', 'reverting', 'reverted'] as const;

export const mappingEntrySchema = z
  .object({
    column: z.string().describe('The header text of the column'),
    index: z.number().int().min(0).describe('0-based column index'),
    field: z.string().max(120).nullable().describe('A field key (first_name, email, custom.<key> …) or null to skip the column'),
  })
  .strict()
  .meta({ id: 'ImportMappingEntry' });
export type MappingEntry = z.infer<typeof mappingEntrySchema>;

export const importFieldSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    type: z.string().describe('text, email, phone, number, date, datetime, boolean, select, multiselect, user, currency, url …'),
    required: z.boolean(),
    custom: z.boolean(),
  })
  .meta({ id: 'ImportField' });
export type ImportField = z.infer<typeof importFieldSchema>;

export const importProgressSchema = z.object({
  rowsTotal: z.number().int().nullable(),
  rowsDone: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
});

export const importSchema = z
  .object({
    id: uuid(),
    object: z.enum(importObjects),
    status: z.enum(importStatuses),
    fileName: z.string(),
    fileSize: z.number().int(),
    encoding: z.string(),
    delimiter: z.string(),
    headers: z.array(z.string()),
    sampleRows: z.array(z.array(z.string())).describe('The first 5 data rows, raw'),
    mapping: z.array(mappingEntrySchema),
    upsertKey: z.enum(upsertKeys),
    dateFormat: z.enum(dateFormats),
    templateId: uuid().nullable(),
    fields: z.array(importFieldSchema).describe('What columns can map to, for this object'),
    progress: importProgressSchema,
    errorsByKind: z.record(z.string(), z.number().int()),
    error: z.string().nullable().describe('Why a failed import failed'),
    createdBy: uuid().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    revertedAt: z.iso.datetime().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Import' });
export type ImportView = z.infer<typeof importSchema>;

export const patchImportBody = z
  .object({
    mapping: z
      .array(
        z.object({
          column: z.string().max(500).optional(),
          index: z.number().int().min(0).max(10_000),
          field: z.string().max(120).nullable(),
        }),
      )
      .max(10_000)
      .optional(),
    upsertKey: z.enum(upsertKeys).optional(),
    dateFormat: z.enum(dateFormats).optional(),
    encoding: z.enum(importEncodings).optional(),
    delimiter: z.enum(importDelimiters).optional(),
  })
  .strict();

export const dryRunRowSchema = z
  .object({
    row: z.number().int().describe('1-based data row'),
    action: z.enum(['create', 'update', 'unchanged', 'error']),
    values: z
      .record(z.string(), z.unknown())
      .describe(
        'The record as it would be stored, by its column (`first_name`, `owner_id`, …), custom fields under `custom` by key, and the company a row names under `company`; empty for refused and superseded rows',
      ),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
  })
  .meta({ id: 'ImportDryRunRow' });

export const dryRunSchema = z
  .object({
    rows: z.array(dryRunRowSchema),
    counts: z.object({
      rows: z.number().int(),
      create: z.number().int(),
      update: z.number().int(),
      unchanged: z.number().int(),
      error: z.number().int(),
    }),
    errorsByKind: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'ImportDryRun' });
export type DryRun = z.infer<typeof dryRunSchema>;

export const createImportFieldBody = z
  .object({
    column: z.number().int().min(0),
    label: z.string().trim().min(1).max(200).optional(),
    type: z.enum(customFieldTypes).optional(),
  })
  .strict();

export const importTemplateSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    object: z.enum(importObjects),
    mapping: z.array(z.object({ column: z.string(), field: z.string().nullable() })),
    upsertKey: z.enum(upsertKeys),
    dateFormat: z.enum(dateFormats),
    createdBy: uuid().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ImportTemplate' });

export const createTemplateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    object: z.enum(importObjects),
    mapping: z.array(z.object({ column: z.string().max(500), field: z.string().max(120).nullable() }).strict()).max(10_000),
    upsertKey: z.enum(upsertKeys),
    dateFormat: z.enum(dateFormats).default('auto'),
  })
  .strict();

export const saveTemplateBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();
