import type { ActivityView } from '../activities/activities.presenter.ts';
import type { CompanyView } from '../companies/companies.presenter.ts';
import type { ContactView } from '../contacts/contacts.presenter.ts';
import type { CustomFieldRow } from '../custom-fields/custom-fields.repo.ts';
import type { DealView } from '../deals/deals.presenter.ts';
import type { TaskView } from '../tasks/tasks.presenter.ts';
import { type Cell, moneyDecimal } from './exports.csv.ts';

/** The record types a list can be exported from. */
export const exportObjects = ['contact', 'company', 'deal', 'activity', 'task'] as const;
export type ExportObject = (typeof exportObjects)[number];

/** The kinds of referenced things an export names instead of showing their ids. */
export type RefKind = 'users' | 'companies' | 'contacts' | 'deals' | 'stages' | 'pipelines';
/** Ids a page refers to, by kind, collected before one look-up per kind. */
export type Refs = Record<RefKind, Set<string>>;
/** What those ids are called: a user's name and email, a record's or stage's name. */
export type Names = { users: Map<string, { name: string; email: string }> } & Record<Exclude<RefKind, 'users'>, Map<string, string>>;

/**
 * One column a person can pick: its field key (as lists and saved views name it), the CSV header
 * or headers it becomes (money and people take two: amount and currency, name and email), and
 * how a record's view fills them.
 */
export type ExportColumn<V> = {
  key: string;
  headers: string[];
  cells: (view: V, names: Names) => Cell[];
  refs?: (view: V, refs: Refs) => void;
};

const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 'Yes' : 'No');
const joined = (values: readonly (string | null | undefined)[]) => values.filter(Boolean).join('; ') || null;

const plain = <V>(key: string, header: string, get: (v: V) => Cell): ExportColumn<V> => ({
  key,
  headers: [header],
  cells: (v) => [get(v)],
});

/** A person column: their name and their email (what identifies them in another system). */
const person = <V>(key: string, header: string, get: (v: V) => string | null): ExportColumn<V> => ({
  key,
  headers: [header, `${header} email`],
  cells: (v, n) => {
    const id = get(v);
    const user = id ? n.users.get(id) : undefined;
    return [user?.name ?? null, user?.email ?? null];
  },
  refs: (v, r) => {
    const id = get(v);
    if (id) r.users.add(id);
  },
});

/** A column naming one referenced record (a deal's company, a company's parent). */
const named = <V>(key: string, header: string, kind: Exclude<RefKind, 'users'>, get: (v: V) => string | null): ExportColumn<V> => ({
  key,
  headers: [header],
  cells: (v, n) => {
    const id = get(v);
    return [id ? (n[kind].get(id) ?? null) : null];
  },
  refs: (v, r) => {
    const id = get(v);
    if (id) r[kind].add(id);
  },
});

/** A column naming several referenced records, joined by semicolons. */
const namedMany = <V>(key: string, header: string, kind: Exclude<RefKind, 'users'>, get: (v: V) => string[]): ExportColumn<V> => ({
  key,
  headers: [header],
  cells: (v, n) => [joined(get(v).map((id) => n[kind].get(id)))],
  refs: (v, r) => {
    for (const id of get(v)) r[kind].add(id);
  },
});

const money = <V>(key: string, header: string, get: (v: V) => { amount: number | null; currency: string | null }): ExportColumn<V> => ({
  key,
  headers: [header, `${header} currency`],
  cells: (v) => {
    const m = get(v);
    return m.amount === null ? [null, null] : [moneyDecimal(m.amount, m.currency), m.currency];
  },
});

type Timestamped = { createdAt: string; updatedAt: string };
const timestamps = <V extends Timestamped>(): ExportColumn<V>[] => [
  plain<V>('createdAt', 'Created', (v) => v.createdAt),
  plain<V>('updatedAt', 'Updated', (v) => v.updatedAt),
];

