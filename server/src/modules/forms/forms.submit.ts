import { type Ctx, systemActor } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { emitEvent } from '../../lib/audit.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { lifecycleStages } from '../../records/record-types.ts';
import type { ActivityValues } from '../activities/activities.repo.ts';
import type { FormSubmissionDetails } from '../activities/activities.schema.ts';
import { insertPlannedActivity } from '../activities/activities.service.ts';
import { normaliseEmail } from '../contacts/contacts.normalize.ts';
import { contactWriteEnv, planContact } from '../contacts/contacts.plan.ts';
import { type ContactRow, insertConsentEvents } from '../contacts/contacts.repo.ts';
import { type ContactWrite, contactWriteSchema } from '../contacts/contacts.schema.ts';
import { applyContactWrites } from '../contacts/contacts.write.ts';
import { createConfirmation, type PendingConfirmation } from './forms.confirm.ts';
import type { FormProperty } from './forms.fields.ts';
import { type FormRow, insertSubmission, lockContactByEmail } from './forms.repo.ts';
import type { StoredField, SubmissionBody } from './forms.schema.ts';
import { propertiesOf } from './forms.service.ts';

type Value = string | number | boolean | string[];
type Raw = SubmissionBody['values'][string] | undefined;

const TRUE_WORDS = new Set(['on', 'true', '1', 'yes']);
const utmKeys = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/** Where a submission came from, as the public route saw it. */
export type SubmissionMeta = { pageUrl: string | null; referrer: string | null; ip: string | null; userAgent: string | null };

/** What an accepted submission wrote, and the confirmation email to send once it has committed (double opt-in). */
export type SubmissionOutcome = { contactId: string; submissionId: string; confirmation: PendingConfirmation | null };

/** One answer read as its field's type: undefined when left empty; an error message when unreadable. */
function readValue(field: StoredField, raw: Raw): { value?: Value; error?: string } {
  if (raw === undefined || raw === null) return {};
  if (field.type === 'checkbox')
    return typeof raw === 'boolean' ? { value: raw || undefined } : { value: TRUE_WORDS.has(String(raw).toLowerCase()) || undefined };
  if (field.type === 'checkboxes') {
    const list = (Array.isArray(raw) ? raw : [String(raw)]).map((v) => v.trim()).filter(Boolean);
    return list.length > 0 ? { value: [...new Set(list)] } : {};
  }
  if (Array.isArray(raw)) return { error: 'Expected one value' };
  const text = String(raw).trim();
  if (!text) return {};
  if (field.type === 'number') {
    const n = Number(text.replace(',', '.'));
    return Number.isFinite(n) ? { value: n } : { error: 'Enter a number' };
  }
  return { value: text };
}

/** How an answer reads in a list: choices by their labels, yes/no for a checkbox. */
function displayValue(field: StoredField, value: Value, property: FormProperty | undefined): string {
  const label = (v: string) => property?.options?.find((o) => o.value === v)?.label ?? v;
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return field.type === 'select' || field.type === 'radio' ? label(String(value)) : String(value);
}

/** The form field key an error of the contact write path is about (`body.custom.plan` → `custom.plan`). */
function fieldOfContactError(path: string): string {
  const p = path.replace(/^body\.?/, '');
  if (p.startsWith('email')) return 'email';
  if (p.startsWith('phone')) return 'phone';
  return p || 'form';
}

function unprocessable(errors: FieldError[]): AppError {
  return new AppError('unprocessable', 'Some answers need fixing', errors);
}

/** The stage a submission moves a contact to: the form's stage for a new contact; for others only forward, never back. */
function nextStage(form: FormRow, current: ContactRow | undefined): ContactWrite['lifecycleStage'] {
  const target = form.lifecycle_stage as ContactWrite['lifecycleStage'];
  if (!target) return undefined;
  if (!current) return target;
  const order = (s: string) => (s === 'other' ? -1 : lifecycleStages.indexOf(s as never));
  return order(current.lifecycle_stage) >= 0 && order(target) > order(current.lifecycle_stage) ? target : undefined;
}

/**
 * The consent state a ticked box gives a channel: subscribed, or with double opt-in pending until
 * the emailed link is confirmed; a contact already subscribed stays subscribed.
 */
function consentStateOf(form: FormRow, current: ContactRow | undefined, channel: 'email' | 'sms'): 'subscribed' | 'pending' {
  if (!form.consent.doubleOptIn || current?.consent[channel]?.state === 'subscribed') return 'subscribed';
  return 'pending';
}

