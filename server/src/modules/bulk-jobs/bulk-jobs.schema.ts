import { z } from 'zod';
import { filterGroupsSchema } from '../../lib/filters.ts';
import { uuid } from '../../lib/ids.ts';

export const bulkObjectTypes = ['contact', 'company', 'deal'] as const;

export const createBulkJobBody = z
  .object({
    objectType: z.enum(bulkObjectTypes),
    operation: z.enum(['update', 'delete']),
    filterGroups: filterGroupsSchema.refine(
      (g) => g.length > 0,
      'Give at least one filter group; a bulk job never runs on everything by accident',
    ),
    patch: z.record(z.string(), z.unknown()).optional().describe('For update: the fields to set on every matching record'),
  })
  .strict();

export const bulkJobSchema = z
  .object({
    id: uuid(),
    objectType: z.string(),
    operation: z.enum(['update', 'delete']),
    filterGroups: z.array(z.unknown()),
    patch: z.record(z.string(), z.unknown()).nullable(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    total: z.number().int().nullable(),
    processed: z.number().int(),
    failed: z.number().int(),
    progress: z.number().describe('0 to 1'),
    error: z.string().nullable(),
    createdBy: uuid().nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BulkJob' });
