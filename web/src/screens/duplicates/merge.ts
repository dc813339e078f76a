// The field-by-field choices of a merge, free of React: which fields differ, which value each
// keeps by default, which record survives by default, and the request that carries the choices.
import type { components } from '../../api/schema';
import { formatDate, lifecycleLabel, lifecycleStages } from '../contacts/format';

/** The two kinds of record that can be merged, as they appear in URLs and API paths. */
export type DuplicateObject = 'contacts' | 'companies';
/** A candidate pair as the duplicates API lists it. */
export type DuplicatePair = components['schemas']['DuplicatePair'];
/** One record of a pair as the duplicates API summarises it. */
export type DuplicateRecord = components['schemas']['DuplicateRecord'];
/** Why two records were paired. */
export type DuplicateReason = DuplicatePair['reasons'][number];
/** The body of POST /contacts/merge and /companies/merge. */
export type MergeRequest = components['schemas']['MergeRequest'];
/** A custom field definition, to label and format `custom.<key>` values. */
export type CustomField = components['schemas']['CustomField'];
/** A full contact or company, as GET /contacts/{id} or /companies/{id} answers. */
export type MergeRecord = { id: string; createdAt?: string; custom?: Record<string, unknown> } & Record<string, unknown>;

/** Left or right column of the merge dialog: the pair's `a` or `b` record. */
export type Side = 'a' | 'b';

/** One field the merge chooses between, with each side's value. */
export type FieldRow = { key: string; label: string; a: unknown; b: unknown };

/** What a person reads for each reason the API gives. */
export const reasonLabels: Record<DuplicateReason, string> = {
  same_email: 'Same email',
  same_phone: 'Same phone',
  similar_name_same_company: 'Similar name at the same company',
  same_domain: 'Related domain',
  same_name: 'Same name',
  similar_name: 'Similar name',
};

/**
 * The standard fields a merge chooses between, in the order the dialog shows them (the API's
 * choosable fields). Emails, phones, tags and company links are not here: the API combines them.
 */
export const standardFields: Record<DuplicateObject, { key: string; label: string }[]> = {
  contacts: [
    { key: 'firstName', label: 'First name' },
    { key: 'lastName', label: 'Last name' },
    { key: 'email', label: 'Primary email' },
    { key: 'phone', label: 'Primary phone' },
    { key: 'jobTitle', label: 'Job title' },
    { key: 'lifecycleStage', label: 'Lifecycle stage' },
    { key: 'ownerId', label: 'Owner' },
    { key: 'leadSource', label: 'Lead source' },
    { key: 'address', label: 'Address' },
    { key: 'timezone', label: 'Time zone' },
    { key: 'utm', label: 'UTM parameters' },
    { key: 'externalId', label: 'External ID' },
  ],
  companies: [
    { key: 'name', label: 'Name' },
    { key: 'domain', label: 'Domain' },
    { key: 'phone', label: 'Phone' },
    { key: 'industry', label: 'Industry' },
    { key: 'employeeCount', label: 'Employees' },
    { key: 'annualRevenue', label: 'Annual revenue' },
    { key: 'address', label: 'Address' },
    { key: 'parentCompanyId', label: 'Parent company' },
    { key: 'ownerId', label: 'Owner' },
    { key: 'externalId', label: 'External ID' },
  ],
};

/** The singular noun of each object, for labels ("Merge contacts", "Keep this company"). */
export const objectNoun: Record<DuplicateObject, string> = { contacts: 'contact', companies: 'company' };

/**
 * A value with emptiness made uniform: null, '', [] and objects without filled entries are all
 * null; objects keep only their filled entries, in key order, so `{ city: 'Oslo', zip: null }`
 * and `{ city: 'Oslo' }` read the same.
 */
export function normaliseValue(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value;
  if (typeof value === 'object') {
    const filled = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normaliseValue(v)] as const)
      .filter(([, v]) => v !== null)
      .sort(([x], [y]) => (x < y ? -1 : 1));
    return filled.length === 0 ? null : Object.fromEntries(filled);
  }
  return value;
}

/** Whether a field has no value worth keeping. */
export function isEmptyValue(value: unknown): boolean {
  return normaliseValue(value) === null;
}

/** Whether two field values are the same once emptiness is made uniform. */
export function sameValue(x: unknown, y: unknown): boolean {
  return JSON.stringify(normaliseValue(x)) === JSON.stringify(normaliseValue(y));
}

/** A record's value for a merge key (`custom.<key>` reads the custom fields). */
export function readField(record: MergeRecord, key: string): unknown {
  return key.startsWith('custom.') ? record.custom?.[key.slice(7)] : record[key];
}

/** The standard and (live) custom fields of an object, as merge keys with labels. */
export function mergeableFields(object: DuplicateObject, customFields: CustomField[]): { key: string; label: string }[] {
  const custom = customFields.filter((f) => !f.archived).map((f) => ({ key: `custom.${f.key}`, label: f.label }));
  return [...standardFields[object], ...custom];
}

/**
 * Splits the fields of two records into those that differ (offered as a choice) and those they
 * share (shown once); fields empty on both sides are neither.
 */
export function compareFields(
  fields: { key: string; label: string }[],
  a: MergeRecord,
  b: MergeRecord,
): { differing: FieldRow[]; identical: FieldRow[] } {
  const differing: FieldRow[] = [];
  const identical: FieldRow[] = [];
  for (const { key, label } of fields) {
    const row = { key, label, a: readField(a, key), b: readField(b, key) };
    if (isEmptyValue(row.a) && isEmptyValue(row.b)) continue;
    (sameValue(row.a, row.b) ? identical : differing).push(row);
  }
  return { differing, identical };
}

