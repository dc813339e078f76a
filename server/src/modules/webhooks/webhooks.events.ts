import type { DomainEvent } from '../../jobs/outbox.ts';

const recordTypes = ['contact', 'company', 'deal', 'activity', 'task'] as const;
const recordActions = ['created', 'updated', 'deleted', 'restored', 'merged'] as const;

/** Every event type a webhook can subscribe to. */
export const webhookEventTypes = [
  ...recordTypes.flatMap((r) => recordActions.map((a) => `${r}.${a}`)),
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'contact.lifecycle_stage_changed',
  'form.submitted',
  'import.finished',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const subscribable = new Set<string>(webhookEventTypes);

/** Whether the webhooks consumer wants a domain event of this type at all. */
export function isWebhookSource(type: string): boolean {
  return subscribable.has(type);
}

/** The webhook types a domain event of this type can become, whatever its payload. */
export function possibleWebhookTypes(type: string): string[] {
  if (!isWebhookSource(type)) return [];
  return type === 'deal.updated' ? [type, 'deal.stage_changed', 'deal.won', 'deal.lost'] : [type];
}

/** One message a domain event becomes: its webhook type and the `data` of its body. */
export type WebhookMessage = { type: WebhookEventType; data: Record<string, unknown> };

type Change = { from: unknown; to: unknown };

/**
 * The webhook messages one domain event becomes. Most map one to one; a deal update also
 * becomes `deal.stage_changed`, `deal.won` or `deal.lost` when its changes say so, because the
 * deal write path records those as field changes of one update.
 * @example webhookMessagesFor({ type: 'deal.updated', payload: { changes: { status: { from: 'open', to: 'won' } } }, … })
 *   // → deal.updated, deal.won
 */
export function webhookMessagesFor(event: DomainEvent): WebhookMessage[] {
  if (!isWebhookSource(event.type)) return [];
  const data = { recordType: event.recordType, recordId: event.recordId, ...event.payload };
  const messages: WebhookMessage[] = [{ type: event.type as WebhookEventType, data }];
  if (event.type !== 'deal.updated') return messages;
  const changes = (event.payload.changes ?? {}) as Record<string, Change | undefined>;
  if (changes.stageId || changes.pipelineId) {
    const from = { pipelineId: changes.pipelineId?.from ?? null, stageId: changes.stageId?.from ?? null };
    const to = { pipelineId: changes.pipelineId?.to ?? null, stageId: changes.stageId?.to ?? null };
    messages.push({ type: 'deal.stage_changed', data: { ...data, from, to } });
  }
  const status = changes.status?.to;
  if (status === 'won' || status === 'lost') messages.push({ type: `deal.${status}`, data });
  return messages;
}
