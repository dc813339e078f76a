import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { DuplicateObject, DuplicatePair, MergeRecord, MergeRequest } from './merge';

/** Pairs per page of the review list. */
const PAGE_SIZE = 20;

/** A page of candidate pairs. */
export type PairPage = { data: DuplicatePair[]; nextCursor: string | null };

/** Query keys of the review lists, under each object's prefix so a write to its records refreshes them too. */
export const duplicateKeys = {
  all: (object: DuplicateObject) => [object, 'duplicates'] as const,
  list: (object: DuplicateObject, recordId: string | null) => [object, 'duplicates', recordId] as const,
  /** Not `[object, 'one', id]`: the record pages keep their own shape (with the ETag) there. */
  record: (object: DuplicateObject, id: string) => [object, 'merge-record', id] as const,
};

/** The candidate pairs of an object, a page at a time; only those involving `recordId` when given. */
export function useDuplicatePairs(object: DuplicateObject, recordId: string | null) {
  return useInfiniteQuery({
    queryKey: duplicateKeys.list(object, recordId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const query = { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}), ...(recordId ? { recordId } : {}) };
      return object === 'contacts'
        ? unwrap(api.GET('/api/v1/contacts/duplicates', { params: { query } }))
        : unwrap(api.GET('/api/v1/companies/duplicates', { params: { query } }));
    },
    getNextPageParam: (last: PairPage) => last.nextCursor ?? undefined,
  });
}

/** The loaded pages without the pairs a merge just retired (any pair involving `mergedId`). */
export function withoutRecord(pages: InfiniteData<PairPage> | undefined, mergedId: string): InfiniteData<PairPage> | undefined {
  if (!pages) return pages;
  return {
    ...pages,
    pages: pages.pages.map((p) => ({ ...p, data: p.data.filter((pair) => pair.a.id !== mergedId && pair.b.id !== mergedId) })),
  };
}

/** A full contact or company (a merged id answers with its survivor, the browser following the 301). */
export async function fetchRecord(object: DuplicateObject, id: string): Promise<MergeRecord> {
  const params = { params: { path: { id } } };
  const record =
    object === 'contacts'
      ? await unwrap(api.GET('/api/v1/contacts/{id}', params))
      : await unwrap(api.GET('/api/v1/companies/{id}', params));
  return record as MergeRecord;
}

/** Merges as chosen; answers the survivor. */
export async function mergeRecords(object: DuplicateObject, body: MergeRequest): Promise<MergeRecord> {
  const record =
    object === 'contacts'
      ? await unwrap(api.POST('/api/v1/contacts/merge', { body }))
      : await unwrap(api.POST('/api/v1/companies/merge', { body }));
  return record as MergeRecord;
}
