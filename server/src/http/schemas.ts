import { z } from 'zod';
import { filterGroupsSchema } from '../lib/filters.ts';
import { uuid } from '../lib/ids.ts';
import { fieldsParam } from '../lib/projection.ts';
import { sortSchema } from '../lib/record-list.ts';

/** `{id}` path parameter: a record id. */
export const idParams = z.object({ id: uuid('Not a valid id') }).strict();

/** `limit` and `cursor` of every keyset-paginated list. */
export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

/** The RFC 9457 problem body, as documented in OpenAPI. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .meta({ id: 'Problem' });

/** A page of a list: its rows and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable(), total: z.number().int().optional() });
}

/** The query of a record list (`GET /contacts` …): paging, one sort field, quick search `q`, projection. */
export function recordListQuery(qMatches: string) {
  return z
    .object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(2000).optional(),
      sort: z.string().max(100).optional().describe('A field name; prefix with - for descending, e.g. -createdAt'),
      q: z.string().trim().max(200).optional().describe(qMatches),
      fields: fieldsParam,
    })
    .strict();
}

/** The body of `POST /<records>/search`: filter groups (OR of ANDs), sort, keyset paging, projection. */
export const recordSearchBody = z
  .object({
    filterGroups: filterGroupsSchema.default([]),
    sort: sortSchema.default([]),
    limit: z.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    fields: z.array(z.string().max(100)).max(200).optional(),
  })
  .strict();

/** The query of a single-record read: an optional projection. */
/** `totalIsExact` of a record list page: whether `total` was counted or, past a limit, estimated. */
export const totalIsExactField = z
  .boolean()
  .describe('True when `total` is an exact count; false when the list has more than 200 matches and `total` is an estimate');

export const recordGetQuery = z.object({ fields: fieldsParam }).strict();
