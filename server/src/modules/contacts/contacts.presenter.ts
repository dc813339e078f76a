import type { CompanyLinkRow, ContactRow } from './contacts.repo.ts';

const noConsent = { state: 'never_subscribed' as const, updatedAt: null, method: null, source: null, textVersion: null };

/** A contact as the API shows it, with its company links. */
export function contactView(r: ContactRow, links: CompanyLinkRow[]) {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ') || r.email || r.phone || '';
  return {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    name,
    email: r.email,
    emails: r.emails,
    phone: r.phone,
    phones: r.phones,
    jobTitle: r.job_title,
    ownerId: r.owner_id,
    lifecycleStage: r.lifecycle_stage as 'lead',
    lifecycleChangedAt: r.lifecycle_changed_at.toISOString(),
    leadSource: r.lead_source,
    utm: r.utm,
    tags: r.tags,
    address: r.address,
    timezone: r.timezone,
    consent: {
      email: (r.consent.email ?? noConsent) as typeof noConsent,
      sms: (r.consent.sms ?? noConsent) as typeof noConsent,
    },
    companies: links.map((l) => ({ companyId: l.company_id, name: l.name, title: l.title, role: l.role, primary: l.is_primary })),
    externalId: r.external_id,
    custom: r.custom,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastActivityAt: r.last_activity_at?.toISOString() ?? null,
  };
}
export type ContactView = ReturnType<typeof contactView>;
