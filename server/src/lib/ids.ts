import { v7 as uuidv7, validate, version } from 'uuid';

/** A new time-ordered id (UUIDv7) for any record. */
export function newId(): string {
  return uuidv7();
}

/** True when `value` is a UUID Rapport could have issued (any version, canonical form). */
export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}
