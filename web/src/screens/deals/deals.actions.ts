import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, unwrapVersioned, type Versioned } from '../../api/client';
import { ApiError } from '../../api/problem';
import { type Deal, removeDeal, replaceDeal } from './board';
import { type DealChanges, dealKeys } from './deals.api';

/**
 * Saves changes to a deal (with If-Match when the ETag is known) and brings every cached view
 * of it up to date: its page, the board of its pipeline (a closed deal leaves it), its
 * timeline and stage history, and the deals list.
 */
export function useSaveDeal() {
  const queryClient = useQueryClient();
  return useCallback(
    async (deal: Deal, changes: DealChanges, etag?: string | null): Promise<Versioned<Deal>> => {
      const saved = await unwrapVersioned(
        api.PATCH('/api/v1/deals/{id}', { params: { path: { id: deal.id } }, headers: { 'If-Match': etag ?? '*' }, body: changes }),
      );
      queryClient.setQueryData(dealKeys.one(deal.id), saved);
      for (const pipelineId of new Set([deal.pipelineId, saved.data.pipelineId])) {
        if (!pipelineId) continue;
        // Every board of the pipeline, whatever its filter.
        queryClient.setQueriesData<Deal[]>({ queryKey: dealKeys.board(pipelineId) }, (deals) => {
          if (!deals) return deals;
          const stays = saved.data.status === 'open' && saved.data.pipelineId === pipelineId;
          if (!stays) return removeDeal(deals, deal.id);
          return deals.some((d) => d.id === deal.id) ? replaceDeal(deals, saved.data) : [...deals, saved.data];
        });
      }
      void queryClient.invalidateQueries({ queryKey: dealKeys.timeline(deal.id) });
      void queryClient.invalidateQueries({ queryKey: dealKeys.stageHistory(deal.id) });
      void queryClient.invalidateQueries({ queryKey: ['deals', 'list'] });
      return saved;
    },
    [queryClient],
  );
}

/** Whether an error is the API refusing a stage move until required fields are filled. */
export function isStageRequirements(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 'stage_requirements';
}
