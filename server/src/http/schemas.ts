import { z } from 'zod';

/** `{id}` path parameter: a record id. */
export const idParams = z.object({ id: z.uuid('Not a valid id') }).strict();

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
