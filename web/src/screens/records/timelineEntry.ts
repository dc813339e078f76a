import type { components } from '../../api/schema';
import { lifecycleLabel } from '../contacts/format';

/** One entry of a record's timeline. */
export type TimelineEntry = components['schemas']['TimelineEntry'];
type Activity = components['schemas']['Activity'];

/** The picture an entry gets, so calls, meetings, emails and notes are told apart at a glance. */
export type EntryIcon = 'note' | 'call' | 'meeting' | 'email' | 'form' | 'task' | 'stage' | 'change';

/** Which icon an entry shows. */
export function entryIcon(entry: TimelineEntry): EntryIcon {
  if (entry.kind === 'activity') return entry.activity?.kind === 'form_submission' ? 'form' : (entry.activity?.kind ?? 'note');
  if (entry.kind === 'task_created' || entry.kind === 'task_completed') return 'task';
  if (entry.kind === 'stage_change' || entry.kind === 'status_change' || entry.kind === 'lifecycle_change') return 'stage';
  return 'change';
}

const recordNoun = { contact: 'Contact', company: 'Company', deal: 'Deal' } as const;

function callSummary(call: NonNullable<Activity['call']>): string {
  const minutes = call.durationSeconds ? ` · ${Math.max(1, Math.round(call.durationSeconds / 60))} min` : '';
  return `${call.direction === 'inbound' ? 'Inbound' : 'Outbound'} call${call.outcome ? ` · ${call.outcome}` : ''}${minutes}`;
}

/**
 * Whether a logged email went out from the team: its sender is one of the workspace's members.
 * The API keeps sender and recipients, not a direction, so this is how the direction is read back.
 */
export function emailWasSent(activity: Activity, memberEmails: ReadonlySet<string>): boolean {
  const from = activity.email?.from?.toLowerCase();
  return from ? memberEmails.has(from) : true;
}

function activitySummary(a: Activity, memberEmails: ReadonlySet<string>): string {
  switch (a.kind) {
    case 'call':
      return a.call ? callSummary(a.call) : 'Call';
    case 'meeting':
      return a.subject ? `Meeting: ${a.subject}` : 'Meeting';
    case 'form_submission':
      return `Submitted form: ${a.formSubmission?.formName ?? a.subject ?? 'a form'}`;
    case 'email': {
      const verb = emailWasSent(a, memberEmails) ? 'Email sent' : 'Email received';
      return a.subject ? `${verb}: ${a.subject}` : verb;
    }
    default:
      return a.subject ? `Note: ${a.subject}` : 'Note';
  }
}

/** API field names people read differently ("ownerId" is "owner"); others are split at their capitals. */
const fieldWords: Record<string, string> = {
  ownerId: 'owner',
  companyId: 'company',
  parentCompanyId: 'parent company',
  stageId: 'stage',
  pipelineId: 'pipeline',
  employeeCount: 'employees',
  annualRevenueCurrency: 'revenue currency',
  custom: 'custom fields',
  emails: 'email',
  phones: 'phone',
};

