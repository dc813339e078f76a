import type { Queryable } from '../db/database.ts';

/** Collects bound parameters while a statement is assembled; `add` returns the `$n` placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(initial: unknown[] = []) {
    this.values.push(...initial);
  }

  /** Binds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Escapes LIKE wildcards so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One INSERT of a combined statement, written with the placeholders of the statement's parameters. */
export type InsertPart = (params: SqlParams) => string;

/**
 * Runs several INSERTs as one statement (each but the last in a data-modifying WITH): one round
 * trip and one set of parameters, where separate statements would each wait for the one before.
 * Parts that are undefined (nothing to insert) are left out; with none, nothing is sent.
 */
export async function insertTogether(db: Queryable, parts: (InsertPart | undefined)[]): Promise<void> {
  const params = new SqlParams();
  const inserts = parts.filter((p): p is InsertPart => p !== undefined).map((part) => part(params));
  const last = inserts.pop();
  if (last === undefined) return;
  const before = inserts.map((sql, i) => `written_${i} AS (${sql})`);
  await db.query(before.length ? `WITH ${before.join(', ')} ${last}` : last, params.values);
}
