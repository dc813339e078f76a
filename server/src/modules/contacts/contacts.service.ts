import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { emitEvent, recordWrite } from '../../lib/audit.ts';
import { AppError, type FieldError, notFound, staleWrite } from '../../lib/errors.ts';
import type { FilterGroups } from '../../lib/filters.ts';
import { newId } from '../../lib/ids.ts';
import { listRecords, type Sort } from '../../lib/record-list.ts';
import { escapeLike, type SqlParams } from '../../lib/sql-params.ts';
import { authorize } from '../../policies.ts';
import { contactType } from '../../records/record-types.ts';
import { addTimelineEntry, visibleChanges } from '../../records/timeline.ts';
import { type CustomFieldRow, listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { applyCustomValues, customFieldDefs, memberIds } from '../custom-fields/custom-fields.values.ts';
import type { WorkspaceSettings } from '../workspaces/workspaces.repo.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { buildEmails, buildPhones, compactObject, normaliseEmail, normalisePhone } from './contacts.normalize.ts';
import { type ContactView, contactView } from './contacts.presenter.ts';
import {
  type ContactRow,
  type ContactValues,
  companyLinksOf,
  contactSelect,
  existingCompanyIds,
  findContactRow,
  insertConsentEvents,
  insertContactRow,
  replaceCompanyLinks,
  setContactDeleted,
  updateContactRow,
} from './contacts.repo.ts';
import type { ContactWrite } from './contacts.schema.ts';

/** What validating contact writes needs from the workspace, loaded once per request or batch. */
export type ContactWriteEnv = { settings: WorkspaceSettings; members: Set<string>; customDefs: CustomFieldRow[] };

/** Loads the workspace defaults, members and contact custom fields for validating writes. */
export async function contactWriteEnv(ctx: Ctx): Promise<ContactWriteEnv> {
  const [workspace, members, customDefs] = await Promise.all([
    findWorkspace(ctx.tx, ctx.workspaceId),
    memberIds(ctx.tx, ctx.workspaceId),
    listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact'),
  ]);
  return { settings: { ...defaultWorkspaceSettings, ...workspace?.settings }, members, customDefs };
}

type CompanyLink = { companyId: string; title: string | null; role: string | null; primary: boolean };
type ConsentChange = { channel: 'email' | 'sms'; state: string; method: string; source: string | null; textVersion: string | null };

/** A validated contact write: the row values, and the links and consent history to write with it. */
type ContactPlan = { values: ContactValues; companies?: CompanyLink[]; consent: ConsentChange[] };

const emptyConsent = { state: 'never_subscribed', updatedAt: null, method: null, source: null, textVersion: null };

/** Validates and normalises a create (no `current`) or update; collects every error before failing. */
async function planContact(ctx: Ctx, env: ContactWriteEnv, input: ContactWrite, current?: ContactRow): Promise<ContactPlan> {
  const errors: FieldError[] = [];
  const emails = buildEmails(input.email, input.emails, current?.emails ?? [], errors);
  const phones = buildPhones(input.phone, input.phones, current?.phones ?? [], env.settings.phoneRegion, errors);
  const custom = applyCustomValues(env.customDefs, current?.custom ?? {}, input.custom, {
    currency: env.settings.currency,
    phoneRegion: env.settings.phoneRegion,
    memberIds: env.members,
  });
  errors.push(...custom.errors);
  const ownerId = input.ownerId === undefined ? (current ? current.owner_id : ctx.actor.userId) : input.ownerId;
  if (ownerId && !env.members.has(ownerId)) errors.push({ field: 'body.ownerId', message: 'Not a member of this workspace' });
  if (input.timezone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: input.timezone });
    } catch {
      errors.push({ field: 'body.timezone', message: 'Not an IANA time zone, like Europe/Paris' });
    }
  }
  let companies: CompanyLink[] | undefined;
  if (input.companies) {
    const ids = input.companies.map((c) => c.companyId);
    const existing = await existingCompanyIds(ctx.tx, ctx.workspaceId, ids);
    input.companies.forEach((c, i) => {
      if (!existing.has(c.companyId)) errors.push({ field: `body.companies[${i}].companyId`, message: 'No such company' });
    });
    const unique = [...new Map(input.companies.map((c) => [c.companyId, c])).values()];
    const primary = Math.max(
      0,
      unique.findIndex((c) => c.primary),
    );
    companies = unique.map((c, i) => ({ companyId: c.companyId, title: c.title ?? null, role: c.role ?? null, primary: i === primary }));
  }
  const consentNow = { email: current?.consent.email ?? emptyConsent, sms: current?.consent.sms ?? emptyConsent };
  const consent: ConsentChange[] = [];
  for (const channel of ['email', 'sms'] as const) {
    const c = input.consent?.[channel];
    if (!c || c.state === consentNow[channel].state) continue;
    const change = {
      channel,
      state: c.state,
      method: c.method ?? (ctx.actor.type === 'api_key' ? 'api' : 'manual'),
      source: c.source ?? null,
      textVersion: c.textVersion ?? null,
    };
    consent.push(change);
    consentNow[channel] = {
      state: change.state,
      updatedAt: new Date().toISOString(),
      method: change.method,
      source: change.source,
      textVersion: change.textVersion,
    };
  }
  const lifecycle = input.lifecycleStage ?? current?.lifecycle_stage ?? 'lead';
  const hasName = (input.firstName ?? current?.first_name) || (input.lastName ?? current?.last_name);
  if (!hasName && emails.length === 0 && phones.length === 0) {
    errors.push({ field: 'body', message: 'A contact needs at least a name, an email or a phone' });
  }
  if (errors.length > 0) throw new AppError('validation_failed', 'The contact is not valid', errors);
  const keep = <K extends keyof ContactWrite>(k: K, col: keyof ContactRow) =>
    (input[k] === undefined ? (current?.[col] ?? null) : (input[k] ?? null)) as never;
  return {
    values: {
      first_name: keep('firstName', 'first_name'),
      last_name: keep('lastName', 'last_name'),
      email: emails.find((e) => e.primary)?.address ?? null,
      emails,
      email_list: emails.map((e) => e.address),
      phone: phones.find((p) => p.primary)?.number ?? null,
      phones,
      phone_list: phones.map((p) => p.number),
      job_title: keep('jobTitle', 'job_title'),
      owner_id: ownerId ?? null,
      lifecycle_stage: lifecycle,
      lifecycle_changed_at: current && current.lifecycle_stage === lifecycle ? current.lifecycle_changed_at : new Date(),
      lead_source: keep('leadSource', 'lead_source'),
      utm: compactObject(current?.utm ?? {}, input.utm),
      tags: input.tags ? [...new Set(input.tags)] : (current?.tags ?? []),
      address: compactObject(current?.address ?? {}, input.address),
      timezone: keep('timezone', 'timezone'),
      consent: consentNow,
      external_id: keep('externalId', 'external_id'),
      custom: custom.values,
    },
    companies,
    consent,
  };
}