/** The UTM parameters of a URL's query (`utm_source` …), if it has any. */
export function utmOfUrl(url: string | null): Record<string, string> {
  if (!url) return {};
  try {
    const params = new URL(url).searchParams;
    return Object.fromEntries(
      utmKeys.flatMap((k) => (params.get(`utm_${k}`)?.trim() ? [[k, params.get(`utm_${k}`)?.trim() as string]] : [])),
    );
  } catch {
    return {};
  }
}

/**
 * The contact write a submission makes: only answers that were given (an empty answer never
 * clears a value), first-touch UTM and lead source only where the contact has none, the form's
 * tags added, its owner and stage for new contacts, and consent as the visitor gave it.
 */
function contactWriteOf(
  form: FormRow,
  answers: Map<string, Value>,
  current: ContactRow | undefined,
  utm: Record<string, string>,
  consent: { given: boolean; source: string },
): ContactWrite {
  const write: ContactWrite & { address: Record<string, string>; custom: Record<string, unknown> } = { address: {}, custom: {} };
  for (const [key, value] of answers) {
    if (key.startsWith('custom.')) write.custom[key.slice(7)] = value;
    else if (key.startsWith('address.')) write.address[key.slice(8)] = String(value);
    else if (key !== 'email' || !current) (write as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(write.address).length === 0) delete (write as ContactWrite).address;
  if (Object.keys(write.custom).length === 0) delete (write as ContactWrite).custom;
  write.lifecycleStage = nextStage(form, current);
  if (!current && form.owner_id) write.ownerId = form.owner_id;
  else if (current && !current.owner_id && form.owner_id) write.ownerId = form.owner_id;
  const tags = new Set([...(current?.tags ?? []), ...form.tags]);
  if (tags.size !== (current?.tags.length ?? 0)) write.tags = [...tags];
  const hasUtm = Object.values(current?.utm ?? {}).some(Boolean);
  if (!hasUtm && Object.keys(utm).length > 0) write.utm = utm;
  if (!current?.lead_source) write.leadSource = `Form: ${form.name}`.slice(0, 200);
  if (consent.given) {
    const hasPhone = answers.has('phone') || Boolean(current?.phone);
    const entry = (channel: 'email' | 'sms') => ({
      state: consentStateOf(form, current, channel),
      method: 'form' as const,
      source: consent.source,
      textVersion: form.consent.textVersion ?? undefined,
    });
    write.consent = {};
    for (const channel of form.consent.channels) if (channel === 'email' || hasPhone) write.consent[channel] = entry(channel);
  }
  return write;
}

/** The activity a submission adds to the contact's timeline. */
function activityValuesOf(form: FormRow, details: FormSubmissionDetails): ActivityValues {
  return {
    kind: 'form_submission',
    subject: form.name,
    body: details.values.map((v) => `${v.label}: ${v.value}`).join('\n'),
    body_html: null,
    occurred_at: new Date(),
    owner_id: null,
    call_direction: null,
    call_duration_seconds: null,
    call_outcome: null,
    email_from: null,
    email_to: [],
    email_cc: [],
    meeting_start_at: null,
    meeting_end_at: null,
    meeting_location: null,
    meeting_attendees: [],
    form_submission: details,
  };
}

/**
 * Accepts a submission: checks every answer (a 422 naming each field, nothing written), then
 * in one transaction creates or updates the contact found by its normalised email through the
 * contacts write path (normalisation, custom-field checks, audit, events), records consent
 * with the form's text version (pending, with a link to email, when the form asks for double
 * opt-in), adds a form_submission activity with page, referrer, UTM and
 * answers, stores the submission and emits `form.submitted`.
 */
export async function acceptSubmission(
  db: Database,
  form: FormRow,
  body: SubmissionBody,
  meta: SubmissionMeta,
): Promise<SubmissionOutcome> {
  if (form.status !== 'active') throw new AppError('gone', 'This form no longer accepts submissions');
  return db.transaction(async (tx) => {
    const ctx: Ctx = { workspaceId: form.workspace_id, actor: systemActor, role: 'owner', tx };
    const properties = await propertiesOf(ctx);
    const errors: FieldError[] = [];
    const answers = new Map<string, Value>();
    for (const field of form.fields) {
      const read = readValue(field, body.values[field.key]);
      if (read.error) errors.push({ field: field.key, message: read.error });
      else if (read.value === undefined) {
        if (field.required)
          errors.push({ field: field.key, message: field.type === 'checkbox' ? 'Tick this box to continue' : 'This field is required' });
      } else answers.set(field.key, read.value);
    }
    const email = answers.has('email') ? normaliseEmail(String(answers.get('email'))) : undefined;
    if (answers.has('email') && !email) errors.push({ field: 'email', message: 'Enter a valid email address' });
    if (email) answers.set('email', email);
    const consentGiven = form.consent.enabled && body.consent === true;
    if (form.consent.enabled && form.consent.required && !consentGiven)
      errors.push({ field: 'consent', message: 'Tick this box to continue' });
    if (errors.length > 0 || !email) throw unprocessable(errors);

    const current = await lockContactByEmail(tx, ctx.workspaceId, email);
    const utm = Object.keys(body.utm ?? {}).length > 0 ? cleanUtm(body.utm ?? {}) : utmOfUrl(meta.pageUrl);
    const source = `form ${form.id}; page ${meta.pageUrl ?? '-'}; ip ${meta.ip ?? '-'}`.slice(0, 2000);
    const write = contactWriteOf(form, answers, current, utm, { given: consentGiven, source });
    const parsed = contactWriteSchema.safeParse(write);
    if (!parsed.success) {
      throw unprocessable(
        parsed.error.issues.map((i) => ({ field: fieldOfContactError(['body', ...i.path.map(String)].join('.')), message: i.message })),
      );
    }
    let plan: ReturnType<typeof planContact>;
    try {
      plan = planContact(ctx, await contactWriteEnv(ctx, [parsed.data]), parsed.data, current);
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed' && err.errors) {
        throw unprocessable(err.errors.map((e) => ({ field: fieldOfContactError(e.field), message: e.message })));
      }
      throw err;
    }
    const contactId = current?.id ?? newId();
    await applyContactWrites(ctx, [{ id: contactId, plan, current }]);
    const textVersion = form.consent.textVersion ?? '';
    // Consent given again in the same state (subscribed, or still pending) changes no state, but the history keeps it as proof.
    const reconfirmed = Object.entries(write.consent ?? {}).filter(([channel]) => !plan.consent.some((c) => c.channel === channel));
    await insertConsentEvents(
      tx,
      ctx.workspaceId,
      reconfirmed.map(([channel, entry]) => ({
        id: newId(),
        contactId,
        channel,
        state: entry.state,
        method: 'form',
        source,
        textVersion,
        actorType: systemActor.type,
        actorId: null,
      })),
    );

    const submissionId = newId();
    const details: FormSubmissionDetails = {
      formId: form.id,
      formName: form.name,
      submissionId,
      pageUrl: meta.pageUrl,
      referrer: meta.referrer,
      utm,
      values: form.fields.flatMap((f) => {
        const value = answers.get(f.key);
        return value === undefined ? [] : [{ key: f.key, label: f.label, value: displayValue(f, value, properties.get(f.key)) }];
      }),
      consent: consentGiven ? { channels: Object.keys(write.consent ?? {}), textVersion } : null,
    };
    const activity = await insertPlannedActivity(ctx, {
      values: activityValuesOf(form, details),
      links: [{ recordType: 'contact', recordId: contactId }],
    });
    await insertSubmission(tx, {
      workspaceId: ctx.workspaceId,
      id: submissionId,
      formId: form.id,
      contactId,
      activityId: activity.row.id,
      contactCreated: !current,
      values: details.values,
      pageUrl: meta.pageUrl,
      referrer: meta.referrer,
      utm,
      consent: details.consent,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    await emitEvent(ctx, {
      type: 'form.submitted',
      recordType: 'form',
      recordId: form.id,
      payload: { ...details, contactId, contactCreated: !current, activityId: activity.row.id },
    });
    const confirmation =
      write.consent?.email?.state === 'pending' ? await createConfirmation(tx, form, { contactId, submissionId, email }) : null;
    return { contactId, submissionId, confirmation };
  });
}

function cleanUtm(utm: NonNullable<SubmissionBody['utm']>): Record<string, string> {
  return Object.fromEntries(Object.entries(utm).flatMap(([k, v]) => (v?.trim() ? [[k, v.trim()]] : [])));
}
