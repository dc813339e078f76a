import type { components } from '../../api/schema';
import type { FilterField, FilterKind } from '../../ui/FilterBuilder';
import type { EditorKind, EditValue, Option } from '../../ui/ValueInput';
import { primaryCompany } from '../contacts/contacts.api';
import { formatDate, formatRelative, lifecycleLabel, lifecycleStages } from '../contacts/format';
import { formatMoney } from '../deals/board';
import { dealFilterFields } from './dealColumns';
import { type FieldEdit, fieldEdit, localDateTime, moneyText, sentValue } from './editors';

/** A custom field as the API defines it. */
export type CustomField = components['schemas']['CustomField'];

/** The object types whose lists this screen shows. */
export type ListObjectType = 'contact' | 'company' | 'deal';

/** Any record of a list: its id, owner, custom values and when it last changed are all the list needs to know generically. */
export type ListRecord = { id: string; ownerId?: string | null; updatedAt?: string; custom?: { [key: string]: unknown } };

/**
 * A column a list can show: the field it shows, how wide it is, its value as text, and how it
 * is edited in place when it can be.
 */
export type ListColumn<T> = {
  key: string;
  header: string;
  width: string;
  sortable: boolean;
  text: (row: T) => string;
  edit?: FieldEdit<T>;
};

/** A workspace member as lists name owners and offer them. */
export type MemberOption = { userId: string; name: string };

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
  // Stages and pipelines are added by the deal screens, which know the workspace's pipelines.
  deal: dealFilterFields([]).filter((f) => f.key !== 'stageId' && f.key !== 'pipelineId'),
};

type Contact = components['schemas']['Contact'];
type Company = components['schemas']['Company'];

const count = (n: number | null | undefined) => (n === null || n === undefined ? '' : n.toLocaleString());

/** The standard columns of the contacts list, the first few shown by default. */
/** City and country, edited inside the record's address. */
function addressColumns<T extends { address?: { [key: string]: string | null } }>(): ListColumn<T>[] {
  return [
    {
      key: 'city',
      header: 'City',
      width: 'minmax(120px, 1fr)',
      sortable: true,
      text: (r) => r.address?.city ?? '',
      edit: fieldEdit('city', 'text', (r) => r.address?.city ?? '', { nest: 'address' }),
    },
    {
      key: 'country',
      header: 'Country',
      width: '110px',
      sortable: true,
      text: (r) => r.address?.country ?? '',
      edit: fieldEdit('country', 'text', (r) => r.address?.country ?? '', { nest: 'address' }),
    },
  ];
}

export const contactColumns: ListColumn<Contact>[] = [
  { key: 'name', header: 'Name', width: 'minmax(180px, 1.4fr)', sortable: true, text: (c) => c.name || c.email || 'Unnamed' },
  {
    key: 'email',
    header: 'Email',
    width: 'minmax(200px, 1.4fr)',
    sortable: true,
    text: (c) => c.email ?? '',
    edit: fieldEdit('email', 'email', (c) => c.email ?? '', { bulk: false }),
  },
  { key: 'companies', header: 'Company', width: 'minmax(140px, 1fr)', sortable: false, text: (c) => primaryCompany(c)?.name ?? '' },
  {
    key: 'jobTitle',
    header: 'Job title',
    width: 'minmax(140px, 1fr)',
    sortable: true,
    text: (c) => c.jobTitle ?? '',
    edit: fieldEdit('jobTitle', 'text', (c) => c.jobTitle ?? ''),
  },
  {
    key: 'lifecycleStage',
    header: 'Stage',
    width: '140px',
    sortable: true,
    text: (c) => lifecycleLabel(c.lifecycleStage ?? ''),
    edit: fieldEdit('lifecycleStage', 'select', (c) => c.lifecycleStage ?? '', { choices: () => lifecycleStages }),
  },
  {
    key: 'lastActivityAt',
    header: 'Last activity',
    width: '130px',
    sortable: true,
    text: (c) => (c.lastActivityAt ? formatRelative(c.lastActivityAt) : ''),
  },
  {
    key: 'createdAt',
    header: 'Created',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.createdAt),
  },
  {
    key: 'phone',
    header: 'Phone',
    width: 'minmax(130px, 1fr)',
    sortable: true,
    text: (c) => c.phone ?? '',
    edit: fieldEdit('phone', 'phone', (c) => c.phone ?? '', { bulk: false }),
  },
  {
    key: 'leadSource',
    header: 'Lead source',
    width: 'minmax(120px, 1fr)',
    sortable: true,
    text: (c) => c.leadSource ?? '',
    edit: fieldEdit('leadSource', 'text', (c) => c.leadSource ?? ''),
  },
  {
    key: 'tags',
    header: 'Tags',
    width: 'minmax(120px, 1fr)',
    sortable: true,
    text: (c) => (c.tags ?? []).join(', '),
    edit: fieldEdit('tags', 'tags', (c) => (c.tags ?? []).join(', ')),
  },
  ...addressColumns<Contact>(),
  {
    key: 'updatedAt',
    header: 'Updated',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.updatedAt),
  },
];

