import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select } from '../../ui/Field';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { CopyField } from './CopyField';
import { shortDate } from './options';
import { ConfirmDialog, ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { type ApiKey, refresh, useApiKeys, useCan } from './settings.api';

const scopes = [
  { value: 'read_write', label: 'Read and write' },
  { value: 'read', label: 'Read only' },
];
const scopeLabel = (scope: ApiKey['scope']) => (scope === 'read' ? 'Read only' : 'Read and write');

/** Creating a key: the form, then its secret, shown this once. */
export function NewApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const create = useCallback(
    async ({ name, scope }: { name: string; scope: ApiKey['scope'] }) => {
      const res = await unwrap(api.POST('/api/v1/api-keys', { body: { name, scope } }));
      setCreated({ name: res.apiKey.name, key: res.key });
      await refresh(queryClient, 'apiKeys');
    },
    [queryClient],
  );
  const { run, busy, errors, message } = useFormAction(create);
  const close = () => {
    setCreated(null);
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run({ name: String(data.get('name') ?? '').trim(), scope: String(data.get('scope')) as ApiKey['scope'] });
  };
  return (
    <Dialog open={open} title={created ? 'Copy your API key' : 'New API key'} onClose={close}>
      {created ? (
        <div className="form">
          <p className="alert settings-warning" role="status">
            This is the only time the key is shown: copy it now and keep it somewhere safe. You won't see it again.
          </p>
          <CopyField label={`Secret of “${created.name}”`} value={created.key} copyLabel="Copy key" />
          <p className="field-hint">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>. It acts as you, with your role, in this workspace.
          </p>
          <div className="form-actions">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          <Input label="Name" name="name" autoComplete="off" required hint="What uses it, e.g. “Billing sync”." error={errors.name} />
          <Select label="Access" name="scope" options={scopes} defaultValue="read_write" error={errors.scope} />
          <div className="form-actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy}>
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  return (
    <li className="settings-row" data-revoked={revoked || undefined}>
      <div className="settings-row-main">
        <span className="settings-row-title">
          {apiKey.name} {revoked ? <span className="settings-tag settings-tag-muted">Revoked {shortDate(apiKey.revokedAt)}</span> : null}
        </span>
        <span className="settings-row-meta">
          <code>{apiKey.prefix}…</code> · {scopeLabel(apiKey.scope)} · created {shortDate(apiKey.createdAt)} ·{' '}
          {apiKey.lastUsedAt ? `last used ${shortDate(apiKey.lastUsedAt)}` : 'never used'}
        </span>
      </div>
      {revoked ? null : (
        <div className="settings-row-actions">
          <Button size="sm" variant="ghost" className="btn-danger" aria-label={`Revoke ${apiKey.name}`} onClick={onRevoke}>
            Revoke
          </Button>
        </div>
      )}
    </li>
  );
}

/** API keys for scripts and integrations: create (the secret shown once), see when each was last used, revoke. */
export function ApiKeysSettings() {
  const can = useCan();
  const admin = can('api_keys.manage');
  const keys = useApiKeys(admin);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = async (key: ApiKey) => {
    await unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } }));
    await refresh(queryClient, 'apiKeys');
    toast(`“${key.name}” is revoked`);
  };
  const newKey = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      {icons.plus} New API key
    </Button>
  );
  return (
    <SettingsSection
      title="API keys"
      description="Keys let scripts and integrations use the API as the person who made them."
      actions={admin ? newKey : undefined}
    >
      {admin ? null : <ReadOnlyNote>Only admins and owners can see and create API keys.</ReadOnlyNote>}
      {admin ? (
        <SettingsPanel>
          {keys.isPending ? (
            <Loading label="Loading API keys…" />
          ) : keys.isError ? (
            <ErrorState error={keys.error} onRetry={() => keys.refetch()} />
          ) : keys.data.length === 0 ? (
            <Empty title="No API keys yet" action={newKey}>
              Create one for each script or integration, so each can be revoked on its own.
            </Empty>
          ) : (
            <ul className="settings-list" aria-label="API keys">
              {keys.data.map((k) => (
                <ApiKeyRow key={k.id} apiKey={k} onRevoke={() => setRevoking(k)} />
              ))}
            </ul>
          )}
        </SettingsPanel>
      ) : null}
      <NewApiKeyDialog open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key"
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
      >
        <p>Anything using “{revoking?.name}” stops working at once. This cannot be undone.</p>
      </ConfirmDialog>
    </SettingsSection>
  );
}
