import type { z } from 'zod';
import type { Ctx } from '../context.ts';
import { AppError, type FieldError } from './errors.ts';

/** What happened to one item of a batch. */
export type BatchResult =
  | { index: number; status: 'created' | 'updated'; id: string }
  | { index: number; status: 'error'; code: string; message: string; errors?: FieldError[] };

/** A zod failure as field errors under `body.` (unknown keys named one by one). */
export function zodFieldErrors(err: z.ZodError): FieldError[] {
  return err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: ['body', ...i.path.map(String), k].join('.'), message: 'Unknown field' }))
      : [{ field: ['body', ...i.path.map(String)].join('.'), message: i.message }],
  );
}

/**
 * Writes the items of a batch one by one in the caller's transaction, each inside a savepoint:
 * an item that fails (bad input, a refused change) is rolled back whole and reported with its
 * errors; the others are written. Items apply in order, so a later item sees an earlier one.
 */
export async function writeEach<T>(
  ctx: Ctx,
  items: unknown[],
  schema: z.ZodType<T>,
  write: (input: T, index: number) => Promise<{ status: 'created' | 'updated'; id: string }>,
): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (const [index, raw] of items.entries()) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      results.push({
        index,
        status: 'error',
        code: 'validation_failed',
        message: 'The item is not valid',
        errors: zodFieldErrors(parsed.error),
      });
      continue;
    }
    await ctx.tx.query('SAVEPOINT batch_item');
    try {
      results.push({ index, ...(await write(parsed.data, index)) });
      await ctx.tx.query('RELEASE SAVEPOINT batch_item');
    } catch (err) {
      await ctx.tx.query('ROLLBACK TO SAVEPOINT batch_item');
      if (!(err instanceof AppError)) throw err;
      results.push({ index, status: 'error', code: err.code, message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
    }
  }
  return results;
}

/** The response of a batch call: counts and the result of each item. */
export function summariseBatch(results: BatchResult[]) {
  return {
    created: results.filter((r) => r.status === 'created').length,
    updated: results.filter((r) => r.status === 'updated').length,
    failed: results.filter((r) => r.status === 'error').length,
    results,
  };
}
