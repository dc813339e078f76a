import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Select } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { type Pipeline, refresh, type Stage } from './settings.api';

/** How many deals (open or closed) sit in a stage, as the deal search counts them. */
function useDealsInStage(stageId: string) {
  return useQuery({
    queryKey: ['deals', 'in-stage', stageId],
    queryFn: async () => {
      const page = await unwrap(
        api.POST('/api/v1/deals/search', {
          body: { filterGroups: [{ filters: [{ field: 'stageId', operator: 'eq', value: stageId }] }], limit: 1 },
        }),
      );
      return page.total;
    },
  });
}

/** Whether the API refused because the stage still has deals and needs `moveTo`. */
function needsMoveTo(err: unknown): boolean {
  return err instanceof ApiError && (err.problem.errors ?? []).some((e) => e.field === 'query.moveTo');
}

/**
 * Removes a stage. When it holds deals (counted beforehand, or as the API answers), asks which
 * stage of any pipeline takes them, and sends that as `moveTo`.
 */
export function RemoveStageDialog({
  pipeline,
  stage,
  pipelines,
  onClose,
}: {
  pipeline: Pipeline;
  stage: Stage;
  pipelines: Pipeline[];
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const count = useDealsInStage(stage.id);
  const [askMove, setAskMove] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const targets = pipelines.flatMap((p) =>
    p.stages.filter((s) => s.id !== stage.id).map((s) => ({ value: s.id, label: p.id === pipeline.id ? s.name : `${p.name} — ${s.name}` })),
  );
  const [moveTo, setMoveTo] = useState(targets[0]?.value ?? '');
  const moving = askMove || (count.data ?? 0) > 0;

  const remove = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await unwrap(
        api.DELETE('/api/v1/pipelines/{id}/stages/{stageId}', {
          params: { path: { id: pipeline.id, stageId: stage.id }, query: moving && moveTo ? { moveTo } : {} },
        }),
      );
      await refresh(queryClient, 'pipelines');
      toast(`Removed the stage “${stage.name}”`);
      onClose();
    } catch (err) {
      if (needsMoveTo(err) && !moving) setAskMove(true);
      else setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open title={`Remove “${stage.name}”`} onClose={onClose}>
      <div className="form">
        {failure ? (
          <p className="alert" role="alert">
            {failure}
          </p>
        ) : null}
        {moving ? (
          <>
            <p>
              {count.data
                ? `${count.data} deal${count.data === 1 ? ' is' : 's are'} in this stage.`
                : 'Deals are still in this stage (some may be closed or in the trash).'}{' '}
              Choose where they go; their history records the move.
            </p>
            <Select label="Move its deals to" options={targets} value={moveTo} onChange={(event) => setMoveTo(event.target.value)} />
          </>
        ) : (
          <p>The stage leaves {pipeline.name}. This cannot be undone.</p>
        )}
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" busy={busy || count.isPending} onClick={remove}>
            {moving ? 'Move deals and remove' : 'Remove stage'}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