function externalIdTaken(err: unknown): never {
  if (isUniqueViolation(err, 'contacts_external_id_key')) {
    throw new AppError('conflict', 'Another contact has this external id', [{ field: 'body.externalId', message: 'Already used' }]);
  }
  throw err;
}

async function writeLinksAndConsent(ctx: Ctx, contactId: string, plan: ContactPlan): Promise<void> {
  if (plan.companies) await replaceCompanyLinks(ctx.tx, ctx.workspaceId, contactId, plan.companies);
  await insertConsentEvents(
    ctx.tx,
    plan.consent.map((c) => ({
      workspaceId: ctx.workspaceId,
      id: newId(),
      contactId,
      channel: c.channel,
      state: c.state,
      method: c.method,
      source: c.source,
      textVersion: c.textVersion,
      actorType: ctx.actor.type,
      actorId: ctx.actor.userId,
    })),
  );
}

/** Loads the views (row + company links) of contacts for presenting and auditing. */
export async function contactViews(ctx: Ctx, rows: ContactRow[]): Promise<ContactView[]> {
  const links = await companyLinksOf(
    ctx.tx,
    ctx.workspaceId,
    rows.map((r) => r.id),
  );
  return rows.map((r) =>
    contactView(
      r,
      links.filter((l) => l.contact_id === r.id),
    ),
  );
}

/** The view of one contact. */
export async function presentContact(ctx: Ctx, row: ContactRow): Promise<ContactView> {
  const [view] = await contactViews(ctx, [row]);
  return view as ContactView;
}

/** Creates a contact. `env` may be passed in by batch callers that validate many at once. */
export async function createContact(ctx: Ctx, input: ContactWrite, env?: ContactWriteEnv): Promise<ContactRow> {
  authorize(ctx, 'records.create');
  if (input.ownerId && input.ownerId !== ctx.actor.userId) authorize(ctx, 'records.reassign');
  const plan = await planContact(ctx, env ?? (await contactWriteEnv(ctx)), input);
  const id = newId();
  const row = await insertContactRow(ctx.tx, ctx.workspaceId, id, plan.values).catch(externalIdTaken);
  await writeLinksAndConsent(ctx, id, plan);
  const [view] = await contactViews(ctx, [row]);
  await recordWrite(ctx, { recordType: 'contact', recordId: id, action: 'create', before: null, after: auditFields(view) });
  await addTimelineEntry(ctx, [{ recordType: 'contact', recordId: id }], { kind: 'created', data: { name: view?.name } });
  return row;
}

/** The fields an audit diff compares (not timestamps or bookkeeping). */
function auditFields(view: ContactView | undefined): Record<string, unknown> {
  if (!view) return {};
  const { createdAt: _c, updatedAt: _u, lastActivityAt: _l, lifecycleChangedAt: _lc, id: _id, name: _n, ...rest } = view;
  return rest;
}