/** The side that is not `side`. */
export function otherSide(side: Side): Side {
  return side === 'a' ? 'b' : 'a';
}

const stageRank = (stage: unknown) => (stage === 'other' ? -1 : lifecycleStages.findIndex((s) => s.value === stage));

/**
 * The value a field keeps unless the person picks the other: the survivor's, except that a
 * filled value beats an empty one, and a contact's lifecycle stage keeps the further of the two
 * (stages only move forward), as the API does for fields left out.
 */
export function defaultChoice(row: FieldRow, survivor: Side): Side {
  const merged = otherSide(survivor);
  if (row.key === 'lifecycleStage') return stageRank(row[merged]) > stageRank(row[survivor]) ? merged : survivor;
  return isEmptyValue(row[survivor]) && !isEmptyValue(row[merged]) ? merged : survivor;
}

/** How much a record holds: its filled fields and the records linked to it. */
export function completeness(record: MergeRecord, fields: { key: string }[], related: DuplicateRecord['related']): number {
  const filled = fields.filter((f) => !isEmptyValue(readField(record, f.key))).length;
  return filled + related.deals + related.activities + related.tasks + related.people;
}

/**
 * The record that survives by default: the more complete one (filled fields plus linked
 * deals, activities, tasks and people); when they hold as much, the older one, whose id other
 * systems are likelier to know; when created at the same moment, `a`.
 */
export function defaultSurvivor(a: { createdAt: string; completeness: number }, b: { createdAt: string; completeness: number }): Side {
  if (a.completeness !== b.completeness) return a.completeness > b.completeness ? 'a' : 'b';
  return Date.parse(b.createdAt) < Date.parse(a.createdAt) ? 'b' : 'a';
}

/**
 * The merge request for the person's choices: every differing field is sent explicitly, as
 * `survivor` or `merged` depending on which side's value was picked (a pick, or the default).
 */
export function mergeRequest(input: {
  ids: Record<Side, string>;
  survivor: Side;
  rows: FieldRow[];
  picks: Partial<Record<string, Side>>;
}): MergeRequest {
  const fields: Record<string, 'survivor' | 'merged'> = {};
  for (const row of input.rows) {
    const side = input.picks[row.key] ?? defaultChoice(row, input.survivor);
    fields[row.key] = side === input.survivor ? 'survivor' : 'merged';
  }
  return { survivorId: input.ids[input.survivor], mergedId: input.ids[otherSide(input.survivor)], fields };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a merge moves from the merged record to the survivor, as phrases ("2 deals", "1 task"). */
export function movedRecords(related: DuplicateRecord['related']): string[] {
  return [
    related.people > 0 ? plural(related.people, 'person', 'people') : null,
    related.deals > 0 ? plural(related.deals, 'deal', 'deals') : null,
    related.activities > 0 ? plural(related.activities, 'activity', 'activities') : null,
    related.tasks > 0 ? plural(related.tasks, 'task', 'tasks') : null,
  ].filter((p): p is string => p !== null);
}

/** Names the dialog needs to show ids as people read them. */
export type ValueLookups = { memberName: (userId: string) => string | undefined; companyName: (id: string) => string | undefined };

const numberFormat = new Intl.NumberFormat();

/** A custom field value as text, by the field's type. */
function formatCustom(value: unknown, field: CustomField | undefined, lookups: ValueLookups): string {
  const optionLabel = (v: unknown) => field?.options.find((o) => o.value === v)?.label ?? String(v);
  switch (field?.type) {
    case 'boolean':
      return value ? 'Yes' : 'No';
    case 'single_select':
      return optionLabel(value);
    case 'multi_select':
      return Array.isArray(value) ? value.map(optionLabel).join(', ') : optionLabel(value);
    case 'user':
      return lookups.memberName(String(value)) ?? 'A former member';
    case 'date':
    case 'datetime':
      return formatDate(String(value));
    case 'number':
    case 'currency':
      return typeof value === 'number' ? numberFormat.format(value) : String(value);
    default:
      return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

const filledEntries = (value: unknown) =>
  Object.entries(value as Record<string, unknown>).filter(([, v]) => !isEmptyValue(v)) as [string, string][];

/** A field value as the dialog shows it; '' for an empty one. */
export function displayValue(
  row: Pick<FieldRow, 'key'>,
  value: unknown,
  context: { record: MergeRecord; customFields: CustomField[]; lookups: ValueLookups },
): string {
  if (isEmptyValue(value)) return '';
  const { key } = row;
  if (key.startsWith('custom.')) {
    return formatCustom(
      value,
      context.customFields.find((f) => f.key === key.slice(7)),
      context.lookups,
    );
  }
  switch (key) {
    case 'lifecycleStage':
      return lifecycleLabel(String(value));
    case 'ownerId':
      return context.lookups.memberName(String(value)) ?? 'A former member';
    case 'parentCompanyId':
      return context.lookups.companyName(String(value)) ?? 'Another company';
    case 'employeeCount':
      return numberFormat.format(Number(value));
    case 'annualRevenue': {
      const currency = context.record.annualRevenueCurrency;
      return `${numberFormat.format(Number(value))}${currency ? ` ${String(currency)}` : ''}`;
    }
    case 'address':
      // In the record's own order (street before city), not the sorted order used for comparing.
      return filledEntries(value)
        .map(([, v]) => v)
        .join(', ');
    case 'utm':
      return filledEntries(value)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
    default:
      return String(value);
  }
}
