import { type InfiniteData, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import type { ListObjectType, ListRecord } from './fields';
import { recordKey } from './lists.api';
import { ChangedElsewhere, editErrorMessage, saveListEdit } from './records.api';

type Page<T> = { data: T[]; nextCursor: string | null; total: number };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A record with a patch laid over it as the API will store it, to show before the API answers:
 * nested objects (`custom`, `address`) merge key by key, anything else is replaced.
 * @example mergePatch({ id: '1', custom: { a: 1, b: 2 } }, { custom: { b: 3 } }) // { id: '1', custom: { a: 1, b: 3 } }
 */
export function mergePatch<T extends object>(record: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? mergePatch(current, value) : value;
  }
  return out as T;
}

/** `pages` with the row of `id` replaced by what `change` makes of it. */
export function replaceRow<T extends ListRecord>(
  pages: InfiniteData<Page<T>> | undefined,
  id: string,
  change: (row: T) => T,
): InfiniteData<Page<T>> | undefined {
  if (!pages) return pages;
  return { ...pages, pages: pages.pages.map((p) => ({ ...p, data: p.data.map((r) => (r.id === id ? change(r) : r)) })) };
}

/**
 * Saves an in-place edit of one listed record, optimistically: the row changes in the list at
 * once and takes the API's answer when it comes; if the API refuses, the row goes back to what
 * it was (or to the record as someone else left it) and the returned promise rejects with the
 * message to show at the cell. The row stays where it is even if it no longer matches the
 * filters or the order, until the list is reloaded.
 */
export function useListRowEditor<T extends ListRecord>(objectType: ListObjectType, listKey: QueryKey) {
  const queryClient = useQueryClient();
  const etags = useRef(new Map<string, string>());
  const keyText = JSON.stringify(listKey);

  return useCallback(
    async (row: T, patch: Record<string, unknown>) => {
      const key = JSON.parse(keyText) as QueryKey;
      const put = (change: (r: T) => T) =>
        queryClient.setQueryData<InfiniteData<Page<T>>>(key, (pages) => replaceRow(pages, row.id, change));
      put((r) => mergePatch(r, patch));
      try {
        const saved = (await saveListEdit(objectType, row, patch, etags.current)) as T;
        put(() => saved);
        const base = recordKey[objectType];
        void queryClient.invalidateQueries({ queryKey: [base, 'one', row.id] });
        void queryClient.invalidateQueries({ queryKey: [base, 'timeline', row.id] });
        if (objectType === 'deal') void queryClient.invalidateQueries({ queryKey: ['deals', 'board'] });
      } catch (err) {
        put(() => (err instanceof ChangedElsewhere ? (err.current as T) : row));
        throw new Error(editErrorMessage(err, patch));
      }
    },
    [objectType, keyText, queryClient],
  );
}