/** A live contact, or not_found; a merged-away contact answers with where it went. */
export async function getContact(ctx: Ctx, id: string): Promise<ContactRow> {
  authorize(ctx, 'records.read');
  const row = await findContactRow(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Contact');
  if (row.merged_into) {
    throw new AppError('moved_permanently', 'This contact was merged into another', undefined, {
      location: `/api/v1/contacts/${row.merged_into}`,
    });
  }
  return row;
}

/** Updates a contact; `expectedVersion` (If-Match) refuses a stale write. */
export async function updateContact(
  ctx: Ctx,
  input: { id: string; patch: ContactWrite; expectedVersion?: number },
  env?: ContactWriteEnv,
): Promise<ContactRow> {
  const current = await getContact(ctx, input.id);
  authorize(ctx, 'records.update', { ownerId: current.owner_id });
  if (input.patch.ownerId !== undefined && input.patch.ownerId !== current.owner_id) authorize(ctx, 'records.reassign');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const [before] = await contactViews(ctx, [current]);
  const plan = await planContact(ctx, env ?? (await contactWriteEnv(ctx)), input.patch, current);
  const row = await updateContactRow(ctx.tx, ctx.workspaceId, current.id, current.version, plan.values).catch(externalIdTaken);
  if (!row) throw staleWrite(current.version + 1);
  await writeLinksAndConsent(ctx, row.id, plan);
  const [after] = await contactViews(ctx, [row]);
  const { changes } = await recordWrite(ctx, {
    recordType: 'contact',
    recordId: row.id,
    action: 'update',
    before: auditFields(before),
    after: auditFields(after),
  });
  const target = [{ recordType: 'contact' as const, recordId: row.id }];
  if (current.lifecycle_stage !== row.lifecycle_stage) {
    await addTimelineEntry(ctx, target, { kind: 'lifecycle_change', data: { from: current.lifecycle_stage, to: row.lifecycle_stage } });
    await emitEvent(ctx, {
      type: 'contact.lifecycle_stage_changed',
      recordType: 'contact',
      recordId: row.id,
      payload: { from: current.lifecycle_stage, to: row.lifecycle_stage, record: after },
    });
  }
  const shown = visibleChanges(changes, ['lifecycleStage']);
  if (shown) await addTimelineEntry(ctx, target, { kind: 'field_change', data: { changes: shown } });
  return row;
}

/** Moves a contact to the trash (restorable for 30 days). */
export async function deleteContact(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getContact(ctx, input.id);
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await setContactDeleted(ctx.tx, ctx.workspaceId, current.id, true);
  const [view] = await contactViews(ctx, [current]);
  await recordWrite(ctx, { recordType: 'contact', recordId: current.id, action: 'delete', before: auditFields(view), after: null });
  await addTimelineEntry(ctx, [{ recordType: 'contact', recordId: current.id }], { kind: 'deleted' });
}

/** Takes a contact back out of the trash. */
export async function restoreContact(ctx: Ctx, id: string): Promise<ContactRow> {
  const current = await findContactRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at || current.merged_into) throw notFound('Deleted contact');
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  const row = await setContactDeleted(ctx.tx, ctx.workspaceId, id, false);
  if (!row) throw notFound('Deleted contact');
  const [view] = await contactViews(ctx, [row]);
  await recordWrite(ctx, { recordType: 'contact', recordId: id, action: 'restore', before: null, after: auditFields(view) });
  await addTimelineEntry(ctx, [{ recordType: 'contact', recordId: id }], { kind: 'restored' });
  return row;
}

/** The fields contacts can be filtered and sorted on in this workspace (standard + custom). */
export async function contactFields(ctx: Ctx) {
  return [...contactType.fields, ...customFieldDefs(await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact'), contactType.alias)];
}

/** A page of contacts matching filter groups, sorted, with the total. `q` matches name, email or phone. */
export async function searchContacts(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<{ rows: ContactRow[]; nextCursor: string | null; total?: number }> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  const region = q ? ((await findWorkspace(ctx.tx, ctx.workspaceId))?.settings.phoneRegion ?? defaultWorkspaceSettings.phoneRegion) : 'US';
  return listRecords<ContactRow>(ctx.tx, {
    type: contactType,
    fields: await contactFields(ctx),
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: contactSelect,
    withTotal: true,
    where: q ? (params: SqlParams) => quickMatch(q, region, params) : undefined,
  });
}

/** The `q` condition of a contact list: a name prefix, an email, or a phone number. */
function quickMatch(q: string, region: string, params: SqlParams): string {
  const email = normaliseEmail(q);
  if (email) return `c.email_list @> ARRAY[${params.add(email)}]::text[]`;
  const phone = /^[+\d\s().-]{6,}$/.test(q) ? normalisePhone(q, region) : undefined;
  const like = params.add(`${escapeLike(q.toLowerCase())}%`);
  const byName = `(lower(c.first_name) LIKE ${like} OR lower(c.last_name) LIKE ${like} OR lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) LIKE ${like} OR c.email LIKE ${like})`;
  return phone ? `(${byName} OR c.phone_list @> ARRAY[${params.add(phone)}]::text[])` : byName;
}
