import type { CustomField, Role } from './settings.api';

/** How roles read in the app. */
export const roleLabels: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  manager: 'Manager',
  member: 'Member',
  read_only: 'Read-only',
};

/** The custom field types the API supports, as people call them. */
export const fieldTypeLabels: Record<CustomField['type'], string> = {
  text: 'Text',
  long_text: 'Long text',
  number: 'Number',
  currency: 'Currency amount',
  date: 'Date',
  datetime: 'Date and time',
  boolean: 'Yes / no',
  single_select: 'Single select',
  multi_select: 'Multi select',
  url: 'URL',
  email: 'Email',
  phone: 'Phone',
  user: 'Workspace member',
};

/** Types whose values come from a list of options. */
export function hasOptions(type: CustomField['type']): boolean {
  return type === 'single_select' || type === 'multi_select';
}

/** The deal fields a stage can require besides custom ones, as the API names them. */
export const requirableDealFields: { value: string; label: string }[] = [
  { value: 'amount', label: 'Amount' },
  { value: 'expectedCloseDate', label: 'Expected close date' },
  { value: 'ownerId', label: 'Owner' },
  { value: 'companyId', label: 'Company' },
  { value: 'probability', label: 'Probability' },
  { value: 'externalId', label: 'External ID' },
  { value: 'contacts', label: 'Contacts' },
];

/** An API-safe value for an option label: "Key account (EU)" → "key_account_eu". */
export function optionValue(label: string): string {
  const v = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
  return v || 'option';
}

/** `items` with the one at `from` moved to `to` (both clamped to the list). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const target = Math.max(0, Math.min(next.length - 1, to));
  const [item] = next.splice(from, 1);
  if (item === undefined) return next;
  next.splice(target, 0, item);
  return next;
}

type Option = { value: string; label: string };

function withCurrent(options: Option[], current: string | undefined): Option[] {
  return current && !options.some((o) => o.value === current) ? [{ value: current, label: current }, ...options] : options;
}

/** Every IANA time zone the browser knows, UTC first (and the current value even if it does not know it). */
export function timeZoneOptions(current?: string): Option[] {
  const zones = Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC');
  return withCurrent([{ value: 'UTC', label: 'UTC' }, ...zones.map((z) => ({ value: z, label: z.replaceAll('_', ' ') }))], current);
}

/** ISO 4217 currencies with their names, e.g. "EUR — Euro". */
export function currencyOptions(current?: string): Option[] {
  const names = new Intl.DisplayNames(['en'], { type: 'currency' });
  return withCurrent(
    Intl.supportedValuesOf('currency').map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` })),
    current,
  );
}

let regions: Option[] | undefined;

/** ISO 3166 regions by name: every two-letter code the browser can name (it returns the code itself for unknown ones). */
export function regionOptions(current?: string): Option[] {
  if (!regions) {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    const found: Option[] = [];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code && !['EU', 'EZ', 'UN', 'XA', 'XB', 'QO', 'ZZ'].includes(code))
          found.push({ value: code, label: `${name} (${code})` });
      }
    }
    regions = found.sort((x, y) => x.label.localeCompare(y.label));
  }
  return withCurrent(regions, current);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** A short date for lists: "4 Mar 2026". */
export function shortDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '';
}
