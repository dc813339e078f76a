import type { components } from '../../api/schema';
import { invalidFields } from '../deals/requirements';
import { localInputToIso } from '../tasks/tasks';

/** An activity as POST /activities takes it. */
export type ActivityCreate = components['schemas']['ActivityCreate'];

/** A record an activity is logged on. */
export type ActivityLink = ActivityCreate['links'][number];

/** What the composer logs: a Markdown note, a call, a meeting or an email. */
export type ComposerKind = 'note' | 'call' | 'meeting' | 'email';

/** The composer's tabs, in order, with the words on them and on their submit buttons. */
export const composerKinds: readonly { kind: ComposerKind; tab: string; submit: string; done: string }[] = [
  { kind: 'note', tab: 'Note', submit: 'Add note', done: 'Note added' },
  { kind: 'call', tab: 'Call', submit: 'Log call', done: 'Call logged' },
  { kind: 'meeting', tab: 'Meeting', submit: 'Log meeting', done: 'Meeting logged' },
  { kind: 'email', tab: 'Email', submit: 'Log email', done: 'Email logged' },
];

/** Addresses typed into one box, separated by commas, semicolons or new lines. */
export function addressList(typed: string): string[] {
  return typed
    .split(/[,;\n]/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** "2026-03-04T09:00" for a datetime-local input, in local time. */
export function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A meeting that just ended: from the last quarter hour, half an hour back, to that quarter hour. */
export function recentMeeting(now = new Date()): { start: string; end: string } {
  const end = new Date(now);
  end.setMinutes(Math.floor(end.getMinutes() / 15) * 15, 0, 0);
  const start = new Date(end.getTime() - 30 * 60_000);
  return { start: toLocalInput(start), end: toLocalInput(end) };
}

const text = (form: FormData, key: string) => String(form.get(key) ?? '').trim();

/**
 * What the composer sends for `kind`, read from its form. Mistakes the API would refuse anyway
 * (an empty note, minutes that are not a number, a meeting ending before it starts, an email
 * without sender or recipient) are thrown as field errors before anything is sent.
 */
export function activityFromForm(kind: ComposerKind, links: ActivityLink[], form: FormData): ActivityCreate {
  const body = text(form, 'body');
  switch (kind) {
    case 'note':
      if (!body) throw invalidFields([{ field: 'body', message: 'Write the note first' }]);
      return { kind, body, links };
    case 'call':
      return callFromForm(links, form, body);
    case 'meeting':
      return meetingFromForm(links, form, body);
    case 'email':
      return emailFromForm(links, form, body);
  }
}

function callFromForm(links: ActivityLink[], form: FormData, body: string): ActivityCreate {
  const typedMinutes = text(form, 'minutes');
  const minutes = typedMinutes === '' ? null : Number(typedMinutes.replace(',', '.'));
  if (minutes !== null && !(Number.isFinite(minutes) && minutes >= 0)) {
    throw invalidFields([{ field: 'call.durationSeconds', message: 'Enter the length in minutes, like 15' }]);
  }
  return {
    kind: 'call',
    body: body || null,
    links,
    call: {
      direction: text(form, 'direction') === 'inbound' ? 'inbound' : 'outbound',
      durationSeconds: minutes === null ? null : Math.round(minutes * 60),
      outcome: text(form, 'outcome') || null,
    },
  };
}

function meetingFromForm(links: ActivityLink[], form: FormData, body: string): ActivityCreate {
  const startAt = localInputToIso(text(form, 'startAt'));
  const endAt = localInputToIso(text(form, 'endAt'));
  const errors: { field: string; message: string }[] = [];
  if (!startAt) errors.push({ field: 'meeting.startAt', message: 'When did it start?' });
  if (!endAt) errors.push({ field: 'meeting.endAt', message: 'When did it end?' });
  if (startAt && endAt && endAt <= startAt) errors.push({ field: 'meeting.endAt', message: 'A meeting ends after it starts' });
  if (errors.length > 0) throw invalidFields(errors);
  return {
    kind: 'meeting',
    subject: text(form, 'subject') || null,
    body: body || null,
    links,
    meeting: {
      ...(startAt ? { startAt } : {}),
      ...(endAt ? { endAt } : {}),
      location: text(form, 'location') || null,
      attendees: addressList(text(form, 'attendees')).map((email) => ({ email })),
    },
  };
}

function emailFromForm(links: ActivityLink[], form: FormData, body: string): ActivityCreate {
  const from = text(form, 'from');
  const to = addressList(text(form, 'to'));
  const errors: { field: string; message: string }[] = [];
  if (!from) errors.push({ field: 'email.from', message: 'Who sent it?' });
  if (to.length === 0) errors.push({ field: 'email.to', message: 'Who was it sent to?' });
  if (errors.length > 0) throw invalidFields(errors);
  return {
    kind: 'email',
    subject: text(form, 'subject') || null,
    body: body || null,
    links,
    email: { from, to, cc: addressList(text(form, 'cc')) },
  };
}

/**
 * The error to show beside a box that holds a list (`email.to`): its own, or the first about one
 * of its items (`email.to[1]`), since the API names each bad address by its place.
 */
export function listError(errors: Record<string, string>, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const item = Object.keys(errors).find((k) => k.startsWith(`${field}[`));
  return item ? errors[item] : undefined;
}
