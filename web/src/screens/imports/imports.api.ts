import { type QueryClient, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, errorMessage } from '../../api/problem';
import type { paths } from '../../api/schema';
import { useMe } from '../../session';
import type { DryRun, Import, ImportField, ImportObject, ImportTemplate, MappingEntry } from './imports.model';
import { isLive } from './imports.model';

const byId = (id: string) => ({ params: { path: { id } } });

/** Query keys of the import screens. */
export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  one: (id: string) => ['imports', 'one', id] as const,
  templates: (object: ImportObject) => ['import-templates', object] as const,
};

/** The records lists an import fills, refreshed once it has written (or taken back) rows. */
const recordKeys: Record<ImportObject, string[][]> = {
  contacts: [['contacts'], ['contact']],
  companies: [['companies'], ['company']],
  deals: [['deals'], ['deal']],
  activities: [['activities'], ['timeline']],
};

/** Reloads the lists and pages showing the object's records. */
export function refreshRecords(queryClient: QueryClient, object: ImportObject) {
  return Promise.all(recordKeys[object].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}

/** Whether the signed-in person may upload, change, start, cancel and revert imports (roles that may create records). */
export function useCanManageImports(): { ready: boolean; manage: boolean } {
  const me = useMe();
  return { ready: !me.isPending, manage: me.data?.permissions.includes('imports.manage') ?? false };
}

/** One import, asked again every second while it is queued, running or reverting. */
export function useImport(id: string) {
  return useQuery({
    queryKey: importKeys.one(id),
    queryFn: () => unwrap(api.GET('/api/v1/imports/{id}', byId(id))),
    refetchInterval: (query) => (query.state.data && isLive(query.state.data.status) ? 1000 : false),
    staleTime: 0,
  });
}

/** Past imports, newest first, a page at a time. */
export function useImportList() {
  return useInfiniteQuery({
    queryKey: importKeys.list,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/imports', { params: { query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A running import's counts move; the history keeps up while one is open.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.data.some((i) => isLive(i.status))) ? 2000 : false),
    staleTime: 0,
  });
}

/** The saved mappings for one object. */
export function useImportTemplates(object: ImportObject) {
  return useQuery({
    queryKey: importKeys.templates(object),
    queryFn: async () => (await unwrap(api.GET('/api/v1/import-templates', { params: { query: { object } } }))).data,
  });
}

/** Sends a CSV file for one object; the answer is a draft with the columns read and a suggested mapping. */
export function uploadImport(object: ImportObject, file: File): Promise<Import> {
  const form = new FormData();
  // The object goes before the file: the server reads the parts in order and needs it to map the columns.
  form.append('object', object);
  form.append('file', file, file.name);
  // The route reads the multipart parts itself, so its OpenAPI entry has no JSON body to type.
  return unwrap(api.POST('/api/v1/imports', { body: form as never }));
}

/** What a draft's PATCH may change: mapping, upsert key, date format, encoding, delimiter. */
export type ImportSettings = Omit<PatchBody, 'mapping'> & { mapping?: MappingEntry[] };
type PatchBody = NonNullable<paths['/api/v1/imports/{id}']['patch']['requestBody']>['content']['application/json'];

/**
 * Changes a draft's mapping and settings. The screen shows each change at once; the requests go
 * one after the other so the last change made is the last one saved.
 */
export function useSaveImportSettings(id: string) {
  const queryClient = useQueryClient();
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  return useCallback(
    (change: ImportSettings): Promise<Import> => {
      queryClient.setQueryData<Import>(importKeys.one(id), (old) => (old ? { ...old, ...change } : old));
      const next = queue.current
        .catch(() => undefined)
        .then(() => unwrap(api.PATCH('/api/v1/imports/{id}', { ...byId(id), body: change })));
      queue.current = next;
      return next.then(
        (saved) => {
          queryClient.setQueryData(importKeys.one(id), saved);
          return saved;
        },
        async (err: unknown) => {
          await queryClient.invalidateQueries({ queryKey: importKeys.one(id) });
          throw err;
        },
      );
    },
    [id, queryClient],
  );
}

/** What the first rows would become, without writing anything. */
export function dryRunImport(id: string): Promise<DryRun> {
  return unwrap(api.POST('/api/v1/imports/{id}/dry-run', byId(id)));
}

/** Creates a custom field from an unmapped column and maps the column to it. */
export function createFieldFromColumn(id: string, column: number, label?: string): Promise<{ field: ImportField; import: Import }> {
  return unwrap(api.POST('/api/v1/imports/{id}/fields', { ...byId(id), body: { column, ...(label ? { label } : {}) } }));
}

/** Queues the import to run. */
export function startImport(id: string): Promise<Import> {
  return unwrap(api.POST('/api/v1/imports/{id}/start', byId(id)));
}

/** Stops a queued or running import; the rows written so far stay until reverted. */
export function cancelImport(id: string): Promise<Import> {
  return unwrap(api.POST('/api/v1/imports/{id}/cancel', byId(id)));
}

/** Takes back what the import wrote: created records go to the trash, changed fields are restored. */
export function revertImport(id: string): Promise<Import> {
  return unwrap(api.POST('/api/v1/imports/{id}/revert', byId(id)));
}

/** The rows that failed as CSV: their original columns, plus the row number and the error. */
export function importErrorsCsv(id: string): Promise<Blob> {
  return unwrap(api.GET('/api/v1/imports/{id}/errors.csv', { ...byId(id), parseAs: 'blob' }));
}

/** Saves the import's current mapping and settings under a name, for the next file of the same shape. */
export function saveImportTemplate(id: string, name: string): Promise<ImportTemplate> {
  return unwrap(api.POST('/api/v1/imports/{id}/template', { ...byId(id), body: { name } }));
}

/** An API refusal as one message: what went wrong, then each offending field's own message. */
export function problemText(err: unknown): string {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const details = (err.problem.errors ?? []).map((e) => e.message).filter((m) => m && m !== err.message);
  return [err.message, ...new Set(details)].join(' ');
}
