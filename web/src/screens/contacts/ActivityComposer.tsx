import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { Input, Select, TextArea } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';

type ActivityCreate = components['schemas']['ActivityCreate'];
type Mode = 'note' | 'call';

/** The record an activity is logged on. */
export type ActivityLink = ActivityCreate['links'][number];

/** What the composer sends: a Markdown note, or a call with its direction, outcome and length. */
export function activityFromForm(mode: Mode, link: ActivityLink, form: FormData): ActivityCreate {
  const links = [link];
  const body = String(form.get('body') ?? '').trim();
  if (mode === 'note') return { kind: 'note', body, links };
  const minutes = Number(String(form.get('minutes') ?? '').trim() || 'NaN');
  const outcome = String(form.get('outcome') ?? '').trim();
  return {
    kind: 'call',
    body: body || null,
    links,
    call: {
      direction: form.get('direction') === 'inbound' ? 'inbound' : 'outbound',
      durationSeconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : null,
      outcome: outcome || null,
    },
  };
}

/** Adds a note (Markdown) or logs a call on a record's timeline (a contact's, a deal's …). */
export function ActivityComposer({ link }: { link: ActivityLink }) {
  const [mode, setMode] = useState<Mode>('note');
  const [formKey, setFormKey] = useState(0);
  const queryClient = useQueryClient();
  const toast = useToast();
  const add = useCallback(
    async (body: ActivityCreate) => {
      await unwrap(api.POST('/api/v1/activities', { body }));
      setFormKey((k) => k + 1);
      toast(body.kind === 'note' ? 'Note added' : 'Call logged');
      // Every record's queries are keyed [records, 'timeline' | 'one', id], like contactKeys.
      const records = link.recordType === 'company' ? 'companies' : `${link.recordType}s`;
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [records, 'timeline', link.recordId] }),
        queryClient.invalidateQueries({ queryKey: [records, 'one', link.recordId] }),
      ]);
    },
    [link, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(add);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(activityFromForm(mode, link, new FormData(event.currentTarget)));
  };

  return (
    <>
      <div className="composer-tabs" role="tablist" aria-label="Add to the timeline">
        {(['note', 'call'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} className="btn btn-ghost btn-sm" onClick={() => setMode(m)}>
            {m === 'note' ? 'Note' : 'Log call'}
          </button>
        ))}
      </div>
      <form key={`${mode}:${formKey}`} className="form" onSubmit={onSubmit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        {mode === 'call' ? (
          <div className="form-row">
            <Select
              label="Direction"
              name="direction"
              defaultValue="outbound"
              options={[
                { value: 'outbound', label: 'Outbound' },
                { value: 'inbound', label: 'Inbound' },
              ]}
              error={errors['call.direction']}
            />
            <Input label="Minutes" name="minutes" inputMode="decimal" error={errors['call.durationSeconds']} />
            <Input label="Outcome" name="outcome" placeholder="Connected, left voicemail…" error={errors['call.outcome']} />
          </div>
        ) : null}
        <TextArea
          label={mode === 'note' ? 'Note' : 'Call notes'}
          hideLabel={mode === 'note'}
          name="body"
          placeholder={mode === 'note' ? 'Write a note… Markdown works: **bold**, lists, links' : 'What was said'}
          error={errors.body}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {mode === 'note' ? 'Add note' : 'Log call'}
          </Button>
        </div>
      </form>
    </>
  );
}
