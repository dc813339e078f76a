import { v7 as uuidv7, validate, version } from 'uuid';
import { z } from 'zod';

/** A new time-ordered id (UUIDv7) for any record. */
export function newId(): string {
  return uuidv7();
}

/** True when `value` is a UUID Rapport could have issued (any version, canonical form). */
export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}

/** Groups rows by a key, keeping their order: one pass instead of a filter per key. */
export function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/**
 * A UUID in a request, lower-cased: ids are compared as text in places (a member's id, a
 * record's owner), and a client may send them in capitals, which PostgreSQL accepts as the same id.
 */
export function uuid(message?: string) {
  return z.uuid(message).toLowerCase();
}
