import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type Webhook = components['schemas']['WebhookSubscription'];
export type WebhookDelivery = components['schemas']['WebhookDelivery'];
export type WebhookEventType = Webhook['eventTypes'][number];

/** Query keys of the webhooks settings. */
export const webhookKeys = {
  all: ['settings', 'webhooks'] as const,
  list: ['settings', 'webhooks', 'list'] as const,
  eventTypes: ['settings', 'webhooks', 'event-types'] as const,
  settings: ['settings', 'webhooks', 'settings'] as const,
  deliveries: (id: string) => ['settings', 'webhooks', 'deliveries', id] as const,
};

/** The workspace's webhooks (admins only). */
export function useWebhooks(enabled: boolean) {
  return useQuery({ queryKey: webhookKeys.list, queryFn: async () => (await unwrap(api.GET('/api/v1/webhooks'))).data, enabled });
}

/** Every event type a webhook can subscribe to. */
export function useWebhookEventTypes(enabled: boolean) {
  return useQuery({
    queryKey: webhookKeys.eventTypes,
    queryFn: async () => (await unwrap(api.GET('/api/v1/webhooks/event-types'))).data,
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Whether webhooks may target private and loopback addresses. */
export function useWebhookSettings(enabled: boolean) {
  return useQuery({ queryKey: webhookKeys.settings, queryFn: () => unwrap(api.GET('/api/v1/webhooks/settings')), enabled });
}

/** The newest 50 deliveries of a webhook, with their attempts. */
export function useWebhookDeliveries(id: string | null) {
  return useQuery({
    queryKey: webhookKeys.deliveries(id ?? ''),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: id as string }, query: { limit: 50 } } }))).data,
    enabled: id !== null,
  });
}
