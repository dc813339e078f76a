import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useMemo } from 'react';
import { api, unwrapVersioned } from '../../api/client';
import { ApiError } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { currencyOptions, regionOptions, timeZoneOptions } from './options';
import { ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { refresh, settingsKeys, useCan, useWorkspace, type Workspace } from './settings.api';

type WorkspaceForm = { name: string; currency: string; phoneRegion: string; timezone: string };

function WorkspaceDefaultsForm({ workspace, etag, editable }: { workspace: Workspace; etag: string | null; editable: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { settings } = workspace;
  const options = useMemo(
    () => ({
      currency: currencyOptions(settings.currency),
      region: regionOptions(settings.phoneRegion),
      timezone: timeZoneOptions(settings.timezone),
    }),
    [settings.currency, settings.phoneRegion, settings.timezone],
  );
  const save = useCallback(
    async ({ name, ...next }: WorkspaceForm) => {
      try {
        const saved = await unwrapVersioned(
          api.PATCH('/api/v1/workspace', { headers: { 'If-Match': etag ?? '*' }, body: { name, settings: next } }),
        );
        queryClient.setQueryData(settingsKeys.workspace, saved);
        await refresh(queryClient, 'workspace');
        toast('Workspace settings saved');
      } catch (err) {
        // Someone else saved first: the form reloads with their version, and a toast (which outlives it) says so.
        if (err instanceof ApiError && err.status === 412) {
          toast('Someone changed these settings meanwhile; their version is shown now. Check it and save again.', 'error');
          await queryClient.invalidateQueries({ queryKey: settingsKeys.workspace });
        }
        throw err;
      }
    },
    [etag, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (key: keyof WorkspaceForm) => String(data.get(key) ?? '');
    void run({ name: text('name'), currency: text('currency'), phoneRegion: text('phoneRegion'), timezone: text('timezone') });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Workspace defaults">
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <fieldset className="settings-fieldset" disabled={!editable}>
        <Input label="Workspace name" name="name" defaultValue={workspace.name} required error={errors.name} />
        <div className="form-row">
          <Select
            label="Default currency"
            name="currency"
            options={options.currency}
            defaultValue={settings.currency}
            hint="New deals use it unless told otherwise."
            error={errors['settings.currency']}
          />
          <Select
            label="Phone region"
            name="phoneRegion"
            options={options.region}
            defaultValue={settings.phoneRegion}
            hint="Phone numbers without a country code are read as from here."
            error={errors['settings.phoneRegion']}
          />
        </div>
        <Select
          label="Time zone"
          name="timezone"
          options={options.timezone}
          defaultValue={settings.timezone}
          hint="Days and due dates are counted in this time zone."
          error={errors['settings.timezone']}
        />
      </fieldset>
      {editable ? (
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            Save workspace
          </Button>
        </div>
      ) : null}
    </form>
  );
}

/** The workspace's name and the defaults records use: currency, phone region, time zone. */
export function WorkspaceSettings() {
  const workspace = useWorkspace();
  const can = useCan();
  const editable = can('workspace.update');
  return (
    <SettingsSection title="Workspace" description="The workspace's name and the defaults every record uses.">
      {editable ? null : <ReadOnlyNote>Only admins and owners can change these settings.</ReadOnlyNote>}
      <SettingsPanel>
        <div className="panel-body">
          {workspace.isPending ? (
            <Loading />
          ) : workspace.isError ? (
            <ErrorState error={workspace.error} onRetry={() => workspace.refetch()} />
          ) : (
            <WorkspaceDefaultsForm
              key={workspace.data.etag ?? workspace.data.data.updatedAt}
              workspace={workspace.data.data}
              etag={workspace.data.etag}
              editable={editable}
            />
          )}
        </div>
      </SettingsPanel>
    </SettingsSection>
  );
}
