import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams, pageQuery } from '../../http/schemas.ts';
import { webhookEventTypes } from './webhooks.events.ts';
import { presentSubscription } from './webhooks.presenter.ts';
import {
  createWebhookBody,
  deliveryParams,
  eventTypeListSchema,
  updateWebhookBody,
  updateWebhookSettingsBody,
  webhookDeliverySchema,
  webhookSettingsSchema,
  webhookSubscriptionSchema,
  webhookWithSecretSchema,
} from './webhooks.schema.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookSettings,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhook,
  updateWebhookSettings,
} from './webhooks.service.ts';

const tags = ['Webhooks'];

/** Webhook subscriptions, their delivery log and the workspace's webhook settings (admins). */
export function webhookRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhooks/event-types',
      { schema: { tags, summary: 'List the event types a webhook can subscribe to', response: { 200: eventTypeListSchema } } },
      async () => ({ data: [...webhookEventTypes] }),
    );

    app.get(
      '/webhooks/settings',
      { schema: { tags, summary: 'Read the webhook settings', response: { 200: webhookSettingsSchema } } },
      async (request) => inWorkspace(deps.db, request, getWebhookSettings),
    );

    app.patch(
      '/webhooks/settings',
      {
        schema: { tags, summary: 'Change the webhook settings', body: updateWebhookSettingsBody, response: { 200: webhookSettingsSchema } },
      },
      async (request) => inWorkspace(deps.db, request, (ctx) => updateWebhookSettings(ctx, request.body)),
    );

    app.get(
      '/webhooks',
      { schema: { tags, summary: 'List webhooks', response: { 200: z.object({ data: z.array(webhookSubscriptionSchema) }) } } },
      async (request) => ({ data: (await inWorkspace(deps.db, request, listWebhooks)).map(presentSubscription) }),
    );

    app.post(
      '/webhooks',
      {
        schema: {
          tags,
          summary: 'Create a webhook (the signing secret is shown once)',
          body: createWebhookBody,
          response: { 201: webhookWithSecretSchema },
        },
      },
      async (request, reply) => {
        const { webhook, secret } = await inWorkspace(deps.db, request, (ctx) => createWebhook(ctx, request.body));
        return reply.code(201).send({ webhook: presentSubscription(webhook), secret });
      },
    );

    app.get(
      '/webhooks/:id',
      { schema: { tags, summary: 'Read a webhook', params: idParams, response: { 200: webhookSubscriptionSchema } } },
      async (request) => presentSubscription(await inWorkspace(deps.db, request, (ctx) => getWebhook(ctx, request.params.id))),
    );

    app.patch(
      '/webhooks/:id',
      {
        schema: {
          tags,
          summary: 'Change or enable/disable a webhook',
          params: idParams,
          body: updateWebhookBody,
          response: { 200: webhookSubscriptionSchema },
        },
      },
      async (request) =>
        presentSubscription(await inWorkspace(deps.db, request, (ctx) => updateWebhook(ctx, deps.queue, request.params.id, request.body))),
    );

    app.delete(
      '/webhooks/:id',
      { schema: { tags, summary: 'Delete a webhook and its delivery log', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, (ctx) => deleteWebhook(ctx, request.params.id));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/webhooks/:id/rotate-secret',
      {
        schema: {
          tags,
          summary: 'Issue a new signing secret (shown once; the previous one keeps signing for 24 hours)',
          params: idParams,
          response: { 200: webhookWithSecretSchema },
        },
      },
      async (request) => {
        const { webhook, secret } = await inWorkspace(deps.db, request, (ctx) => rotateWebhookSecret(ctx, request.params.id));
        return { webhook: presentSubscription(webhook), secret };
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          summary: "A webhook's delivery log, newest first",
          params: idParams,
          querystring: pageQuery,
          response: { 200: z.object({ data: z.array(webhookDeliverySchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => inWorkspace(deps.db, request, (ctx) => listWebhookDeliveries(ctx, request.params.id, request.query)),
    );

    app.post(
      '/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        schema: {
          tags,
          summary: 'Send a delivery again now (same webhook-id)',
          params: deliveryParams,
          response: { 202: webhookDeliverySchema },
        },
      },
      async (request, reply) => {
        const { id, deliveryId } = request.params;
        const delivery = await inWorkspace(deps.db, request, (ctx) => redeliverWebhook(ctx, deps.queue, id, deliveryId));
        return reply.code(202).send(delivery);
      },
    );
  };
}
