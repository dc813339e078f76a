import { AppError } from './errors.ts';

/** Encodes a keyset position (the sort values of the last row) as an opaque cursor. */
export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a tampered or foreign cursor is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, expectedLength: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === expectedLength) return values;
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

/** A page of a keyset-paginated list. */
export type Page<T> = { data: T[]; nextCursor: string | null; total?: number };

/** Trims the look-ahead row from a `limit + 1` query and builds the next cursor. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, nextCursor: hasMore && last ? encodeCursor(keyOf(last)) : null };
}
