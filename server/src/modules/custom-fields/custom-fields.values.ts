import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { Queryable } from '../../db/database.ts';
import type { FieldError } from '../../lib/errors.ts';
import type { FieldDef, TypedValueColumn } from '../../lib/filters.ts';
import type { CustomFieldRow } from './custom-fields.repo.ts';

const email = z.email();

function isDate(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(v) &&
    !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
    new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)
  );
}

/** Context a custom value is checked in: default currency and phone region, and who counts as a user. */
export type ValueContext = { currency: string; phoneRegion: string; memberIds: Set<string> };

/** Checks and normalises one value for a field; returns [value] or an error message. */
function normalise(def: CustomFieldRow, value: unknown, vc: ValueContext): { ok: true; value: unknown } | { ok: false; message: string } {
  const bad = (message: string) => ({ ok: false as const, message });
  const ok = (v: unknown) => ({ ok: true as const, value: v });
  const values = new Set(def.options.map((o) => o.value));
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 1000 ? ok(value) : bad('Expected text of at most 1,000 characters');
    case 'long_text':
      return typeof value === 'string' && value.length <= 100_000 ? ok(value) : bad('Expected text of at most 100,000 characters');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : bad('Expected a number');
    case 'currency': {
      if (typeof value === 'number' && Number.isInteger(value)) return ok({ amount: value, currency: vc.currency });
      const v = value as { amount?: unknown; currency?: unknown };
      if (v && typeof v === 'object' && Number.isInteger(v.amount) && typeof v.currency === 'string' && /^[A-Z]{3}$/.test(v.currency)) {
        return ok({ amount: v.amount, currency: v.currency });
      }
      return bad('Expected an amount in minor units (integer), or { amount, currency }');
    }
    case 'date':
      return isDate(value) ? ok(value) : bad('Expected a date as YYYY-MM-DD');
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value)
        ? ok(new Date(value).toISOString())
        : bad('Expected an ISO 8601 date-time');
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : bad('Expected true or false');
    case 'single_select':
      return typeof value === 'string' && values.has(value) ? ok(value) : bad(`Expected one of: ${[...values].join(', ')}`);
    case 'multi_select':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && values.has(v))
        ? ok([...new Set(value as string[])])
        : bad(`Expected a list of: ${[...values].join(', ')}`);
    case 'url': {
      if (typeof value !== 'string' || value.length > 2000) return bad('Expected an http(s) URL');
      try {
        const u = new URL(value);
        return u.protocol === 'http:' || u.protocol === 'https:' ? ok(u.toString()) : bad('Expected an http(s) URL');
      } catch {
        return bad('Expected an http(s) URL');
      }
    }
    case 'email':
      return typeof value === 'string' && email.safeParse(value.trim().toLowerCase()).success
        ? ok(value.trim().toLowerCase())
        : bad('Expected an email address');
    case 'phone': {
      const p = typeof value === 'string' ? parsePhoneNumberFromString(value, vc.phoneRegion as CountryCode) : undefined;
      return p?.isValid() ? ok(p.number) : bad('Expected a valid phone number');
    }
    case 'user':
      return typeof value === 'string' && vc.memberIds.has(value) ? ok(value) : bad('Expected the id of a workspace member');
  }
}

/**
 * Validates and normalises a patch of custom values (`null` removes a value) against the
 * definitions; returns the merged values or the errors, each naming `body.custom.<key>`.
 */
export function applyCustomValues(
  defs: CustomFieldRow[],
  current: Record<string, unknown>,
  patch: Record<string, unknown> | undefined,
  vc: ValueContext,
): { values: Record<string, unknown>; errors: FieldError[] } {
  const values = { ...current };
  const errors: FieldError[] = [];
  if (!patch) return { values, errors };
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const [key, value] of Object.entries(patch)) {
    const def = byKey.get(key);
    const field = `body.custom.${key}`;
    if (!def) {
      errors.push({ field, message: 'Unknown custom field', code: 'unknown_field' });
      continue;
    }
    if (def.archived_at) {
      errors.push({ field, message: 'This custom field is archived', code: 'archived_field' });
      continue;
    }
    if (value === null) {
      delete values[key];
      continue;
    }
    const r = normalise(def, value, vc);
    if (r.ok) values[key] = r.value;
    else errors.push({ field, message: r.message, code: 'invalid_value' });
  }
  return { values, errors };
}

/** The member user ids of a workspace, for validating user-reference fields. */
export async function memberIds(db: Queryable, workspaceId: string): Promise<Set<string>> {
  const res = await db.query<{ user_id: string }>('SELECT user_id FROM memberships WHERE workspace_id = $1', [workspaceId]);
  return new Set(res.rows.map((r) => r.user_id));
}

/**
 * Where `custom_field_values` keeps each type's value (migrations 0005 and 0013, `rapport_custom_value_rows`
 * must agree); types not listed are read from the jsonb only.
 */
const typedColumns: Partial<Record<CustomFieldRow['type'], TypedValueColumn>> = {
  number: 'number_value',
  currency: 'number_value',
  date: 'date_value',
  datetime: 'time_value',
  boolean: 'bool_value',
  single_select: 'text_value',
  email: 'text_value',
  phone: 'text_value',
};

/** The filter/sort fields of a record type's custom fields, as `custom.<key>` over `alias`. */
export function customFieldDefs(defs: CustomFieldRow[], alias: string): FieldDef[] {
  return defs.map((d) => {
    const column = typedColumns[d.type];
    const def = jsonbFieldDef(d, alias);
    return column ? { ...def, typed: { fieldId: d.id, column } } : def;
  });
}

/** A custom field as an expression over the record's `custom` jsonb. */
function jsonbFieldDef(d: CustomFieldRow, alias: string): FieldDef {
  const k = d.key.replaceAll("'", "''");
  const key = `custom.${d.key}`;
  switch (d.type) {
    case 'number':
      return { key, kind: 'number', sql: `((${alias}.custom->>'${k}')::numeric)` };
    case 'currency':
      return { key, kind: 'number', sql: `((${alias}.custom->'${k}'->>'amount')::numeric)` };
    case 'date':
      return { key, kind: 'date', sql: `((${alias}.custom->>'${k}')::date)` };
    case 'datetime':
      return { key, kind: 'datetime', sql: `((${alias}.custom->>'${k}')::timestamptz)` };
    case 'boolean':
      return { key, kind: 'boolean', sql: `((${alias}.custom->>'${k}')::boolean)` };
    case 'single_select':
      return { key, kind: 'enum', sql: `(${alias}.custom->>'${k}')`, options: d.options.map((o) => o.value) };
    case 'multi_select':
      return { key, kind: 'tags', sql: `(ARRAY(SELECT jsonb_array_elements_text(coalesce(${alias}.custom->'${k}', '[]'::jsonb))))` };
    case 'user':
      return { key, kind: 'id', sql: `((${alias}.custom->>'${k}')::uuid)` };
    default:
      return { key, kind: 'text', sql: `(${alias}.custom->>'${k}')` };
  }
}
