import { z } from 'zod';
import { filterGroupsSchema } from '../../lib/filters.ts';
import { uuid } from '../../lib/ids.ts';
import { sortSchema } from '../../lib/record-list.ts';

/** The body of POST /<records>/export: the list's filters, order and columns, as its search and saved views name them. */
export const listExportBody = z
  .object({
    filterGroups: filterGroupsSchema.optional().describe('As POST /<records>/search; defaults to the view’s, else every record'),
    sort: sortSchema.optional().describe('As POST /<records>/search; defaults to the view’s'),
    columns: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(200)
      .optional()
      .describe('Field keys in order (custom fields as custom.<key>); defaults to the view’s columns, else every column'),
  })
  .strict()
  .meta({ id: 'ListExportRequest' });

/** `?view=` of a list export: a saved view whose filters, order and columns the export starts from. */
export const listExportQuery = z.object({ view: uuid('Not a valid view id').optional() }).strict();

/** The CSV answer of a list export. */
export const csvResponse = {
  description: 'CSV (RFC 4180, UTF-8 with a byte order mark), streamed; headers are the fields’ labels',
  content: { 'text/csv': { schema: z.any() } },
};

/** The zip answer of a workspace export. */
export const zipResponse = {
  description: 'A zip: manifest.json, README.txt, workspace.json, one CSV per record type, one JSON Lines file per table under data/',
  content: { 'application/zip': { schema: z.any() } },
};

/** The media types a restore accepts for the zip it is sent. */
export const zipMediaTypes = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];

const person = z.object({ email: z.string(), name: z.string() });

/** The answer of POST /workspace/import. */
export const restoreReportSchema = z
  .object({
    source: z.object({ workspaceId: z.string(), name: z.string(), exportedAt: z.string() }),
    restored: z.record(z.string(), z.number().int()).describe('Rows restored per table'),
    users: z.object({
      mapped: z.array(person).describe('People of the backup who are members here, by email: their records keep them'),
      missing: z.array(person).describe('People of the backup who are not members here: their records have no owner'),
    }),
    viewsReassigned: z.number().int().describe('Saved views of missing people, now belonging to the person who restored'),
    webhooksDisabled: z
      .number()
      .int()
      .describe('Webhook subscriptions restored disabled with a new signing secret (a backup carries none): rotate, share, enable'),
    formsWithNewPublicId: z
      .array(z.object({ id: z.string(), name: z.string(), publicId: z.string() }))
      .describe('Forms whose public id another form on this server already has: they got a new one, so copy their embed code again'),
  })
  .meta({ id: 'WorkspaceRestoreReport' });
