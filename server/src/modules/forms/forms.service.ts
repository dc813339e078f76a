import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, type FieldError, notFound, staleWrite } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import { authorize } from '../../policies.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { memberIds } from '../custom-fields/custom-fields.values.ts';
import { type FormProperty, formProperties, planFields } from './forms.fields.ts';
import { formAuditFields } from './forms.presenter.ts';
import {
  deleteForm,
  type FormRow,
  type FormValues,
  findForm,
  insertForm,
  keepConsentText,
  listForms,
  listSubmissions,
  type SubmissionRow,
  updateForm,
} from './forms.repo.ts';
import type { FormCreate, FormUpdate, StoredConsent } from './forms.schema.ts';

/** The properties forms of this workspace can fill, by key. */
export async function propertiesOf(ctx: Pick<Ctx, 'tx' | 'workspaceId'>): Promise<Map<string, FormProperty>> {
  const props = formProperties(await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact'));
  return new Map(props.map((p) => [p.key, p]));
}

/** The properties a form field can fill, for the form builder. */
export async function formPropertiesFor(ctx: Ctx): Promise<Map<string, FormProperty>> {
  authorize(ctx, 'records.read');
  return propertiesOf(ctx);
}

/** The version a consent text is recorded under: a short hash of its exact words. */
export function consentTextVersion(text: string): string {
  return `sha256:${hashToken(text).slice(0, 16)}`;
}

/** `scheme://host[:port]` of an allowed origin as browsers send it, or undefined when it is not one. */
export function normaliseOrigin(raw: string): string | undefined {
  if (raw === '*') return raw;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Validates a whole form (a create, or an update merged onto the current form), naming every bad field in one 400. */
async function planForm(ctx: Ctx, input: FormUpdate, current?: FormRow): Promise<FormValues> {
  const errors: FieldError[] = [];
  const properties = [...(await propertiesOf(ctx)).values()];
  const fields = input.fields ? planFields(input.fields, properties, errors) : (current?.fields ?? []);
  const consentIn = input.consent;
  const consent: StoredConsent = consentIn
    ? { ...consentIn, channels: [...new Set(consentIn.channels)], textVersion: consentIn.text ? consentTextVersion(consentIn.text) : null }
    : (current?.consent ?? { enabled: false, channels: ['email'], text: '', required: false, textVersion: null, doubleOptIn: false });
  if (consent.enabled && !consent.text)
    errors.push({ field: 'body.consent.text', message: 'Say what people agree to beside the checkbox' });
  if (consent.enabled && consent.channels.includes('sms') && !fields.some((f) => f.key === 'phone')) {
    errors.push({ field: 'body.consent.channels', message: 'SMS consent needs a phone field on the form' });
  }
  // The emailed link proves the address, not a phone number: SMS consent cannot be confirmed by it.
  if (consent.doubleOptIn && !consent.enabled)
    errors.push({ field: 'body.consent.doubleOptIn', message: 'Double opt-in confirms the consent checkbox: ask for consent first' });
  else if (consent.doubleOptIn && consent.channels.includes('sms'))
    errors.push({ field: 'body.consent.doubleOptIn', message: 'Double opt-in confirms by email, so it works for email consent only' });
  const origins = (input.allowedOrigins ?? current?.allowed_origins ?? []).map((o, i) => {
    const origin = normaliseOrigin(o);
    if (!origin) errors.push({ field: `body.allowedOrigins[${i}]`, message: 'Expected an origin like https://www.example.com, or *' });
    return origin ?? o;
  });
  const redirectUrl = input.redirectUrl === undefined ? (current?.redirect_url ?? null) : input.redirectUrl || null;
  if (redirectUrl && !isHttpUrl(redirectUrl)) errors.push({ field: 'body.redirectUrl', message: 'Expected an http(s) URL' });
  const ownerId = input.ownerId === undefined ? (current ? current.owner_id : null) : input.ownerId;
  if (ownerId && !(await memberIds(ctx.tx, ctx.workspaceId)).has(ownerId)) {
    errors.push({ field: 'body.ownerId', message: 'Not a member of this workspace' });
  }
  if (errors.length > 0) throw new AppError('validation_failed', 'The form is not valid', errors);
  return {
    name: input.name ?? current?.name ?? '',
    status: input.status ?? current?.status ?? 'active',
    fields,
    consent,
    submit_label: input.submitButtonLabel ?? current?.submit_label ?? 'Submit',
    thank_you_message: input.thankYouMessage === undefined ? (current?.thank_you_message ?? null) : input.thankYouMessage || null,
    redirect_url: redirectUrl,
    allowed_origins: [...new Set(origins)],
    lifecycle_stage: input.lifecycleStage === undefined ? (current?.lifecycle_stage ?? null) : input.lifecycleStage,
    owner_id: ownerId,
    tags: input.tags ? [...new Set(input.tags)] : (current?.tags ?? []),
  };
}

/** Keeps the form's current consent text under its version, so consent given with it can be shown word for word. */
async function keepConsent(ctx: Ctx, row: FormRow): Promise<void> {
  if (row.consent.textVersion) await keepConsentText(ctx.tx, ctx.workspaceId, row.id, row.consent.textVersion, row.consent.text);
}

/** Creates a form with a new random public id. */
export async function createForm(ctx: Ctx, input: FormCreate): Promise<FormRow> {
  authorize(ctx, 'forms.manage');
  const values = await planForm(ctx, input);
  const row = await insertForm(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    publicId: randomToken(12),
    createdBy: ctx.actor.userId,
    values,
  });
  await keepConsent(ctx, row);
  await recordWrite(ctx, { recordType: 'form', recordId: row.id, action: 'create', before: null, after: formAuditFields(row) });
  return row;
}

/** A form of the workspace, or not_found. */
export async function getForm(ctx: Ctx, id: string): Promise<FormRow> {
  authorize(ctx, 'records.read');
  const row = await findForm(ctx.tx, ctx.workspaceId, id);
  if (!row) throw notFound('Form');
  return row;
}

/** A page of forms, newest first. */
export async function listWorkspaceForms(
  ctx: Ctx,
  q: { status?: 'active' | 'archived'; limit: number; before?: string },
): Promise<FormRow[]> {
  authorize(ctx, 'records.read');
  return listForms(ctx.tx, ctx.workspaceId, q);
}

/** Changes a form; `expectedVersion` (If-Match) refuses a stale write. */
export async function changeForm(ctx: Ctx, input: { id: string; patch: FormUpdate; expectedVersion?: number }): Promise<FormRow> {
  authorize(ctx, 'forms.manage');
  const current = await getForm(ctx, input.id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const values = await planForm(ctx, input.patch, current);
  const row = await updateForm(ctx.tx, ctx.workspaceId, current.id, current.version, values);
  if (!row) throw staleWrite(current.version + 1);
  await keepConsent(ctx, row);
  await recordWrite(ctx, {
    recordType: 'form',
    recordId: row.id,
    action: 'update',
    before: formAuditFields(current),
    after: formAuditFields(row),
  });
  return row;
}

/** Deletes a form and its submissions list; contacts and their timelines keep what the form wrote. */
export async function removeForm(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  authorize(ctx, 'forms.manage');
  const current = await getForm(ctx, input.id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await deleteForm(ctx.tx, ctx.workspaceId, current.id);
  await recordWrite(ctx, { recordType: 'form', recordId: current.id, action: 'delete', before: formAuditFields(current), after: null });
}

/** A page of a form's submissions, newest first. */
export async function listFormSubmissions(ctx: Ctx, q: { formId: string; limit: number; before?: string }): Promise<SubmissionRow[]> {
  const form = await getForm(ctx, q.formId);
  return listSubmissions(ctx.tx, ctx.workspaceId, form.id, q);
}
