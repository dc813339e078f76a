import { api, unwrapVersioned } from '../../api/client';
import type { components } from '../../api/schema';
import type { ContactChanges } from '../contacts/contacts.api';

type Contact = components['schemas']['Contact'];

/** A contact's link to a company as PATCH /contacts/{id} takes it (the list replaces the contact's links). */
export type CompanyLinkInput = NonNullable<ContactChanges['companies']>[number];

/** A contact's current links, as the input that keeps them unchanged. */
export function companyLinks(contact: Contact): CompanyLinkInput[] {
  return (contact.companies ?? []).map((c) => ({ companyId: c.companyId, title: c.title, role: c.role, primary: c.primary }));
}

/** The links with `companyId` added (or its title updated); the first link a contact gets is its primary. */
export function withCompany(links: CompanyLinkInput[], companyId: string, title: string | null): CompanyLinkInput[] {
  const existing = links.find((l) => l.companyId === companyId);
  if (existing) return links.map((l) => (l.companyId === companyId ? { ...l, title: title ?? l.title } : l));
  return [...links, { companyId, title, role: null, primary: links.length === 0 }];
}

/** The links without `companyId`; if that was the primary one, the next becomes primary. */
export function withoutCompany(links: CompanyLinkInput[], companyId: string): CompanyLinkInput[] {
  const rest = links.filter((l) => l.companyId !== companyId);
  if (rest.length > 0 && !rest.some((l) => l.primary)) return rest.map((l, i) => ({ ...l, primary: i === 0 }));
  return rest;
}

/** The links with `companyId` as the one primary company. */
export function withPrimary(links: CompanyLinkInput[], companyId: string): CompanyLinkInput[] {
  return links.map((l) => ({ ...l, primary: l.companyId === companyId }));
}

/**
 * Changes a contact's companies from anywhere (a company's page adding or removing a person):
 * reads the contact for its links and version, then writes the new list with If-Match, so a
 * concurrent change to the contact is refused instead of overwritten.
 */
export async function changeContactCompanies(
  contactId: string,
  change: (links: CompanyLinkInput[]) => CompanyLinkInput[],
): Promise<Contact> {
  const params = { path: { id: contactId } };
  const current = await unwrapVersioned(api.GET('/api/v1/contacts/{id}', { params }));
  const companies = change(companyLinks(current.data));
  const saved = await unwrapVersioned(
    api.PATCH('/api/v1/contacts/{id}', { params, headers: { 'If-Match': current.etag ?? '*' }, body: { companies } }),
  );
  return saved.data;
}
