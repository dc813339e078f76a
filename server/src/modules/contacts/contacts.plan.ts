import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { type CustomFieldRow, listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { applyCustomValues, memberIds } from '../custom-fields/custom-fields.values.ts';
import type { WorkspaceSettings } from '../workspaces/workspaces.repo.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { buildEmails, buildPhones, compactObject } from './contacts.normalize.ts';
import { type ContactRow, type ContactValues, existingCompanyIds } from './contacts.repo.ts';
import type { ContactWrite } from './contacts.schema.ts';

/** What validating contact writes needs from the workspace, loaded once per request or batch. */
export type ContactWriteEnv = {
  settings: WorkspaceSettings;
  members: Set<string>;
  customDefs: CustomFieldRow[];
  /** The live companies among those the inputs link to. */
  companyIds: Set<string>;
};

/** Loads the workspace defaults, members, contact custom fields and the linked companies of `inputs`. */
export async function contactWriteEnv(ctx: Ctx, inputs: ContactWrite[]): Promise<ContactWriteEnv> {
  const linked = [...new Set(inputs.flatMap((i) => i.companies?.map((c) => c.companyId) ?? []))];
  // Sent together: the transaction runs them back to back, without a wait between.
  const [workspace, members, customDefs, companyIds] = await Promise.all([
    findWorkspace(ctx.tx, ctx.workspaceId),
    memberIds(ctx.tx, ctx.workspaceId),
    listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact'),
    existingCompanyIds(ctx.tx, ctx.workspaceId, linked),
  ]);
  return { settings: { ...defaultWorkspaceSettings, ...workspace?.settings }, members, customDefs, companyIds };
}

/** A company link of a contact. */
export type CompanyLink = { companyId: string; title: string | null; role: string | null; primary: boolean };
/** A consent given or withdrawn by a write. */
export type ConsentChange = { channel: 'email' | 'sms'; state: string; method: string; source: string | null; textVersion: string | null };

/** A validated contact write: the row values, and the links and consent history to write with it. */
export type ContactPlan = { values: ContactValues; companies?: CompanyLink[]; consent: ConsentChange[] };

const emptyConsent = { state: 'never_subscribed', updatedAt: null, method: null, source: null, textVersion: null };

/**
 * Validates and normalises a create (no `current`) or an update of `current`, collecting every
 * error before failing with one 400 that names them all.
 */
export function planContact(ctx: Ctx, env: ContactWriteEnv, input: ContactWrite, current?: ContactRow): ContactPlan {
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
    input.companies.forEach((c, i) => {
      if (!env.companyIds.has(c.companyId)) errors.push({ field: `body.companies[${i}].companyId`, message: 'No such company' });
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
