import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { requirableDealFields } from './options';
import { type Pipeline, refresh, type Stage, useCustomFieldList } from './settings.api';

type StageForm = { name: string; probability: string; rottenDays: string };

/** A whole number from a form input, or the text itself so the API names what is wrong with it. */
function numberOrText(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The deal fields a stage can require: the standard ones, then the deal custom fields that are not archived. */
function useRequirableFields() {
  const custom = useCustomFieldList('deal');
  const customOptions = (custom.data ?? []).filter((f) => !f.archived).map((f) => ({ value: `custom.${f.key}`, label: f.label }));
  return [...requirableDealFields, ...customOptions];
}

/** Adds a stage to a pipeline or edits one: name, win probability, rotten-after days and required fields. */
export function StageDialog({
  pipeline,
  stage,
  open,
  onClose,
}: {
  pipeline: Pipeline;
  stage?: Stage | undefined;
  open: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const fields = useRequirableFields();
  const [required, setRequired] = useState<string[]>(stage?.requiredFields ?? []);
  const save = useCallback(
    async (input: StageForm) => {
      const body = {
        name: input.name,
        probability: numberOrText(input.probability),
        rottenDays: input.rottenDays.trim() === '' ? null : numberOrText(input.rottenDays),
        requiredFields: required,
      };
      if (stage) {
        await unwrap(
          api.PATCH('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { id: pipeline.id, stageId: stage.id } }, body }),
        );
        toast(`Saved the stage “${input.name}”`);
      } else {
        await unwrap(api.POST('/api/v1/pipelines/{id}/stages', { params: { path: { id: pipeline.id } }, body }));
        toast(`Added the stage “${input.name}” to ${pipeline.name}`);
      }
      await refresh(queryClient, 'pipelines');
      onClose();
    },
    [onClose, pipeline, queryClient, required, stage, toast],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: keyof StageForm) => String(data.get(name) ?? '');
    void run({ name: text('name').trim(), probability: text('probability'), rottenDays: text('rottenDays') });
  };
  const toggle = (field: string, on: boolean) => setRequired((all) => (on ? [...all, field] : all.filter((f) => f !== field)));
  const requiredError = errors.requiredFields ?? Object.entries(errors).find(([k]) => k.startsWith('requiredFields['))?.[1];
  return (
    <Dialog open={open} title={stage ? `Edit “${stage.name}”` : `New stage in ${pipeline.name}`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Stage name" name="name" defaultValue={stage?.name} autoComplete="off" required error={errors.name} />
        <div className="form-row">
          <Input
            label="Win probability (%)"
            name="probability"
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            defaultValue={stage?.probability ?? 50}
            error={errors.probability}
          />
          <Input
            label="Rotten after (days)"
            name="rottenDays"
            type="number"
            inputMode="numeric"
            min={1}
            defaultValue={stage ? (stage.rottenDays ?? '') : ''}
            hint="Empty: deals here never go rotten."
            error={errors.rottenDays}
          />
        </div>
        <fieldset className="settings-checks" aria-describedby={requiredError ? 'stage-required-error' : undefined}>
          <legend className="field-label">Required to enter this stage</legend>
          {fields.map((f) => (
            <label key={f.value} className="settings-check">
              <input type="checkbox" checked={required.includes(f.value)} onChange={(event) => toggle(f.value, event.target.checked)} />
              {f.label}
            </label>
          ))}
          {requiredError ? (
            <span id="stage-required-error" className="field-error" role="alert">
              {requiredError}
            </span>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {stage ? 'Save stage' : 'Add stage'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
