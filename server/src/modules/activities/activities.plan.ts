import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { normaliseEmail } from '../contacts/contacts.normalize.ts';
import { memberIds } from '../custom-fields/custom-fields.values.ts';
import { renderNote } from './activities.markdown.ts';
import { type ActivityRow, type ActivityValues, type Attendee, liveContactIds, liveLinkTargets } from './activities.repo.ts';
import type { ActivityCreate, ActivityLink, ActivityUpdate } from './activities.schema.ts';

/** A planned activity write: the row values and the records it is linked to. */
export type ActivityPlan = { values: ActivityValues; links: ActivityLink[] };

const kindGroups = { call: 'call', email: 'email', meeting: 'meeting' } as const;

/**
 * Validates and normalises an activity create (no `current`) or an update of `current` (with its
 * `currentLinks`), collecting every field error into one 400: the fields of its kind, email
 * addresses, a meeting's times, and that every newly linked record exists and is live here.
 */
export async function planActivity(
  ctx: Ctx,
  input: ActivityCreate | ActivityUpdate,
  current?: { row: ActivityRow; links: ActivityLink[] },
): Promise<ActivityPlan> {
  const errors: FieldError[] = [];
  const row = current?.row;
  const kind = row?.kind ?? (input as ActivityCreate).kind;

  for (const group of Object.values(kindGroups)) {
    if (input[group] !== undefined && group !== kind)
      errors.push({ field: `body.${group}`, message: `Only ${group} activities have these fields` });
  }

  const subject = input.subject === undefined ? (row?.subject ?? null) : input.subject || null;
  const body = input.body === undefined ? (row?.body ?? null) : input.body?.trim() ? input.body : null;
  if (kind === 'note' && !body) errors.push({ field: 'body.body', message: 'A note needs a body' });

  const members = await memberIds(ctx.tx, ctx.workspaceId);
  const ownerId = input.ownerId === undefined ? (row ? row.owner_id : ctx.actor.userId) : input.ownerId;
  if (ownerId && !members.has(ownerId)) errors.push({ field: 'body.ownerId', message: 'Not a member of this workspace' });

  const call = planCall(kind, input, row, errors);
  const email = planEmail(kind, input, row, errors);
  const meeting = await planMeeting(ctx, kind, input, row, errors);

  const links = dedupeLinks(input.links ?? current?.links ?? []);
  const known = new Set((current?.links ?? []).map(linkKey));
  const fresh = (input.links ?? []).filter((l) => !known.has(linkKey(l)));
  if (fresh.length > 0) {
    const live = await liveLinkTargets(ctx.tx, ctx.workspaceId, fresh);
    (input.links ?? []).forEach((l, i) => {
      if (!known.has(linkKey(l)) && !live.has(linkKey(l))) {
        errors.push({ field: `body.links[${i}]`, message: `No such ${l.recordType} in this workspace`, code: 'not_found' });
      }
    });
  }

  if (errors.length > 0) throw new AppError('validation_failed', 'The activity is not valid', errors);

  const occurredAt = input.occurredAt
    ? new Date(input.occurredAt)
    : (row?.occurred_at ?? (kind === 'meeting' && meeting.meeting_start_at ? meeting.meeting_start_at : new Date()));
  return {
    values: {
      kind,
      subject,
      body,
      body_html: kind === 'note' && body ? renderNote(body) : null,
      occurred_at: occurredAt,
      owner_id: ownerId ?? null,
      ...call,
      ...email,
      ...meeting,
      form_submission: row?.form_submission ?? null,
    },
    links,
  };
}

/** `type:id`, the identity of a link. */
export const linkKey = (l: ActivityLink) => `${l.recordType}:${l.recordId}`;

function dedupeLinks(links: ActivityLink[]): ActivityLink[] {
  return [...new Map(links.map((l) => [linkKey(l), l])).values()];
}

/** A call's direction (required), duration and outcome. */
function planCall(kind: string, input: ActivityUpdate, row: ActivityRow | undefined, errors: FieldError[]) {
  const c = kind === 'call' ? (input.call ?? {}) : {};
  const direction = c.direction ?? row?.call_direction ?? null;
  if (kind === 'call' && !direction) errors.push({ field: 'body.call.direction', message: 'A call is inbound or outbound' });
  return {
    call_direction: direction,
    call_duration_seconds: c.durationSeconds === undefined ? (row?.call_duration_seconds ?? null) : c.durationSeconds,
    call_outcome: c.outcome === undefined ? (row?.call_outcome ?? null) : c.outcome || null,
  };
}

/** A logged email's sender (required), recipients (at least one) and copies, each a valid address. */
function planEmail(kind: string, input: ActivityUpdate, row: ActivityRow | undefined, errors: FieldError[]) {
  const e = kind === 'email' ? (input.email ?? {}) : {};
  const address = (raw: string, field: string) => {
    const value = normaliseEmail(raw);
    if (!value) errors.push({ field, message: 'Not a valid email address' });
    return value ?? raw;
  };
  const list = (raw: string[] | undefined, now: string[], name: 'to' | 'cc') =>
    raw === undefined ? now : raw.map((a, i) => address(a, `body.email.${name}[${i}]`));
  const from = e.from === undefined ? (row?.email_from ?? null) : address(e.from, 'body.email.from');
  const to = list(e.to, row?.email_to ?? [], 'to');
  const cc = list(e.cc, row?.email_cc ?? [], 'cc');
  if (kind === 'email' && !from) errors.push({ field: 'body.email.from', message: 'A logged email needs its sender' });
  if (kind === 'email' && to.length === 0) errors.push({ field: 'body.email.to', message: 'A logged email needs at least one recipient' });
  return { email_from: from, email_to: to, email_cc: cc };
}

/** A meeting's start and end (required, end after start), location and attendees (valid emails, live contacts). */
async function planMeeting(ctx: Ctx, kind: string, input: ActivityUpdate, row: ActivityRow | undefined, errors: FieldError[]) {
  const m = kind === 'meeting' ? (input.meeting ?? {}) : {};
  const startAt = m.startAt ? new Date(m.startAt) : (row?.meeting_start_at ?? null);
  const endAt = m.endAt ? new Date(m.endAt) : (row?.meeting_end_at ?? null);
  if (kind === 'meeting') {
    if (!startAt) errors.push({ field: 'body.meeting.startAt', message: 'A meeting needs its start time' });
    if (!endAt) errors.push({ field: 'body.meeting.endAt', message: 'A meeting needs its end time' });
    if (startAt && endAt && endAt <= startAt) errors.push({ field: 'body.meeting.endAt', message: 'A meeting ends after it starts' });
  }
  let attendees: Attendee[] = row?.meeting_attendees ?? [];
  if (m.attendees) {
    const contactIds = m.attendees.flatMap((a) => (a.contactId ? [a.contactId] : []));
    const live = await liveContactIds(ctx.tx, ctx.workspaceId, contactIds);
    attendees = m.attendees.map((a, i) => {
      const email = normaliseEmail(a.email);
      if (!email) errors.push({ field: `body.meeting.attendees[${i}].email`, message: 'Not a valid email address' });
      if (a.contactId && !live.has(a.contactId)) {
        errors.push({ field: `body.meeting.attendees[${i}].contactId`, message: 'No such contact in this workspace', code: 'not_found' });
      }
      return { email: email ?? a.email, name: a.name ?? null, contactId: a.contactId ?? null };
    });
  }
  return {
    meeting_start_at: startAt,
    meeting_end_at: endAt,
    meeting_location: m.location === undefined ? (row?.meeting_location ?? null) : m.location || null,
    meeting_attendees: attendees,
  };
}
