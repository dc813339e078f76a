import { z } from 'zod';
import { pageQuery } from '../../http/schemas.ts';
import { filterGroupsSchema } from '../../lib/filters.ts';
import { uuid } from '../../lib/ids.ts';
import { sortSchema } from '../../lib/record-list.ts';

export const viewObjectTypes = ['contact', 'company', 'deal', 'activity', 'task'] as const;
export type ViewObjectType = (typeof viewObjectTypes)[number];

const columns = z
  .array(z.string().min(1).max(100))
  .max(200)
  .describe('Visible columns in order: field names, custom fields as custom.<key>');

/** A saved view to create. */
export const viewCreateSchema = z
  .object({
    objectType: z.enum(viewObjectTypes),
    name: z.string().trim().min(1).max(100),
    filterGroups: filterGroupsSchema.default([]),
    sort: sortSchema.default([]),
    columns: columns.default([]),
    visibility: z.enum(['private', 'workspace']).default('private').describe('private: only you; workspace: everyone in the workspace'),
  })
  .strict();
export type ViewCreate = z.infer<typeof viewCreateSchema>;

/** A change to a saved view; the object type is fixed. */
export const viewUpdateSchema = viewCreateSchema.omit({ objectType: true }).partial().strict();
export type ViewUpdate = z.infer<typeof viewUpdateSchema>;

/** A saved view as the API shows it. */
export const viewSchema = z
  .object({
    id: uuid(),
    objectType: z.enum(viewObjectTypes),
    name: z.string(),
    filterGroups: filterGroupsSchema,
    sort: sortSchema,
    columns: z.array(z.string()),
    visibility: z.enum(['private', 'workspace']),
    ownerId: uuid(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SavedView' });

export const viewListQuery = pageQuery.extend({ objectType: z.enum(viewObjectTypes).optional() }).strict();
