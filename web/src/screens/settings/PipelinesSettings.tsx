import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Select } from '../../ui/Field';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { moveItem } from './options';
import { NewPipelineDialog, RenamePipelineForm } from './PipelineDialogs';
import { RemoveStageDialog } from './RemoveStageDialog';
import { ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { StageDialog } from './StageDialog';
import { StageList } from './StageList';
import { type Pipeline, refresh, type Stage, settingsKeys, useCan, useCustomFieldList, usePipelineList } from './settings.api';

/** Reorders stages at once on screen, puts them back if the API refuses, and reloads either way. */
function useReorderStages(pipeline: Pipeline) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (stageIds: string[]) =>
      unwrap(api.POST('/api/v1/pipelines/{id}/stages/reorder', { params: { path: { id: pipeline.id } }, body: { stageIds } })),
    onMutate: async (stageIds) => {
      await queryClient.cancelQueries({ queryKey: settingsKeys.pipelines });
      const before = queryClient.getQueryData<Pipeline[]>(settingsKeys.pipelines);
      const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
      const stages = stageIds.flatMap((id, position) => {
        const s = byId.get(id);
        return s ? [{ ...s, position }] : [];
      });
      queryClient.setQueryData<Pipeline[]>(settingsKeys.pipelines, (all) => all?.map((p) => (p.id === pipeline.id ? { ...p, stages } : p)));
      return { before };
    },
    onError: (err, _ids, context) => {
      if (context?.before) queryClient.setQueryData(settingsKeys.pipelines, context.before);
      toast(`The stages could not be reordered: ${errorMessage(err)}`, 'error');
    },
    onSettled: () => refresh(queryClient, 'pipelines'),
  });
}

function PipelineEditor({ pipeline, pipelines, editable }: { pipeline: Pipeline; pipelines: Pipeline[]; editable: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const dealFields = useCustomFieldList('deal');
  const reorder = useReorderStages(pipeline);
  const [editing, setEditing] = useState<{ stage?: Stage } | null>(null);
  const [removing, setRemoving] = useState<Stage | null>(null);
  const makeDefault = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/v1/pipelines/{id}', { params: { path: { id: pipeline.id } }, body: { isDefault: true } })),
    onSuccess: () => toast(`New deals now go to “${pipeline.name}”`),
    onError: (err) => toast(errorMessage(err), 'error'),
    onSettled: () => refresh(queryClient, 'pipelines'),
  });
  const moveStage = (stage: Stage, to: number) => {
    const ids = pipeline.stages.map((s) => s.id);
    reorder.mutate(moveItem(ids, ids.indexOf(stage.id), to));
  };
  return (
    <SettingsPanel className="pipeline-editor">
      <div className="panel-body pipeline-head">
        {editable ? (
          <RenamePipelineForm key={pipeline.name} pipeline={pipeline} />
        ) : (
          <h3 className="settings-row-title">{pipeline.name}</h3>
        )}
        <div className="pipeline-head-actions">
          {pipeline.isDefault ? (
            <span className="settings-tag">Default pipeline</span>
          ) : editable ? (
            <Button busy={makeDefault.isPending} onClick={() => makeDefault.mutate()}>
              Make default
            </Button>
          ) : null}
        </div>
      </div>
      <div className="pipeline-stages-head">
        <h4 className="settings-subtitle">Stages</h4>
        {editable ? (
          <Button size="sm" onClick={() => setEditing({})}>
            {icons.plus} Add stage
          </Button>
        ) : null}
      </div>
      <StageList
        stages={pipeline.stages}
        customFields={dealFields.data ?? []}
        editable={editable}
        onMove={moveStage}
        onEdit={(stage) => setEditing({ stage })}
        onRemove={setRemoving}
      />
      {editing ? (
        <StageDialog key={editing.stage?.id ?? 'new'} pipeline={pipeline} stage={editing.stage} open onClose={() => setEditing(null)} />
      ) : null}
      {removing ? <RemoveStageDialog pipeline={pipeline} stage={removing} pipelines={pipelines} onClose={() => setRemoving(null)} /> : null}
    </SettingsPanel>
  );
}

/** Pipelines and their stages: order, win probability, rotten-after days and the fields a deal needs to enter. */
export function PipelinesSettings() {
  const pipelines = usePipelineList();
  const can = useCan();
  const editable = can('pipelines.manage');
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const onCreated = useCallback((p: Pipeline) => setChosen(p.id), []);
  const list = pipelines.data ?? [];
  const pipeline = list.find((p) => p.id === chosen) ?? list[0];
  return (
    <SettingsSection
      title="Pipelines"
      description="The stages deals move through, what each stage requires, and when an idle deal counts as rotten."
      actions={
        editable ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            {icons.plus} New pipeline
          </Button>
        ) : undefined
      }
    >
      {editable ? null : <ReadOnlyNote>Only admins and owners can change pipelines.</ReadOnlyNote>}
      {pipelines.isPending ? (
        <Loading label="Loading pipelines…" />
      ) : pipelines.isError ? (
        <ErrorState error={pipelines.error} onRetry={() => pipelines.refetch()} />
      ) : !pipeline ? (
        <Empty title="No pipelines">Create one to start tracking deals.</Empty>
      ) : (
        <>
          {list.length > 1 ? (
            <div className="settings-picker">
              <Select
                label="Pipeline"
                options={list.map((p) => ({ value: p.id, label: p.isDefault ? `${p.name} (default)` : p.name }))}
                value={pipeline.id}
                onChange={(event) => setChosen(event.target.value)}
              />
            </div>
          ) : null}
          <PipelineEditor key={pipeline.id} pipeline={pipeline} pipelines={list} editable={editable} />
        </>
      )}
      <NewPipelineDialog open={creating} onClose={() => setCreating(false)} onCreated={onCreated} />
    </SettingsSection>
  );
}
