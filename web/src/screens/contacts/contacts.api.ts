import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components, paths } from '../../api/schema';
import type { Sort } from '../../ui/Table';

/** A contact as the API shows it. */
export type Contact = components['schemas']['Contact'];

/** The fields a person can edit on the contact page and in the create dialog. */
export type ContactChanges = NonNullable<paths['/api/v1/contacts/{id}']['patch']['requestBody']>['content']['application/json'];

/** Query keys of everything about contacts, so a write can refresh exactly what it changed. */
export const contactKeys = {
  all: ['contacts'] as const,
  list: (sort: Sort) => ['contacts', 'list', sort] as const,
  one: (id: string) => ['contacts', 'one', id] as const,
  timeline: (id: string) => ['contacts', 'timeline', id] as const,
};

const PAGE_SIZE = 100;

/** The contacts list in `sort` order, a keyset page at a time, with the total count. */
export function useContactPages(sort: Sort) {
  return useInfiniteQuery({
    queryKey: contactKeys.list(sort),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.POST('/api/v1/contacts/search', {
          body: { sort: sort ? [sort] : [], limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The company a contact is primarily at, if any. */
export function primaryCompany(contact: Contact): NonNullable<Contact['companies']>[number] | undefined {
  const companies = contact.companies ?? [];
  return companies.find((c) => c.primary) ?? companies[0];
}
