import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, TextArea } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { type Pipeline, refresh } from './settings.api';

/** Stages from one name a line, with win probabilities spread evenly between 0 and 100. */
export function stagesFromLines(text: string): { name: string; probability: number }[] {
  const names = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return names.map((name, i) => ({ name, probability: Math.round(((i + 1) / (names.length + 1)) * 100) }));
}

/** Creates a pipeline from a name and its stages, one a line. */
export function NewPipelineDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (p: Pipeline) => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useCallback(
    async ({ name, stages }: { name: string; stages: string }) => {
      const created = await unwrap(api.POST('/api/v1/pipelines', { body: { name, stages: stagesFromLines(stages) } }));
      await refresh(queryClient, 'pipelines');
      toast(`Created the pipeline “${created.name}”`);
      onCreated(created);
      onClose();
    },
    [onClose, onCreated, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(create);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run({ name: String(data.get('name') ?? '').trim(), stages: String(data.get('stages') ?? '') });
  };
  const stageError = errors.stages ?? Object.entries(errors).find(([k]) => k.startsWith('stages['))?.[1];
  return (
    <Dialog open={open} title="New pipeline" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Pipeline name" name="name" autoComplete="off" required error={errors.name} />
        <TextArea
          label="Stages, one a line"
          name="stages"
          rows={4}
          defaultValue={'Qualified\nProposal\nNegotiation'}
          hint="Win probabilities start evenly spread; change them afterwards."
          error={stageError}
        />
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Create pipeline
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Renames a pipeline in place. */
export function RenamePipelineForm({ pipeline }: { pipeline: Pipeline }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const rename = useCallback(
    async (name: string) => {
      await unwrap(api.PATCH('/api/v1/pipelines/{id}', { params: { path: { id: pipeline.id } }, body: { name } }));
      await refresh(queryClient, 'pipelines');
      toast(`Renamed the pipeline to “${name}”`);
    },
    [pipeline.id, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(rename);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('name') ?? '').trim());
  };
  return (
    <form className="settings-inline-form" onSubmit={submit} noValidate aria-label="Rename pipeline">
      <Input
        label="Pipeline name"
        name="name"
        defaultValue={pipeline.name}
        autoComplete="off"
        required
        error={errors.name ?? message ?? undefined}
      />
      <Button type="submit" busy={busy}>
        Rename
      </Button>
    </form>
  );
}