const contactColumns: ExportColumn<ContactView>[] = [
  plain('id', 'Id', (c) => c.id),
  plain('name', 'Name', (c) => c.name),
  plain('firstName', 'First name', (c) => c.firstName),
  plain('lastName', 'Last name', (c) => c.lastName),
  plain('email', 'Email', (c) => c.email),
  plain('emails', 'All emails', (c) => joined(c.emails.map((e) => e.address))),
  plain('phone', 'Phone', (c) => c.phone),
  plain('companies', 'Company', (c) => (c.companies.find((l) => l.primary) ?? c.companies[0])?.name ?? null),
  plain('jobTitle', 'Job title', (c) => c.jobTitle),
  plain('lifecycleStage', 'Lifecycle stage', (c) => c.lifecycleStage),
  person('ownerId', 'Owner', (c) => c.ownerId),
  plain('leadSource', 'Lead source', (c) => c.leadSource),
  plain('tags', 'Tags', (c) => joined(c.tags)),
  plain('street', 'Street', (c) => c.address.street ?? null),
  plain('city', 'City', (c) => c.address.city ?? null),
  plain('region', 'Region', (c) => c.address.region ?? null),
  plain('postalCode', 'Postal code', (c) => c.address.postalCode ?? null),
  plain('country', 'Country', (c) => c.address.country ?? null),
  plain('timezone', 'Time zone', (c) => c.timezone),
  plain('emailConsent', 'Email consent', (c) => c.consent.email.state),
  plain('smsConsent', 'SMS consent', (c) => c.consent.sms.state),
  plain('utmSource', 'UTM source', (c) => c.utm.source ?? null),
  plain('utmMedium', 'UTM medium', (c) => c.utm.medium ?? null),
  plain('utmCampaign', 'UTM campaign', (c) => c.utm.campaign ?? null),
  plain('externalId', 'External id', (c) => c.externalId),
  plain('lastActivityAt', 'Last activity', (c) => c.lastActivityAt),
  plain('lifecycleChangedAt', 'Lifecycle stage changed', (c) => c.lifecycleChangedAt),
  ...timestamps<ContactView>(),
];

const companyColumns: ExportColumn<CompanyView>[] = [
  plain('id', 'Id', (c) => c.id),
  plain('name', 'Name', (c) => c.name),
  plain('domain', 'Domain', (c) => c.domain),
  plain('industry', 'Industry', (c) => c.industry),
  plain('employeeCount', 'Employees', (c) => c.employeeCount),
  money('annualRevenue', 'Annual revenue', (c) => ({ amount: c.annualRevenue, currency: c.annualRevenueCurrency })),
  plain('phone', 'Phone', (c) => c.phone),
  person('ownerId', 'Owner', (c) => c.ownerId),
  named('parentCompanyId', 'Parent company', 'companies', (c) => c.parentCompanyId),
  plain('street', 'Street', (c) => c.address.street ?? null),
  plain('city', 'City', (c) => c.address.city ?? null),
  plain('region', 'Region', (c) => c.address.region ?? null),
  plain('postalCode', 'Postal code', (c) => c.address.postalCode ?? null),
  plain('country', 'Country', (c) => c.address.country ?? null),
  plain('externalId', 'External id', (c) => c.externalId),
  plain('lastActivityAt', 'Last activity', (c) => c.lastActivityAt),
  ...timestamps<CompanyView>(),
];

const dealColumns: ExportColumn<DealView>[] = [
  plain('id', 'Id', (d) => d.id),
  plain('name', 'Name', (d) => d.name),
  money('amount', 'Amount', (d) => ({ amount: d.amount, currency: d.currency })),
  named('pipelineId', 'Pipeline', 'pipelines', (d) => d.pipelineId),
  named('stageId', 'Stage', 'stages', (d) => d.stageId),
  plain('status', 'Status', (d) => d.status),
  plain('probability', 'Probability', (d) => d.probability),
  money('weightedAmount', 'Weighted amount', (d) => ({ amount: d.weightedAmount, currency: d.currency })),
  plain('expectedCloseDate', 'Expected close', (d) => d.expectedCloseDate),
  person('ownerId', 'Owner', (d) => d.ownerId),
  named('companyId', 'Company', 'companies', (d) => d.companyId),
  namedMany('contacts', 'Contacts', 'contacts', (d) => d.contacts.map((c) => c.contactId)),
  plain('lostReason', 'Lost reason', (d) => d.lostReason),
  plain('closedAt', 'Closed', (d) => d.closedAt),
  plain('stageEnteredAt', 'Entered stage', (d) => d.stageEnteredAt),
  plain('rotten', 'Rotten', (d) => yesNo(d.rotten)),
  plain('externalId', 'External id', (d) => d.externalId),
  plain('lastActivityAt', 'Last activity', (d) => d.lastActivityAt),
  ...timestamps<DealView>(),
];

const linked = (a: ActivityView, type: string) => a.links.filter((l) => l.recordType === type).map((l) => l.recordId);

