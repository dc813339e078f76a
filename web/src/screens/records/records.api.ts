import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

/** The record types that have a page of their own. */
export type RecordType = 'contact' | 'company' | 'deal';

/** A custom field as the API defines it. */
export type CustomField = components['schemas']['CustomField'];

/** The API collection of each record type (`/api/v1/<collection>`), also the first part of its query keys. */
export const recordCollection = { contact: 'contacts', company: 'companies', deal: 'deals' } as const satisfies Record<RecordType, string>;

/**
 * Query keys of a record, shared by every record type so a write made on one page (an activity,
 * a task) refreshes exactly the record it touched: the same shape as contactKeys and dealKeys.
 */
export const recordKeys = {
  one: (type: RecordType, id: string) => [recordCollection[type], 'one', id] as const,
  timeline: (type: RecordType, id: string) => [recordCollection[type], 'timeline', id] as const,
  /** The tasks about a record; under 'tasks' so every task write refreshes them too. */
  tasks: (type: RecordType, id: string, status: 'open' | 'completed') => ['tasks', 'record', type, id, status] as const,
};

/** The live custom fields of a record type, in their order (the key the lists use too); not asked for when not `enabled`. */
export function useRecordCustomFields(objectType: RecordType, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['custom-fields', objectType],
    queryFn: async () => (await unwrap(api.GET('/api/v1/custom-fields', { params: { query: { objectType } } }))).data,
    staleTime: 60_000,
    select: (fields: CustomField[]) => fields.filter((f) => !f.archived).sort((a, b) => a.position - b.position),
  });
}

/** A contact's name and primary email, enough to show and write to them. */
export type ContactSummary = { id: string; name: string; email: string | null };

/** The names and emails of the contacts with these ids, looked up in one search. */
export function useContactSummaries(ids: readonly string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['contacts', 'summaries', unique],
    queryFn: async () => {
      if (unique.length === 0) return new Map<string, ContactSummary>();
      const page = await unwrap(
        api.POST('/api/v1/contacts/search', {
          body: { filterGroups: [{ filters: [{ field: 'id', operator: 'in', values: unique }] }], limit: 500 },
        }),
      );
      return new Map(page.data.map((c) => [c.id, { id: c.id, name: c.name || c.email || 'Unnamed contact', email: c.email ?? null }]));
    },
    placeholderData: (previous) => previous,
  });
}

/**
 * The address to write to about a record that is not a person: the first of its people, in their
 * order, who has an email. Companies and deals have no "primary contact" of their own in the API,
 * so the order they list their people in decides.
 */
export function firstEmail(people: readonly { email?: string | null }[]): string | null {
  return people.find((p) => p.email)?.email ?? null;
}