/** The standard columns of the companies list. */
export const companyColumns: ListColumn<Company>[] = [
  {
    key: 'name',
    header: 'Name',
    width: 'minmax(200px, 1.5fr)',
    sortable: true,
    text: (c) => c.name ?? '',
    edit: fieldEdit('name', 'text', (c) => c.name ?? '', { bulk: false }),
  },
  {
    key: 'domain',
    header: 'Domain',
    width: 'minmax(160px, 1fr)',
    sortable: true,
    text: (c) => c.domain ?? '',
    edit: fieldEdit('domain', 'text', (c) => c.domain ?? '', { bulk: false }),
  },
  {
    key: 'industry',
    header: 'Industry',
    width: 'minmax(140px, 1fr)',
    sortable: true,
    text: (c) => c.industry ?? '',
    edit: fieldEdit('industry', 'text', (c) => c.industry ?? ''),
  },
  {
    key: 'createdAt',
    header: 'Created',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.createdAt),
  },
  {
    key: 'employeeCount',
    header: 'Employees',
    width: '110px',
    sortable: true,
    text: (c) => count(c.employeeCount),
    edit: fieldEdit('employeeCount', 'number', (c) =>
      c.employeeCount === null || c.employeeCount === undefined ? '' : String(c.employeeCount),
    ),
  },
  {
    key: 'phone',
    header: 'Phone',
    width: 'minmax(130px, 1fr)',
    sortable: true,
    text: (c) => c.phone ?? '',
    edit: fieldEdit('phone', 'phone', (c) => c.phone ?? '', { bulk: false }),
  },
  ...addressColumns<Company>(),
  {
    key: 'updatedAt',
    header: 'Updated',
    width: '120px',
    sortable: true,
    text: (c) => formatDate(c.updatedAt),
  },
];

/** The columns a list shows before anyone picks: the original list's. */
export const defaultColumnKeys: Record<ListObjectType, string[]> = {
  contact: ['name', 'email', 'companies', 'jobTitle', 'lifecycleStage', 'lastActivityAt', 'createdAt'],
  company: ['name', 'domain', 'industry', 'createdAt'],
  deal: ['name', 'amount', 'stageId', 'status', 'ownerId', 'expectedCloseDate', 'createdAt'],
};

/** The owner column every record type has: a member's name, edited by choosing a member. */
export function ownerColumn<T extends ListRecord>(members: readonly MemberOption[]): ListColumn<T> {
  const byId = new Map(members.map((m) => [m.userId, m.name]));
  const choices = members.map((m) => ({ value: m.userId, label: m.name }));
  return {
    key: 'ownerId',
    header: 'Owner',
    width: 'minmax(130px, 1fr)',
    sortable: true,
    text: (r) => (r.ownerId ? (byId.get(r.ownerId) ?? '') : ''),
    edit: fieldEdit('ownerId', 'select', (r) => r.ownerId ?? '', { choices: () => choices }),
  };
}

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

/** A custom field's value as text: option labels for selects, Yes/No, a currency amount as money. */
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
      // Stored in minor units, as every amount is.
      const money = value as { amount?: number; currency?: string };
      return money.amount === undefined ? '' : formatMoney(money.amount, money.currency ?? 'USD');
    }
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

const customEditorKinds: Record<CustomField['type'], EditorKind> = {
  text: 'text',
  long_text: 'text',
  number: 'number',
  currency: 'money',
  date: 'date',
  datetime: 'datetime',
  boolean: 'checkbox',
  single_select: 'select',
  multi_select: 'multi',
  url: 'url',
  email: 'email',
  phone: 'phone',
  user: 'select',
};

/** A custom value as its editor shows it. */
function customEditValue(cf: CustomField, value: unknown): EditValue {
  switch (cf.type) {
    case 'boolean':
      return value === true;
    case 'multi_select':
      return Array.isArray(value) ? value.map(String) : [];
    case 'currency': {
      const money = value as { amount?: number; currency?: string } | null | undefined;
      return money?.amount === undefined ? '' : moneyText(money.amount, money.currency ?? 'USD');
    }
    case 'datetime':
      return localDateTime(typeof value === 'string' ? value : null);
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

/**
 * How a custom field is edited: by the input its type needs, sent as `{ custom: { <key>: value } }`
 * (only that key changes; null removes the value). A currency keeps the record's currency, or
 * takes the workspace's when the record has none yet.
 */
export function customFieldEdit<T extends ListRecord>(cf: CustomField, members: readonly MemberOption[]): FieldEdit<T> {
  const kind = customEditorKinds[cf.type];
  const choices: readonly Option[] = cf.type === 'user' ? members.map((m) => ({ value: m.userId, label: m.name })) : cf.options;
  return {
    kind,
    value: (row) => customEditValue(cf, row.custom?.[cf.key]),
    bulk: cf.type !== 'email' && cf.type !== 'phone',
    ...(kind === 'select' || kind === 'multi' ? { options: () => choices } : {}),
    patch: (value, row) => {
      if (cf.type !== 'currency') return { custom: { [cf.key]: sentValue(kind, value) } };
      const currency = (row?.custom?.[cf.key] as { currency?: string } | undefined)?.currency;
      const amount = sentValue('money', value, currency);
      return { custom: { [cf.key]: currency && typeof amount === 'number' ? { amount, currency } : amount } };
    },
  };
}

/** The columns of an object's live custom fields, each sortable by the API as `custom.<key>` and editable in place. */
export function customColumns<T extends ListRecord>(
  customFields: readonly CustomField[],
  members: readonly MemberOption[] = [],
): ListColumn<T>[] {
  const names = new Map(members.map((m) => [m.userId, m.name]));
  return customFields
    .filter((cf) => !cf.archived)
    .map((cf) => ({
      key: `custom.${cf.key}`,
      header: cf.label,
      width: 'minmax(120px, 1fr)',
      sortable: true,
      text: (row: T) => {
        const value = row.custom?.[cf.key];
        return cf.type === 'user' && typeof value === 'string' ? (names.get(value) ?? value) : customValueText(cf, value);
      },
      edit: customFieldEdit<T>(cf, members),
    }));
}
