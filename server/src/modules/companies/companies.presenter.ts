import type { LifecycleStage } from '../../records/record-types.ts';
import type { CompanyContactRow, CompanyDealRow, CompanyRow } from './companies.repo.ts';

/** A company as the API shows it. */
export function companyView(r: CompanyRow) {
  return {
    id: r.id,
    name: r.name,
    domain: r.domain,
    industry: r.industry,
    employeeCount: r.employee_count,
    annualRevenue: r.annual_revenue,
    annualRevenueCurrency: r.annual_revenue_currency,
    phone: r.phone,
    address: r.address,
    parentCompanyId: r.parent_company_id,
    ownerId: r.owner_id,
    externalId: r.external_id,
    custom: r.custom,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastActivityAt: r.last_activity_at?.toISOString() ?? null,
  };
}
export type CompanyView = ReturnType<typeof companyView>;

/** The fields an audit diff compares (not timestamps or bookkeeping). */
export function companyAuditFields(view: CompanyView): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, lastActivityAt: _l, id: _id, ...rest } = view;
  return rest;
}

/** A contact as a company's people list shows it, with their title and role there. */
export function companyContactView(r: CompanyContactRow) {
  return {
    id: r.id,
    name: [r.first_name, r.last_name].filter(Boolean).join(' ') || r.email || r.phone || '',
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phone: r.phone,
    jobTitle: r.job_title,
    lifecycleStage: r.lifecycle_stage as LifecycleStage,
    ownerId: r.owner_id,
    title: r.title,
    role: r.role,
    primary: r.is_primary,
  };
}

/** A deal as a company's deal list shows it. */
export function companyDealView(r: CompanyDealRow) {
  return {
    id: r.id,
    name: r.name,
    pipelineId: r.pipeline_id,
    stageId: r.stage_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    ownerId: r.owner_id,
    expectedCloseDate: r.expected_close_date,
  };
}
