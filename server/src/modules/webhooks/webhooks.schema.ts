import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { webhookEventTypes } from './webhooks.events.ts';

const eventType = z.enum(webhookEventTypes);

const targetUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'Must be an http:// or https:// URL' }));

const eventTypes = z
  .array(eventType)
  .min(1, 'Choose at least one event type')
  .max(webhookEventTypes.length)
  .transform((types) => [...new Set(types)]);

export const webhookSubscriptionSchema = z
  .object({
    id: uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(eventType),
    enabled: z.boolean(),
    disabledAt: z.iso.datetime().nullable(),
    disabledReason: z.string().nullable().describe('Why Rapport disabled it, e.g. after sustained failures'),
    failingSince: z.iso.datetime().nullable().describe('When deliveries began failing, if they still are'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookSubscription' });

export const createWebhookBody = z
  .object({
    url: targetUrl,
    description: z.string().trim().max(500).default(''),
    eventTypes,
    enabled: z.boolean().default(true),
  })
  .strict();

export const updateWebhookBody = z
  .object({
    url: targetUrl.optional(),
    description: z.string().trim().max(500).optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional().describe('Re-enabling resumes the deliveries still pending'),
  })
  .strict();

export const webhookWithSecretSchema = z
  .object({
    webhook: webhookSubscriptionSchema,
    secret: z.string().describe('The signing secret (whsec_…); shown only in this response'),
  })
  .meta({ id: 'WebhookWithSecret' });

const attemptSchema = z.object({
  attemptedAt: z.iso.datetime(),
  responseStatus: z.number().int().nullable(),
  responseTimeMs: z.number().int(),
  responseBody: z.string().nullable().describe('The first 1,000 characters of the answer'),
  error: z.string().nullable().describe('Why no answer came (refused target, timeout, connection error)'),
});

export const webhookDeliverySchema = z
  .object({
    id: uuid().describe('The webhook-id header: the same on every retry and redelivery'),
    eventId: uuid(),
    eventType: eventType,
    recordId: uuid(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    attemptLog: z.array(attemptSchema).describe('Every attempt, oldest first'),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryParams = z.object({ id: uuid('Not a valid id'), deliveryId: uuid('Not a valid id') }).strict();

export const webhookSettingsSchema = z
  .object({
    allowPrivateTargets: z
      .boolean()
      .describe('Allow targets on loopback and private networks (refused by default against server-side request forgery)'),
  })
  .meta({ id: 'WebhookSettings' });

export const updateWebhookSettingsBody = z.object({ allowPrivateTargets: z.boolean() }).strict();

export const eventTypeListSchema = z.object({ data: z.array(eventType) }).meta({ id: 'WebhookEventTypes' });
