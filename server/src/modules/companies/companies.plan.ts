import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { compactObject, normalisePhone } from '../contacts/contacts.normalize.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { applyCustomValues, memberIds } from '../custom-fields/custom-fields.values.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { normaliseCurrency, normaliseDomain } from './companies.normalize.ts';
import {
  ancestorIds,
  type CompanyRow,
  type CompanyValues,
  companyWithDomain,
  liveCompanyExists,
  lockCompanyHierarchy,
} from './companies.repo.ts';
import type { CompanyWrite } from './companies.schema.ts';

/**
 * Validates and normalises a company create (no `current`) or an update of `current`, collecting
 * every field error into one 400; then refuses a domain another live company has with a 409.
 * Returns the full row values to write.
 */
export async function planCompany(ctx: Ctx, input: CompanyWrite, current?: CompanyRow): Promise<CompanyValues> {
  // One after another: a transaction is one connection, and pg deprecates overlapping queries on it.
  const workspace = await findWorkspace(ctx.tx, ctx.workspaceId);
  const members = await memberIds(ctx.tx, ctx.workspaceId);
  const customDefs = await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'company');
  const settings = { ...defaultWorkspaceSettings, ...workspace?.settings };
  const errors: FieldError[] = [];

  const name = input.name ?? current?.name;
  if (!name) errors.push({ field: 'body.name', message: 'A company needs a name' });

  /** An optional normalised text: absent keeps the current value, null or blank clears it, the rest must normalise. */
  const normalised = (
    raw: string | null | undefined,
    now: string | null,
    normalise: (v: string) => string | undefined,
    error: FieldError,
  ) => {
    if (raw === undefined) return now;
    if (raw === null || raw.trim() === '') return null;
    const value = normalise(raw);
    if (!value) errors.push(error);
    return value ?? null;
  };
  const domain = normalised(input.domain, current?.domain ?? null, normaliseDomain, {
    field: 'body.domain',
    message: 'Not a domain name or website, like acme.com',
  });
  const phone = normalised(input.phone, current?.phone ?? null, (p) => normalisePhone(p, settings.phoneRegion), {
    field: 'body.phone',
    message: `Not a valid phone number (default region ${settings.phoneRegion})`,
  });

  const revenue = input.annualRevenue === undefined ? (current?.annual_revenue ?? null) : input.annualRevenue;
  let currency: string | undefined;
  if (input.annualRevenueCurrency) {
    currency = normaliseCurrency(input.annualRevenueCurrency);
    if (!currency) errors.push({ field: 'body.annualRevenueCurrency', message: 'Not an ISO 4217 currency code, like USD' });
  }
  // An amount means nothing without its currency, and a currency nothing without an amount.
  const revenueCurrency = revenue === null ? null : (currency ?? current?.annual_revenue_currency ?? settings.currency);

  const ownerId = input.ownerId === undefined ? (current ? current.owner_id : ctx.actor.userId) : input.ownerId;
  if (ownerId && !members.has(ownerId)) errors.push({ field: 'body.ownerId', message: 'Not a member of this workspace' });

  const parentId = input.parentCompanyId === undefined ? (current?.parent_company_id ?? null) : input.parentCompanyId;
  if (parentId && parentId !== current?.parent_company_id) {
    const message = await parentProblem(ctx, parentId, current?.id);
    if (message) errors.push({ field: 'body.parentCompanyId', message });
  }

  const custom = applyCustomValues(customDefs, current?.custom ?? {}, input.custom, {
    currency: settings.currency,
    phoneRegion: settings.phoneRegion,
    memberIds: members,
  });
  errors.push(...custom.errors);

  if (errors.length > 0) throw new AppError('validation_failed', 'The company is not valid', errors);

  if (domain && domain !== current?.domain) {
    const other = await companyWithDomain(ctx.tx, ctx.workspaceId, domain, current?.id);
    if (other) {
      throw new AppError('conflict', `Another company already has the domain ${domain}`, [
        { field: 'body.domain', message: `Already used by company ${other}`, code: 'duplicate' },
      ]);
    }
  }

  const keep = <K extends keyof CompanyWrite>(k: K, col: keyof CompanyRow) =>
    (input[k] === undefined ? (current?.[col] ?? null) : (input[k] ?? null)) as never;
  return {
    name: name as string,
    domain,
    industry: keep('industry', 'industry'),
    employee_count: keep('employeeCount', 'employee_count'),
    annual_revenue: revenue,
    annual_revenue_currency: revenueCurrency,
    phone,
    address: compactObject(current?.address ?? {}, input.address),
    parent_company_id: parentId,
    owner_id: ownerId ?? null,
    external_id: keep('externalId', 'external_id'),
    custom: custom.values,
  };
}

/** Why `parentId` cannot be the parent of company `selfId` (none yet when creating), if it cannot. */
async function parentProblem(ctx: Ctx, parentId: string, selfId: string | undefined): Promise<string | undefined> {
  if (parentId === selfId) return 'A company cannot be its own parent';
  if (!(await liveCompanyExists(ctx.tx, ctx.workspaceId, parentId))) return 'No such company';
  // A new company has no children yet, so only an update can close a loop.
  if (!selfId) return undefined;
  await lockCompanyHierarchy(ctx.tx, ctx.workspaceId);
  const above = await ancestorIds(ctx.tx, ctx.workspaceId, parentId);
  return above.has(selfId) ? 'That company is already below this one; the hierarchy would loop' : undefined;
}
