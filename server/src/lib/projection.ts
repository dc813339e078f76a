import { z } from 'zod';

/** `?fields=a,b,c`: the top-level fields to return (id is always included). */
export const fieldsParam = z
  .string()
  .max(2000)
  .regex(/^[\w.,]*$/, 'A comma-separated list of field names')
  .optional()
  .describe('Comma-separated fields to return, e.g. fields=firstName,email,custom.plan');

/** Keeps only the requested top-level fields of a presented record (and `custom.<key>` picks). */
export function project<T extends { id: unknown }>(record: T, fields: string | undefined): Partial<T> & Pick<T, 'id'> {
  if (!fields) return record;
  const wanted = fields.split(',').filter(Boolean);
  const out: Record<string, unknown> = { id: record.id };
  for (const f of wanted) {
    const all = record as Record<string, unknown>;
    if (f.startsWith('custom.')) {
      const custom = (all.custom ?? {}) as Record<string, unknown>;
      const key = f.slice(7);
      out.custom = { ...((out.custom as Record<string, unknown>) ?? {}), ...(key in custom ? { [key]: custom[key] } : {}) };
    } else if (f in all) out[f] = all[f];
  }
  return out as Partial<T> & Pick<T, 'id'>;
}
