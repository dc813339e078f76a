import type { components } from '../../api/schema';
import type { FilterField, FilterKind } from '../../ui/FilterBuilder';
import { primaryCompany } from '../contacts/contacts.api';
import { formatDate, formatRelative, lifecycleLabel, lifecycleStages } from '../contacts/format';

/** A custom field as the API defines it. */
export type CustomField = components['schemas']['CustomField'];

/** The object types whose lists this screen shows. */
export type ListObjectType = 'contact' | 'company';

/** Any record of a list: its id and custom values are all the list needs to know generically. */
export type ListRecord = { id: string; custom?: { [key: string]: unknown } };

/** A column a list can show: the field it shows, how wide it is, its value as text, and as CSV when that differs. */
export type ListColumn<T> = {
  key: string;
  header: string;
  width: string;
  sortable: boolean;
  text: (row: T) => string;
  csv?: (row: T) => string;
};

const consentOptions = [
  { value: 'subscribed', label: 'Subscribed' },
  { value: 'unsubscribed', label: 'Unsubscribed' },
  { value: 'never_subscribed', label: 'Never subscribed' },
  { value: 'pending', label: 'Pending' },
];

const text = (key: string, label: string): FilterField => ({ key, label, kind: 'text' });
const timestamps: FilterField[] = [
  { key: 'createdAt', label: 'Created', kind: 'datetime' },
  { key: 'updatedAt', label: 'Updated', kind: 'datetime' },
];

/** The standard fields of each object type that filters apply to, as the API names them. */
export const standardFilterFields: Record<ListObjectType, FilterField[]> = {
  contact: [
    text('name', 'Name'),
    text('firstName', 'First name'),
    text('lastName', 'Last name'),
    text('email', 'Email'),
    text('phone', 'Phone'),
    text('jobTitle', 'Job title'),
    { key: 'lifecycleStage', label: 'Lifecycle stage', kind: 'select', options: lifecycleStages },
    text('leadSource', 'Lead source'),
    { key: 'tags', label: 'Tags', kind: 'multi' },
    text('city', 'City'),
    text('region', 'Region'),
    text('country', 'Country'),
    text('timezone', 'Time zone'),
    { key: 'emailConsent', label: 'Email consent', kind: 'select', options: consentOptions },
    { key: 'smsConsent', label: 'SMS consent', kind: 'select', options: consentOptions },
    text('utmSource', 'UTM source'),
    text('utmMedium', 'UTM medium'),
    text('utmCampaign', 'UTM campaign'),
    { key: 'lastActivityAt', label: 'Last activity', kind: 'datetime' },
    { key: 'lifecycleChangedAt', label: 'Stage changed', kind: 'datetime' },
    ...timestamps,
  ],
  company: [
    text('name', 'Name'),
    text('domain', 'Domain'),
    text('industry', 'Industry'),
    { key: 'employeeCount', label: 'Employees', kind: 'number' },
    { key: 'annualRevenue', label: 'Annual revenue', kind: 'number' },
    text('phone', 'Phone'),
    text('city', 'City'),
    text('region', 'Region'),
    text('country', 'Country'),
    { key: 'lastActivityAt', label: 'Last activity', kind: 'datetime' },
    ...timestamps,
  ],
};

type Contact = components['schemas']['Contact'];
type Company = components['schemas']['Company'];

const count = (n: number | null | undefined) => (n === null || n === undefined ? '' : n.toLocaleString());

/** The standard columns of the contacts list, the first few shown by default. */
export const contactColumns: ListColumn<Contact>[] = [
  { key: 'name', header: 'Name', width: 'minmax(180px, 1.4fr)', sortable: true, text: (c) => c.name || c.email || 'Unnamed' },
  { key: 'email', header: 'Email', width: 'minmax(200px, 1.4fr)', sortable: true, text: (c) => c.email ?? '' },
  { key: 'companies', header: 'Company', width: 'minmax(140px, 1fr)', sortable: false, text: (c) => primaryCompany(c)?.name ?? '' },
  { key: 'jobTitle', header: 'Job title', width: 'minmax(140px, 1fr)', sortable: true, text: (c) => c.jobTitle ?? '' },
  { key: 'lifecycleStage', header: 'Stage', width: '140px', sortable: true, text: (c) => lifecycleLabel(c.lifecycleStage ?? '') },
  {
    key: 'lastActivityAt',
    header: 'Last activity',
    width: '130px',
    sortable: true,
    text: (c) => (c.lastActivityAt ? formatRelative(c.lastActivityAt) : ''),
    csv: (c) => c.lastActivityAt ?? '',
  },
  {
    key: 'createdAt',
    header: 'Created',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.createdAt),
    csv: (c) => c.createdAt ?? '',
  },
  { key: 'phone', header: 'Phone', width: 'minmax(130px, 1fr)', sortable: true, text: (c) => c.phone ?? '' },
  { key: 'leadSource', header: 'Lead source', width: 'minmax(120px, 1fr)', sortable: true, text: (c) => c.leadSource ?? '' },
  { key: 'tags', header: 'Tags', width: 'minmax(120px, 1fr)', sortable: true, text: (c) => (c.tags ?? []).join(', ') },
  { key: 'city', header: 'City', width: 'minmax(120px, 1fr)', sortable: true, text: (c) => c.address?.city ?? '' },
  { key: 'country', header: 'Country', width: '110px', sortable: true, text: (c) => c.address?.country ?? '' },
  {
    key: 'updatedAt',
    header: 'Updated',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.updatedAt),
    csv: (c) => c.updatedAt ?? '',
  },
];

