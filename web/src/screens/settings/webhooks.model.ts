import type { Webhook, WebhookDelivery, WebhookEventType } from './webhooks.api';

const recordLabels: Record<string, string> = {
  contact: 'Contacts',
  company: 'Companies',
  deal: 'Deals',
  activity: 'Activities',
  task: 'Tasks',
  import: 'Imports',
};

/** What an event type is called in a checkbox: `deal.stage_changed` → "Stage changed". */
export function eventLabel(type: string): string {
  const action = type.slice(type.indexOf('.') + 1).replace(/_/g, ' ');
  return action.charAt(0).toUpperCase() + action.slice(1);
}

/**
 * The event types grouped by the kind of record they are about, in the API's order, for the
 * checkboxes of the webhook form.
 * @example groupEventTypes(['contact.created', 'deal.won']) // [{ label: 'Contacts', types: [...] }, { label: 'Deals', ... }]
 */
export function groupEventTypes(types: readonly WebhookEventType[]): { key: string; label: string; types: WebhookEventType[] }[] {
  const groups = new Map<string, WebhookEventType[]>();
  for (const type of types) {
    const key = type.slice(0, type.indexOf('.'));
    groups.set(key, [...(groups.get(key) ?? []), type]);
  }
  return [...groups].map(([key, list]) => ({ key, label: recordLabels[key] ?? key, types: list }));
}

/** A webhook's state in a word, and how the tag shows it. */
export function webhookState(webhook: Webhook): { label: string; tone: 'ok' | 'warn' | 'muted' } {
  if (!webhook.enabled) return { label: webhook.disabledReason ? 'Disabled by Rapport' : 'Disabled', tone: 'muted' };
  if (webhook.failingSince) return { label: 'Failing', tone: 'warn' };
  return { label: 'Active', tone: 'ok' };
}

/** One line saying how a delivery went: its last answer (or error) and how long it took. */
export function deliveryOutcome(delivery: WebhookDelivery): string {
  const last = delivery.attemptLog.at(-1);
  if (!last) return 'Not tried yet';
  const answer = last.responseStatus !== null ? `HTTP ${last.responseStatus}` : (last.error ?? 'No answer');
  return `${answer} · ${last.responseTimeMs} ms`;
}

/** The status of a delivery as a person reads it. */
export function deliveryStatusLabel(delivery: WebhookDelivery): string {
  if (delivery.status === 'succeeded') return 'Delivered';
  if (delivery.status === 'failed') return `Gave up after ${delivery.attempts} attempts`;
  return delivery.attempts === 0 ? 'Queued' : `Retrying (attempt ${delivery.attempts} failed)`;
}

/** When a delivery was made, to the minute (several a day are common, so a date alone says too little). */
export function deliveryTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
