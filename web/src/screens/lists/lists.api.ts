import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, earlyAnswer, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { FilterGroups } from '../../ui/FilterBuilder';
import type { Sort } from '../../ui/Table';
import type { ListObjectType, ListRecord } from './fields';

/** A saved view as the API shows it. */
export type SavedView = components['schemas']['SavedView'];

/** What a list asks the search endpoint for: filters, order and a page. */
export type SearchBody = { filterGroups: FilterGroups; sort: NonNullable<Sort>[]; limit: number; cursor?: string };

type CustomFieldPage = { data: components['schemas']['CustomField'][] };

type Page<T> = { data: T[]; nextCursor: string | null; total: number; totalIsExact?: boolean };

/** The query key prefix of each object's records, so writes elsewhere refresh the lists too. */
export const recordKey: Record<ListObjectType, string> = { contact: 'contacts', company: 'companies', deal: 'deals' };

/** Query keys of saved views and custom fields. */
export const listKeys = {
  views: (objectType: ListObjectType) => ['views', objectType] as const,
  view: (id: string) => ['views', 'one', id] as const,
  customFields: (objectType: ListObjectType) => ['custom-fields', objectType] as const,
};

/** One page of an object's search: the records matching the filters, in order, after the cursor. */
export function searchRecords(objectType: ListObjectType, body: SearchBody): Promise<Page<ListRecord>> {
  switch (objectType) {
    case 'contact':
      return unwrap(api.POST('/api/v1/contacts/search', { body }));
    case 'company':
      return unwrap(api.POST('/api/v1/companies/search', { body }));
    case 'deal':
      return unwrap(api.POST('/api/v1/deals/search', { body }));
  }
}

const PAGE_SIZE = 100;

/** The records matching `filterGroups` in `sort` order, a keyset page at a time, with the total. */
export function useRecordSearch<T extends ListRecord>(objectType: ListObjectType, filterGroups: FilterGroups, sort: Sort, enabled = true) {
  return useInfiniteQuery({
    enabled,
    // Under `<records>, list` like every list, so a write that refreshes lists refreshes this one.
    queryKey: [recordKey[objectType], 'list', { filterGroups, sort }],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      searchRecords(objectType, {
        filterGroups,
        sort: sort ? [sort] : [],
        limit: PAGE_SIZE,
        ...(pageParam ? { cursor: pageParam } : {}),
      }) as unknown as Promise<Page<T>>,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The first page of a list opened by address may have been asked for already, from index.html.
    initialData: () => {
      const body = { filterGroups, sort: sort ? [sort] : [], limit: PAGE_SIZE };
      const page = earlyAnswer<Page<T>>('POST', `/api/v1/${recordKey[objectType]}/search`, body);
      return page ? { pages: [page], pageParams: [undefined] } : undefined;
    },
    retry: false,
  });
}

/** The object's live custom fields, in their order. */
export function useCustomFields(objectType: ListObjectType) {
  return useQuery({
    queryKey: listKeys.customFields(objectType),
    queryFn: () => unwrap(api.GET('/api/v1/custom-fields', { params: { query: { objectType } } })).then((r) => r.data),
    initialData: () => earlyAnswer<CustomFieldPage>('GET', `/api/v1/custom-fields?objectType=${objectType}`)?.data,
    staleTime: 60_000,
  });
}

/** The caller's views of an object and those shared with the workspace (once `enabled`). */
export function useSavedViews(objectType: ListObjectType, enabled = true) {
  return useQuery({
    enabled,
    queryKey: listKeys.views(objectType),
    queryFn: () => unwrap(api.GET('/api/v1/views', { params: { query: { objectType, limit: 100 } } })).then((r) => r.data),
  });
}

/** One saved view, when a list is opened on it. */
export function useSavedView(id: string | null) {
  return useQuery({
    queryKey: listKeys.view(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/views/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
  });
}

/** What a saved view stores besides its name and object. */
export type ViewContent = {
  filterGroups: FilterGroups;
  sort: NonNullable<Sort>[];
  columns: string[];
  visibility: 'private' | 'workspace';
};

/** Saves a new view of an object. */
export function createView(objectType: ListObjectType, name: string, content: ViewContent): Promise<SavedView> {
  return unwrap(api.POST('/api/v1/views', { body: { objectType, name, ...content } }));
}

/** Replaces a view's name, filters, sort, columns and visibility. */
export function updateView(id: string, name: string, content: ViewContent): Promise<SavedView> {
  return unwrap(api.PATCH('/api/v1/views/{id}', { params: { path: { id } }, body: { name, ...content } }));
}

/** Deletes a view. */
export function deleteView(id: string): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/views/{id}', { params: { path: { id } } }));
}
