import type { components, paths } from '../../api/schema';

/** A contact as the API shows it. */
export type Contact = components['schemas']['Contact'];

/** The fields a person can edit on the contact page and in the create dialog. */
export type ContactChanges = NonNullable<paths['/api/v1/contacts/{id}']['patch']['requestBody']>['content']['application/json'];

/** Query keys of everything about contacts, so a write can refresh exactly what it changed. */
export const contactKeys = {
  all: ['contacts'] as const,
  /** Every list of contacts, whatever its filters and order. */
  lists: ['contacts', 'list'] as const,
  one: (id: string) => ['contacts', 'one', id] as const,
  timeline: (id: string) => ['contacts', 'timeline', id] as const,
};

/** The company a contact is primarily at, if any. */
export function primaryCompany(contact: Contact): NonNullable<Contact['companies']>[number] | undefined {
  const companies = contact.companies ?? [];
  return companies.find((c) => c.primary) ?? companies[0];
}