/** The changed fields of a change, as words, each once: "email, job title". */
export function changedFields(keys: readonly string[]): string {
  const words = keys.map((k) => fieldWords[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
  return [...new Set(words)].join(', ');
}

/** What a change's values look like in a fact line; null when a value does not read as a line. */
function valueText(key: string, value: unknown, memberNames: ReadonlyMap<string, string>): string | null {
  if (value === null || value === undefined || value === '') return 'empty';
  if (key === 'ownerId' && typeof value === 'string') return memberNames.get(value) ?? 'a former member';
  if (typeof value === 'string') return value.length > 60 ? `${value.slice(0, 59)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'empty';
    const parts = value.map((v) => {
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      // Emails, phones and linked companies read as their address, number or name.
      const o = (v ?? {}) as { address?: unknown; number?: unknown; name?: unknown };
      const text = o.address ?? o.number ?? o.name;
      return typeof text === 'string' ? text : null;
    });
    return parts.every((p) => p !== null) ? valueText('', parts.join(', '), memberNames) : null;
  }
  return null;
}

/** What change lines need to name things: members by user id, each record type's custom fields. */
export type ChangeContext = {
  memberNames?: ReadonlyMap<string, string>;
  customFields?: Partial<Record<TimelineEntry['recordType'], readonly CustomFieldLabels[]>>;
};
type CustomFieldLabels = { key: string; label: string; type?: string; options?: readonly { value: string; label: string }[] | null };

type FieldChanges = Record<string, { from?: unknown; to?: unknown } | undefined>;

/** A field change's changes, by field. */
const changesOf = (entry: TimelineEntry) => ((entry.data as Record<string, unknown>).changes ?? {}) as FieldChanges;

/** The custom fields a change of `custom` changed, by key, with their two values. */
function customChanges(change: { from?: unknown; to?: unknown }): [string, unknown, unknown][] {
  const from = (change.from ?? {}) as Record<string, unknown>;
  const to = (change.to ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((k) => JSON.stringify(from[k] ?? null) !== JSON.stringify(to[k] ?? null))
    .map((k) => [k, from[k], to[k]]);
}

/** Fields whose values a fact line does not show: ids, amounts without their currency, nested records. */
const valuelessFields = new Set(['companyId', 'parentCompanyId', 'amount', 'annualRevenue', 'address', 'consent', 'utm']);
const MAX_CHANGE_FACTS = 4;

/**
 * The values a field change moved between, a line each: "Job title: Engineer → CFO". Custom
 * fields are listed one by one; fields without a readable value (ids, amounts, addresses) are
 * left to the title. At most four lines, the last saying how many more there were.
 */
export function changeFacts(entry: TimelineEntry, context: ChangeContext = {}): string[] {
  if (entry.kind !== 'field_change') return [];
  const memberNames = context.memberNames ?? new Map<string, string>();
  const fields = new Map((context.customFields?.[entry.recordType] ?? []).map((f) => [f.key, f]));
  const changes = changesOf(entry);
  // Each change as its label, its two values and the field whose values they are (a user
  // reference reads as the owner does).
  const pairs: [string, unknown, unknown, string?][] = [];
  for (const [key, change] of Object.entries(changes)) {
    if (!change || valuelessFields.has(key)) continue;
    if (key === 'custom') {
      for (const [k, from, to] of customChanges(change)) {
        // A custom field by its label, a choice by its option's label.
        const field = fields.get(k);
        const option = (v: unknown) => field?.options?.find((o) => o.value === v)?.label ?? v;
        const choice = (v: unknown) => (Array.isArray(v) ? v.map(option) : option(v));
        pairs.push([field?.label ?? changedFields([k]), choice(from), choice(to), field?.type === 'user' ? 'ownerId' : undefined]);
      }
    } else if (key !== 'emails' || !('email' in changes)) pairs.push([changedFields([key]), change.from, change.to, key]);
  }
  const lines = pairs.flatMap(([label, from, to, key = '']) => {
    const a = valueText(key, from, memberNames);
    const b = valueText(key, to, memberNames);
    return a !== null && b !== null ? [`${label.replace(/^./, (c) => c.toUpperCase())}: ${a} → ${b}`] : [];
  });
  if (lines.length <= MAX_CHANGE_FACTS) return lines;
  return [...lines.slice(0, MAX_CHANGE_FACTS - 1), `and ${lines.length - MAX_CHANGE_FACTS + 1} more`];
}

/** The fields a change changed, custom ones by their labels when known: "contract tier, job title". */
function changedFieldNames(entry: TimelineEntry, context: ChangeContext): string {
  const changes = changesOf(entry);
  const labels = new Map((context.customFields?.[entry.recordType] ?? []).map((f) => [f.key, f.label]));
  if (!changes.custom || labels.size === 0) return changedFields(Object.keys(changes));
  const named = customChanges(changes.custom).map(([k]) => labels.get(k) ?? changedFields([k]));
  return [
    ...new Set([
      ...named,
      ...Object.keys(changes)
        .filter((k) => k !== 'custom')
        .map((k) => changedFields([k])),
    ]),
  ].join(', ');
}

/** One line saying what an entry is, in words. */
export function entryTitle(entry: TimelineEntry, memberEmails: ReadonlySet<string> = new Set(), context: ChangeContext = {}): string {
  const data = entry.data as Record<string, unknown>;
  switch (entry.kind) {
    case 'created':
      return `${recordNoun[entry.recordType]} created`;
    case 'activity':
      return entry.activity ? activitySummary(entry.activity, memberEmails) : 'Activity';
    case 'lifecycle_change':
      return `Lifecycle stage changed to ${lifecycleLabel(String(data.to ?? ''))}`;
    case 'stage_change': {
      const stage = (end: unknown) => (end as { name?: string | null } | undefined)?.name ?? 'a removed stage';
      return `Moved from ${stage(data.from)} to ${stage(data.to)}`;
    }
    case 'status_change':
      if (data.to === 'won') return 'Marked won';
      if (data.to === 'lost') return data.lostReason ? `Marked lost: ${String(data.lostReason)}` : 'Marked lost';
      return 'Reopened';
    case 'field_change':
      return `Changed ${changedFieldNames(entry, context) || 'fields'}`;
    case 'task_created':
      return `Task created: ${String(data.title ?? '')}`;
    case 'task_completed':
      return `Task completed: ${String(data.title ?? '')}`;
    default:
      return entry.kind.replaceAll('_', ' ').replace(/^./, (ch) => ch.toUpperCase());
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** The facts under an activity's title: when and where a meeting was and who came, who an email went between. */
export function activityFacts(a: Activity): string[] {
  if (a.kind === 'meeting' && a.meeting) {
    const { startAt, endAt, location, attendees } = a.meeting;
    const when = startAt
      ? `${dayFormat.format(new Date(startAt))}, ${timeFormat.format(new Date(startAt))}${endAt ? `–${timeFormat.format(new Date(endAt))}` : ''}`
      : null;
    const who = attendees.length > 0 ? attendees.map((p) => p.name || p.email).join(', ') : null;
    return [when, location, who].filter((f): f is string => Boolean(f));
  }
  if (a.kind === 'form_submission' && a.formSubmission) {
    const { pageUrl, referrer, utm, consent } = a.formSubmission;
    const campaign = ['source', 'medium', 'campaign', 'term', 'content'].flatMap((k) => (utm[k] ? [`${k} ${utm[k]}`] : [])).join(' · ');
    return [
      pageUrl ? `On ${pageUrl}` : null,
      referrer ? `Came from ${referrer}` : null,
      campaign ? `UTM: ${campaign}` : null,
      consent ? `Consent given for ${consent.channels.join(' and ')} (text ${consent.textVersion})` : null,
    ].filter((f): f is string => Boolean(f));
  }
  if (a.kind === 'email' && a.email) {
    const cc = a.email.cc.length > 0 ? ` (cc ${a.email.cc.join(', ')})` : '';
    return [`${a.email.from ?? 'Unknown sender'} → ${a.email.to.join(', ')}${cc}`];
  }
  return [];
}

/** Whether a body is long enough to start folded (more than a few lines). */
export function isLongBody(body: string | null | undefined): boolean {
  if (!body) return false;
  return body.length > 280 || body.split('\n').length > 4;
}
