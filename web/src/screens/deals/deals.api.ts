import { useQuery } from '@tanstack/react-query';
import { api, earlyAnswer, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { FilterGroups } from '../../ui/FilterBuilder';
import type { Deal } from './board';

/** The fields a person can change on a deal (PATCH /deals/{id}). */
export type DealChanges = NonNullable<paths['/api/v1/deals/{id}']['patch']['requestBody']>['content']['application/json'];

/** Query keys of everything about deals, so a write can refresh exactly what it changed. */
export const dealKeys = {
  all: ['deals'] as const,
  board: (pipelineId: string) => ['deals', 'board', pipelineId] as const,
  /** A board narrowed by filters; under `board` so writes to the pipeline's boards reach it. */
  filteredBoard: (pipelineId: string, filterGroups: FilterGroups): readonly unknown[] =>
    filterGroups.length > 0 ? ['deals', 'board', pipelineId, { filterGroups }] : ['deals', 'board', pipelineId],
  one: (id: string) => ['deals', 'one', id] as const,
  timeline: (id: string) => ['deals', 'timeline', id] as const,
  stageHistory: (id: string) => ['deals', 'stage-history', id] as const,
};

const PAGE_SIZE = 500;

/**
 * The board's filter: the pipeline's open deals, narrowed by the person's filter groups (each
 * group, an alternative, gets the pipeline and status added to it).
 */
export function boardFilterGroups(pipelineId: string, filterGroups: FilterGroups = []): FilterGroups {
  const board: FilterGroups[number]['filters'] = [
    { field: 'pipelineId', operator: 'eq', value: pipelineId },
    { field: 'status', operator: 'eq', value: 'open' },
  ];
  return filterGroups.length === 0 ? [{ filters: board }] : filterGroups.map((g) => ({ filters: [...board, ...g.filters] }));
}

/** Every open deal of a pipeline matching the filters, following the keyset cursor to the last page. */
export async function loadOpenDeals(pipelineId: string, filterGroups: FilterGroups = []): Promise<Deal[]> {
  const deals: Deal[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.POST('/api/v1/deals/search', {
        body: {
          filterGroups: boardFilterGroups(pipelineId, filterGroups),
          sort: [{ field: 'stageEnteredAt', direction: 'asc' }],
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        },
      }),
    );
    deals.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return deals;
}

/** The workspace's pipelines with their stages, the default first (once `enabled`). */
export function usePipelines(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['pipelines'],
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/pipelines'));
      return [...page.data].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.position - b.position);
    },
    staleTime: 60_000,
  });
}

/** The open deals on a pipeline's board, narrowed by the filters shared with the deals list. */
export function useBoardDeals(pipelineId: string | undefined, filterGroups: FilterGroups = [], enabled = true) {
  return useQuery({
    queryKey: dealKeys.filteredBoard(pipelineId ?? '', filterGroups),
    queryFn: () => loadOpenDeals(pipelineId ?? '', filterGroups),
    enabled: Boolean(pipelineId) && enabled,
    retry: false,
  });
}

type MemberPage = paths['/api/v1/members']['get']['responses'][200]['content']['application/json'];
const membersByUser = (page: MemberPage) => new Map(page.data.map((m) => [m.userId, m]));

/** The workspace's members by user id (deal owners are users). */
export function useMembers() {
  return useQuery({
    queryKey: ['members', 'by-user'],
    queryFn: async () => membersByUser(await unwrap(api.GET('/api/v1/members', { params: { query: { limit: 500 } } }))),
    // A list's first screen may have asked already, from index.html.
    initialData: () => {
      const early = earlyAnswer<MemberPage>('GET', '/api/v1/members?limit=500');
      return early ? membersByUser(early) : undefined;
    },
    staleTime: 60_000,
  });
}

/** The names of the companies with these ids, looked up in one search. */
export function useCompanyNames(ids: readonly string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['companies', 'names', unique],
    queryFn: async () => {
      if (unique.length === 0) return new Map<string, string>();
      const page = await unwrap(
        api.POST('/api/v1/companies/search', {
          body: { filterGroups: [{ filters: [{ field: 'id', operator: 'in', values: unique }] }], limit: 500, fields: ['name'] },
        }),
      );
      return new Map(page.data.map((c) => [c.id, c.name ?? '']));
    },
    staleTime: 60_000,
    placeholderData: (previous) => previous,
  });
}

/** The workspace's custom fields on deals, to label and type required `custom.<key>` fields. */
export function useDealCustomFields() {
  return useQuery({
    queryKey: ['custom-fields', 'deal'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/custom-fields', { params: { query: { objectType: 'deal' } } }))).data,
    staleTime: 60_000,
  });
}

/** The workspace's default currency, which new deals get unless told otherwise. */
export function useWorkspaceCurrency(): string {
  const workspace = useQuery({
    queryKey: ['workspace'],
    queryFn: () => unwrap(api.GET('/api/v1/workspace')),
    staleTime: 60_000,
  });
  return workspace.data?.settings.currency ?? 'USD';
}
