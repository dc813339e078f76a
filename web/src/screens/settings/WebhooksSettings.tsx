import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input } from '../../ui/Field';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { CopyField } from './CopyField';
import { shortDate } from './options';
import { ConfirmDialog, ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { useCan } from './settings.api';
import {
  useWebhookDeliveries,
  useWebhookEventTypes,
  useWebhookSettings,
  useWebhooks,
  type Webhook,
  type WebhookEventType,
  webhookKeys,
} from './webhooks.api';
import { deliveryOutcome, deliveryStatusLabel, deliveryTime, eventLabel, groupEventTypes, webhookState } from './webhooks.model';
import './webhooks.css';

type WebhookInput = { url: string; description: string; eventTypes: WebhookEventType[]; enabled: boolean };

/** The signing secret, shown once after creating or rotating, with how to verify it. */
function SecretReveal({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div className="form">
      <p className="alert settings-warning" role="status">
        This is the only time the signing secret is shown: copy it now into the receiving app.
      </p>
      <CopyField label="Signing secret" value={secret} copyLabel="Copy secret" />
      <p className="field-hint">
        Each request carries <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers (Standard
        Webhooks); verify them with this secret, e.g. with the <code>standardwebhooks</code> library.
      </p>
      <div className="form-actions">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

/** The event types as checkboxes, one group per kind of record. */
export function EventTypeChecks({
  types,
  chosen,
  onChange,
  error,
}: {
  types: readonly WebhookEventType[];
  chosen: WebhookEventType[];
  onChange: (next: WebhookEventType[]) => void;
  error?: string;
}) {
  const toggle = (type: WebhookEventType, on: boolean) => onChange(on ? [...chosen, type] : chosen.filter((t) => t !== type));
  return (
    <fieldset className="webhook-events" aria-describedby={error ? 'webhook-events-error' : undefined}>
      <legend className="field-label">Events to send</legend>
      {groupEventTypes(types).map((group) => (
        <fieldset key={group.key} className="settings-checks webhook-event-group">
          <legend className="webhook-event-group-title">{group.label}</legend>
          {group.types.map((type) => (
            <label key={type} className="settings-check">
              <input type="checkbox" checked={chosen.includes(type)} onChange={(event) => toggle(type, event.target.checked)} />
              <span>
                {eventLabel(type)} <code className="webhook-event-code">{type}</code>
              </span>
            </label>
          ))}
        </fieldset>
      ))}
      {error ? (
        <span id="webhook-events-error" className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

/** Creating a webhook (then its secret, shown once) or changing one. */
function WebhookDialog({ open, webhook, onClose }: { open: boolean; webhook: Webhook | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const eventTypes = useWebhookEventTypes(open);
  const [chosen, setChosen] = useState<WebhookEventType[] | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const selected = chosen ?? webhook?.eventTypes ?? [];
  const close = useCallback(() => {
    setChosen(null);
    setSecret(null);
    onClose();
  }, [onClose]);
  const save = useCallback(
    async (input: WebhookInput) => {
      if (webhook) {
        await unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } }, body: input }));
      } else {
        setSecret((await unwrap(api.POST('/api/v1/webhooks', { body: input }))).secret);
      }
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
      if (webhook) close();
    },
    [queryClient, webhook, close],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run({
      url: String(data.get('url') ?? '').trim(),
      description: String(data.get('description') ?? '').trim(),
      eventTypes: selected,
      enabled: webhook ? data.get('enabled') === 'on' : true,
    });
  };
  const eventsError = errors.eventTypes ?? Object.entries(errors).find(([k]) => k.startsWith('eventTypes'))?.[1];
  return (
    <Dialog open={open} title={secret ? 'Copy the signing secret' : webhook ? 'Edit webhook' : 'New webhook'} onClose={close}>
      {secret ? (
        <SecretReveal secret={secret} onDone={close} />
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          <Input
            label="Endpoint URL"
            name="url"
            type="url"
            inputMode="url"
            autoComplete="off"
            required
            placeholder="https://example.com/webhooks/rapport"
            defaultValue={webhook?.url}
            hint="Rapport POSTs each event here as JSON; any 2xx answer counts as delivered."
            error={errors.url}
          />
          <Input label="Description" name="description" autoComplete="off" defaultValue={webhook?.description} error={errors.description} />
          {eventTypes.isPending ? (
            <Loading label="Loading event types…" />
          ) : eventTypes.isError ? (
            <ErrorState error={eventTypes.error} onRetry={() => eventTypes.refetch()} />
          ) : (
            <EventTypeChecks types={eventTypes.data} chosen={selected} onChange={setChosen} error={eventsError} />
          )}
          {webhook ? (
            <label className="settings-check">
              <input type="checkbox" name="enabled" defaultChecked={webhook.enabled} />
              Enabled (enabling again sends the events still waiting)
            </label>
          ) : null}
          <div className="form-actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy}>
              {webhook ? 'Save webhook' : 'Create webhook'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** The delivery log of one webhook: what was sent, how the receiver answered, and redelivery. */
function DeliveriesDialog({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const deliveries = useWebhookDeliveries(webhook?.id ?? null);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [sending, setSending] = useState<string | null>(null);
  const redeliver = async (deliveryId: string) => {
    if (!webhook) return;
    setSending(deliveryId);
    try {
      await unwrap(
        api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id: webhook.id, deliveryId } } }),
      );
      await queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhook.id) });
      toast('Queued to be sent again');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setSending(null);
    }
  };
  return (
    <Dialog open={webhook !== null} title="Deliveries" onClose={onClose}>
      <div className="form">
        <p className="settings-row-meta webhook-target">{webhook?.url}</p>
        {deliveries.isPending ? (
          <Loading label="Loading deliveries…" />
        ) : deliveries.isError ? (
          <ErrorState error={deliveries.error} onRetry={() => deliveries.refetch()} />
        ) : deliveries.data.length === 0 ? (
          <Empty title="Nothing sent yet">Deliveries appear here as subscribed events happen.</Empty>
        ) : (
          <ul className="settings-list webhook-deliveries" aria-label="Deliveries">
            {deliveries.data.map((d) => {
              const last = d.attemptLog.at(-1);
              return (
                <li key={d.id} className="settings-row webhook-delivery">
                  <div className="settings-row-main">
                    <span className="settings-row-title">
                      <code>{d.eventType}</code> <span className={`settings-tag webhook-tag-${d.status}`}>{deliveryStatusLabel(d)}</span>
                    </span>
                    <span className="settings-row-meta">
                      {deliveryTime(d.createdAt)} · {deliveryOutcome(d)}
                    </span>
                    {last?.responseBody ? (
                      <details className="webhook-body">
                        <summary>Response body</summary>
                        <pre>{last.responseBody}</pre>
                      </details>
                    ) : null}
                  </div>
                  <div className="settings-row-actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      busy={sending === d.id}
                      disabled={!webhook?.enabled}
                      aria-label={`Redeliver ${d.eventType} of ${deliveryTime(d.createdAt)}`}
                      onClick={() => redeliver(d.id)}
                    >
                      Redeliver
                    </Button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        <div className="form-actions">
          <Button onClick={onClose}>Done</Button>
        </div>
      </div>
    </Dialog>
  );
}

/** The workspace switch for targets on private networks, off by default (server-side request forgery). */
function PrivateTargetsPanel() {
  const settings = useWebhookSettings(true);
  const queryClient = useQueryClient();
  const toast = useToast();
  // The value being saved, shown at once so the box does not flick back while the save runs.
  const [saving, setSaving] = useState<boolean | null>(null);
  const change = async (allowPrivateTargets: boolean) => {
    setSaving(allowPrivateTargets);
    try {
      await unwrap(api.PATCH('/api/v1/webhooks/settings', { body: { allowPrivateTargets } }));
      await queryClient.invalidateQueries({ queryKey: webhookKeys.settings });
      toast(allowPrivateTargets ? 'Private network targets are allowed' : 'Private network targets are refused');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setSaving(null);
    }
  };
  return (
    <SettingsPanel title="Network">
      {settings.isPending ? (
        <Loading label="Loading webhook settings…" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} />
      ) : (
        <div className="webhook-network">
          <label className="settings-check">
            <input
              type="checkbox"
              checked={saving ?? settings.data.allowPrivateTargets}
              disabled={saving !== null}
              onChange={(event) => change(event.target.checked)}
            />
            Allow targets on private networks and this machine (localhost, 10.x, 192.168.x …)
          </label>
          <p className="field-hint">Off by default, so a webhook cannot be used to reach services inside your network.</p>
        </div>
      )}
    </SettingsPanel>
  );
}

function WebhookRow({
  webhook,
  onEdit,
  onDeliveries,
  onRotate,
  onDelete,
}: {
  webhook: Webhook;
  onEdit: () => void;
  onDeliveries: () => void;
  onRotate: () => void;
  onDelete: () => void;
}) {
  const state = webhookState(webhook);
  const count = webhook.eventTypes.length;
  return (
    <li className="settings-row webhook-row">
      <div className="settings-row-main">
        <span className="settings-row-title webhook-target">
          {webhook.url} <span className={`settings-tag webhook-state-${state.tone}`}>{state.label}</span>
        </span>
        <span className="settings-row-meta">
          {webhook.description ? `${webhook.description} · ` : ''}
          {count} event {count === 1 ? 'type' : 'types'} · created {shortDate(webhook.createdAt)}
          {webhook.failingSince && webhook.enabled ? ` · failing since ${shortDate(webhook.failingSince)}` : ''}
        </span>
        {webhook.disabledReason ? <span className="settings-row-meta webhook-reason">{webhook.disabledReason}</span> : null}
      </div>
      <div className="settings-row-actions webhook-actions">
        <Button size="sm" variant="ghost" onClick={onDeliveries} aria-label={`Deliveries of ${webhook.url}`}>
          Deliveries
        </Button>
        <Button size="sm" variant="ghost" onClick={onEdit} aria-label={`Edit ${webhook.url}`}>
          Edit
        </Button>
        <Button size="sm" variant="ghost" onClick={onRotate} aria-label={`Rotate the secret of ${webhook.url}`}>
          Rotate secret
        </Button>
        <Button size="sm" variant="ghost" className="btn-danger" onClick={onDelete} aria-label={`Delete ${webhook.url}`}>
          Delete
        </Button>
      </div>
    </li>
  );
}

/** Webhooks: subscribe URLs to events, read each one's delivery log, redeliver, rotate secrets. */
export function WebhooksSettings() {
  const can = useCan();
  const admin = can('webhooks.manage');
  const webhooks = useWebhooks(admin);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [rotatedSecret, setRotatedSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const rotate = async (webhook: Webhook) => {
    const res = await unwrap(api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id: webhook.id } } }));
    setRotatedSecret(res.secret);
  };
  const remove = async (webhook: Webhook) => {
    await unwrap(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } } }));
    await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
    toast('Webhook deleted');
  };
  const newWebhook = (
    <Button variant="primary" onClick={() => setEditing('new')}>
      {icons.plus} New webhook
    </Button>
  );
  return (
    <SettingsSection
      title="Webhooks"
      description="Rapport sends signed events to your endpoints as records change, retrying for over a day when they are down."
      actions={admin ? newWebhook : undefined}
    >
      {admin ? null : <ReadOnlyNote>Only admins and owners can see and manage webhooks.</ReadOnlyNote>}
      {admin ? (
        <>
          <SettingsPanel>
            {webhooks.isPending ? (
              <Loading label="Loading webhooks…" />
            ) : webhooks.isError ? (
              <ErrorState error={webhooks.error} onRetry={() => webhooks.refetch()} />
            ) : webhooks.data.length === 0 ? (
              <Empty title="No webhooks yet" action={newWebhook}>
                Send contact, company, deal, activity and task events to another app as they happen.
              </Empty>
            ) : (
              <ul className="settings-list" aria-label="Webhooks">
                {webhooks.data.map((w) => (
                  <WebhookRow
                    key={w.id}
                    webhook={w}
                    onEdit={() => setEditing(w)}
                    onDeliveries={() => setViewing(w)}
                    onRotate={() => setRotating(w)}
                    onDelete={() => setDeleting(w)}
                  />
                ))}
              </ul>
            )}
          </SettingsPanel>
          <PrivateTargetsPanel />
        </>
      ) : null}
      <WebhookDialog
        key={editing === null ? 'closed' : editing === 'new' ? 'new' : editing.id}
        open={editing !== null}
        webhook={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
      />
      <DeliveriesDialog webhook={viewing} onClose={() => setViewing(null)} />
      <ConfirmDialog
        open={rotating !== null && rotatedSecret === null}
        title="Rotate signing secret"
        confirmLabel="Rotate secret"
        onClose={() => setRotating(null)}
        onConfirm={() => (rotating ? rotate(rotating) : Promise.resolve())}
      >
        <p>
          A new secret signs every delivery from now on. The current one keeps signing too for 24 hours, so the receiver can switch over.
        </p>
      </ConfirmDialog>
      <Dialog open={rotatedSecret !== null} title="Copy the new signing secret" onClose={() => setRotatedSecret(null)}>
        {rotatedSecret ? <SecretReveal secret={rotatedSecret} onDone={() => setRotatedSecret(null)} /> : null}
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete webhook"
        confirmLabel="Delete webhook"
        onClose={() => setDeleting(null)}
        onConfirm={() => (deleting ? remove(deleting) : Promise.resolve())}
      >
        <p>Events stop going to {deleting?.url} at once, and its delivery log is deleted. This cannot be undone.</p>
      </ConfirmDialog>
    </SettingsSection>
  );
}