/** The standard columns of the companies list. */
export const companyColumns: ListColumn<Company>[] = [
  { key: 'name', header: 'Name', width: 'minmax(200px, 1.5fr)', sortable: true, text: (c) => c.name ?? '' },
  { key: 'domain', header: 'Domain', width: 'minmax(160px, 1fr)', sortable: true, text: (c) => c.domain ?? '' },
  { key: 'industry', header: 'Industry', width: 'minmax(140px, 1fr)', sortable: true, text: (c) => c.industry ?? '' },
  {
    key: 'createdAt',
    header: 'Created',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.createdAt),
    csv: (c) => c.createdAt ?? '',
  },
  { key: 'employeeCount', header: 'Employees', width: '110px', sortable: true, text: (c) => count(c.employeeCount) },
  { key: 'phone', header: 'Phone', width: 'minmax(130px, 1fr)', sortable: true, text: (c) => c.phone ?? '' },
  { key: 'city', header: 'City', width: 'minmax(120px, 1fr)', sortable: true, text: (c) => c.address?.city ?? '' },
  { key: 'country', header: 'Country', width: '110px', sortable: true, text: (c) => c.address?.country ?? '' },
  {
    key: 'updatedAt',
    header: 'Updated',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.updatedAt),
    csv: (c) => c.updatedAt ?? '',
  },
];

/** The columns a list shows before anyone picks: the original list's. */
export const defaultColumnKeys: Record<ListObjectType, string[]> = {
  contact: ['name', 'email', 'companies', 'jobTitle', 'lifecycleStage', 'lastActivityAt', 'createdAt'],
  company: ['name', 'domain', 'industry', 'createdAt'],
};

function filterKind(type: CustomField['type']): FilterKind | null {
  switch (type) {
    case 'number':
    case 'currency':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    case 'single_select':
      return 'select';
    case 'multi_select':
      return 'multi';
    case 'user':
      return null;
    default:
      return 'text';
  }
}

/** The filter fields of an object's live custom fields, as `custom.<key>`; user fields are not offered. */
export function customFilterFields(customFields: readonly CustomField[]): FilterField[] {
  return customFields.flatMap((cf) => {
    const kind = filterKind(cf.type);
    if (!kind || cf.archived) return [];
    return [{ key: `custom.${cf.key}`, label: cf.label, kind, ...(cf.options.length > 0 ? { options: cf.options } : {}) }];
  });
}

/** A custom field's value as text: option labels for selects, Yes/No, a currency amount with its code. */
export function customValueText(cf: CustomField, value: unknown): string {
  if (value === null || value === undefined) return '';
  const label = (v: unknown) => cf.options.find((o) => o.value === v)?.label ?? String(v);
  switch (cf.type) {
    case 'boolean':
      return value ? 'Yes' : 'No';
    case 'single_select':
      return label(value);
    case 'multi_select':
      return Array.isArray(value) ? value.map(label).join(', ') : label(value);
    case 'currency': {
      const money = value as { amount?: number; currency?: string };
      return money.amount === undefined ? '' : `${money.amount} ${money.currency ?? ''}`.trim();
    }
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** The columns of an object's live custom fields, each sortable by the API as `custom.<key>`. */
export function customColumns<T extends ListRecord>(customFields: readonly CustomField[]): ListColumn<T>[] {
  return customFields
    .filter((cf) => !cf.archived)
    .map((cf) => ({
      key: `custom.${cf.key}`,
      header: cf.label,
      width: 'minmax(120px, 1fr)',
      sortable: true,
      text: (row: T) => customValueText(cf, row.custom?.[cf.key]),
    }));
}