const activityColumns: ExportColumn<ActivityView>[] = [
  plain('id', 'Id', (a) => a.id),
  plain('kind', 'Kind', (a) => a.kind),
  plain('subject', 'Subject', (a) => a.subject),
  plain('body', 'Body', (a) => a.body),
  plain('occurredAt', 'Occurred', (a) => a.occurredAt),
  person('ownerId', 'Owner', (a) => a.ownerId),
  namedMany('contacts', 'Contacts', 'contacts', (a) => linked(a, 'contact')),
  namedMany('companies', 'Companies', 'companies', (a) => linked(a, 'company')),
  namedMany('deals', 'Deals', 'deals', (a) => linked(a, 'deal')),
  plain('callDirection', 'Call direction', (a) => a.call?.direction ?? null),
  plain('callOutcome', 'Call outcome', (a) => a.call?.outcome ?? null),
  plain('callDurationSeconds', 'Call duration (seconds)', (a) => a.call?.durationSeconds ?? null),
  plain('emailFrom', 'Email from', (a) => a.email?.from ?? null),
  plain('emailTo', 'Email to', (a) => joined(a.email?.to ?? [])),
  plain('meetingStartAt', 'Meeting start', (a) => a.meeting?.startAt ?? null),
  plain('meetingEndAt', 'Meeting end', (a) => a.meeting?.endAt ?? null),
  plain('meetingLocation', 'Meeting location', (a) => a.meeting?.location ?? null),
  ...timestamps<ActivityView>(),
];

const recordKinds = { contact: 'contacts', company: 'companies', deal: 'deals' } as const;

const taskColumns: ExportColumn<TaskView>[] = [
  plain('id', 'Id', (t) => t.id),
  plain('title', 'Title', (t) => t.title),
  plain('notes', 'Notes', (t) => t.notes),
  plain('status', 'Status', (t) => t.status),
  plain('priority', 'Priority', (t) => t.priority),
  plain('dueAt', 'Due', (t) => t.dueAt),
  plain('remindAt', 'Reminder', (t) => t.remindAt),
  person('assigneeId', 'Assignee', (t) => t.assigneeId),
  {
    key: 'record',
    headers: ['Record type', 'Record'],
    cells: (t, n) => (t.record ? [t.record.recordType, n[recordKinds[t.record.recordType]].get(t.record.recordId) ?? null] : [null, null]),
    refs: (t, r) => {
      if (t.record) r[recordKinds[t.record.recordType]].add(t.record.recordId);
    },
  },
  plain('completedAt', 'Completed', (t) => t.completedAt),
  ...timestamps<TaskView>(),
];

/** A custom value as a person reads it: option labels, Yes/No, money in major units, a member's email. */
function customCells(def: CustomFieldRow, value: unknown, names: Names): Cell[] {
  const label = (v: unknown) => def.options.find((o) => o.value === v)?.label ?? String(v);
  if (def.type === 'currency') {
    const m = value as { amount?: number; currency?: string } | null | undefined;
    return m?.amount === undefined ? [null, null] : [moneyDecimal(m.amount, m.currency), m.currency ?? null];
  }
  if (value === null || value === undefined) return [null];
  switch (def.type) {
    case 'number':
      return [typeof value === 'number' ? value : String(value)];
    case 'boolean':
      return [yesNo(value === true)];
    case 'single_select':
      return [label(value)];
    case 'multi_select':
      return [joined((Array.isArray(value) ? value : [value]).map(label))];
    case 'user':
      return [names.users.get(String(value))?.email ?? String(value)];
    default:
      return [typeof value === 'object' ? JSON.stringify(value) : String(value)];
  }
}

/** The columns of a workspace's live custom fields, as `custom.<key>`. */
export function customColumns<V extends { custom: Record<string, unknown> }>(defs: CustomFieldRow[]): ExportColumn<V>[] {
  return defs
    .filter((d) => !d.archived_at)
    .map((def) => ({
      key: `custom.${def.key}`,
      headers: def.type === 'currency' ? [def.label, `${def.label} currency`] : [def.label],
      cells: (v, n) => customCells(def, v.custom[def.key], n),
      refs: (v, r) => {
        const value = v.custom[def.key];
        if (def.type === 'user' && typeof value === 'string') r.users.add(value);
      },
    }));
}

/** Every column an object's list can export, standard then custom. */
export type ColumnsByObject = {
  contact: ExportColumn<ContactView>[];
  company: ExportColumn<CompanyView>[];
  deal: ExportColumn<DealView>[];
  activity: ExportColumn<ActivityView>[];
  task: ExportColumn<TaskView>[];
};

/** The exportable columns of one object type, given its custom field definitions. */
export function columnsOf<O extends ExportObject>(object: O, defs: CustomFieldRow[]): ColumnsByObject[O] {
  const all: { [K in ExportObject]: () => ColumnsByObject[K] } = {
    contact: () => [...contactColumns, ...customColumns<ContactView>(defs)],
    company: () => [...companyColumns, ...customColumns<CompanyView>(defs)],
    deal: () => [...dealColumns, ...customColumns<DealView>(defs)],
    activity: () => activityColumns,
    task: () => taskColumns,
  };
  return all[object]();
}

/** Empty sets of referenced ids, one per kind. */
export function emptyRefs(): Refs {
  return { users: new Set(), companies: new Set(), contacts: new Set(), deals: new Set(), stages: new Set(), pipelines: new Set() };
}
