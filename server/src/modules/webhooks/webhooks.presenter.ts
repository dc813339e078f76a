import type { z } from 'zod';
import type { AttemptRow, DeliveryRow, SubscriptionRow } from './webhooks.repo.ts';
import type { webhookDeliverySchema, webhookSubscriptionSchema } from './webhooks.schema.ts';

type SubscriptionView = z.infer<typeof webhookSubscriptionSchema>;
type DeliveryView = z.infer<typeof webhookDeliverySchema>;

/** A subscription as the API shows it (never its secret). */
export function presentSubscription(s: SubscriptionRow): SubscriptionView {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    eventTypes: s.event_types as SubscriptionView['eventTypes'],
    enabled: s.enabled,
    disabledAt: s.disabled_at?.toISOString() ?? null,
    disabledReason: s.disabled_reason,
    failingSince: s.failing_since?.toISOString() ?? null,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}

/** A delivery with its attempts, as the delivery log shows it. */
export function presentDelivery(d: DeliveryRow, attempts: AttemptRow[]): DeliveryView {
  return {
    id: d.id,
    eventId: d.event_id,
    eventType: d.event_type as DeliveryView['eventType'],
    recordId: d.record_id,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
    deliveredAt: d.delivered_at?.toISOString() ?? null,
    createdAt: d.created_at.toISOString(),
    attemptLog: attempts.map((a) => ({
      attemptedAt: a.attempted_at.toISOString(),
      responseStatus: a.response_status,
      responseTimeMs: a.response_time_ms,
      responseBody: a.response_body,
      error: a.error,
    })),
  };
}
