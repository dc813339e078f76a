import type { Ctx } from '../../context.ts';
import type { Queue } from '../../jobs/queue.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { groupBy, newId } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { WEBHOOK_DELIVERY_QUEUE } from './webhooks.delivery.ts';
import { resumeLanes } from './webhooks.dispatch.repo.ts';
import { presentDelivery } from './webhooks.presenter.ts';
import {
  allowsPrivateTargets,
  attemptsOf,
  deleteSubscription,
  findDelivery,
  findSubscription,
  insertSubscription,
  listDeliveries as listDeliveryRows,
  listSubscriptions,
  requeueDelivery,
  rotateSecret,
  type SubscriptionRow,
  saveWebhookSettings,
  updateSubscription,
} from './webhooks.repo.ts';
import { newWebhookSecret } from './webhooks.signing.ts';
import { hostOf, privateAddressOf } from './webhooks.targets.ts';

/** How long the previous secret keeps signing after a rotation. */
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

type SubscriptionInput = { url: string; description: string; eventTypes: string[]; enabled: boolean };

/** The audited fields of a subscription (never the secret). */
const audited = (s: SubscriptionRow) => ({ url: s.url, description: s.description, eventTypes: s.event_types, enabled: s.enabled });

/**
 * Refuses a target that is or resolves to a private or loopback address unless the workspace
 * allows them; deliveries check again when they connect, since DNS answers change.
 */
async function assertTargetAllowed(ctx: Ctx, url: string): Promise<void> {
  if (await allowsPrivateTargets(ctx.tx, ctx.workspaceId)) return;
  const host = hostOf(new URL(url));
  const address = await privateAddressOf(host);
  if (!address) return;
  const where = address === host ? host : `${host} (${address})`;
  throw new AppError('validation_failed', 'Webhook targets on private or loopback networks are not allowed in this workspace', [
    {
      field: 'body.url',
      code: 'private_target',
      message: `${where} is a private or loopback address; an admin can allow private targets in the webhook settings`,
    },
  ]);
}

/** Subscribes a URL to event types; the signing secret is returned once. */
export async function createWebhook(ctx: Ctx, input: SubscriptionInput): Promise<{ webhook: SubscriptionRow; secret: string }> {
  authorize(ctx, 'webhooks.manage');
  await assertTargetAllowed(ctx, input.url);
  const secret = newWebhookSecret();
  const webhook = await insertSubscription(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    ...input,
    secret,
    createdBy: ctx.actor.userId,
  });
  await recordWrite(ctx, {
    recordType: 'webhook_subscription',
    recordId: webhook.id,
    action: 'create',
    before: null,
    after: audited(webhook),
  });
  return { webhook, secret };
}

/** The workspace's subscriptions. */
export async function listWebhooks(ctx: Ctx): Promise<SubscriptionRow[]> {
  authorize(ctx, 'webhooks.manage');
  return listSubscriptions(ctx.tx, ctx.workspaceId);
}

/** One subscription. */
export async function getWebhook(ctx: Ctx, id: string): Promise<SubscriptionRow> {
  authorize(ctx, 'webhooks.manage');
  const row = await findSubscription(ctx.tx, ctx.workspaceId, id);
  if (!row) throw notFound('Webhook');
  return row;
}

/** Changes a subscription. Enabling a disabled one resumes its pending deliveries at once. */
export async function updateWebhook(ctx: Ctx, queue: Queue, id: string, patch: Partial<SubscriptionInput>): Promise<SubscriptionRow> {
  authorize(ctx, 'webhooks.manage');
  const current = await findSubscription(ctx.tx, ctx.workspaceId, id, true);
  if (!current) throw notFound('Webhook');
  if (patch.url !== undefined && patch.url !== current.url) await assertTargetAllowed(ctx, patch.url);
  const updated = await updateSubscription(ctx.tx, ctx.workspaceId, id, {
    url: patch.url ?? current.url,
    description: patch.description ?? current.description,
    eventTypes: patch.eventTypes ?? current.event_types,
    enabled: patch.enabled ?? current.enabled,
  });
  if (updated.enabled && !current.enabled) {
    const heads = await resumeLanes(ctx.tx, ctx.workspaceId, id, new Date());
    await queue.insert(
      WEBHOOK_DELIVERY_QUEUE,
      heads.map((deliveryId) => ({ data: { workspaceId: ctx.workspaceId, deliveryId } })),
      ctx.tx,
    );
  }
  await recordWrite(ctx, {
    recordType: 'webhook_subscription',
    recordId: id,
    action: 'update',
    before: audited(current),
    after: audited(updated),
  });
  return updated;
}

/** Deletes a subscription, its pending deliveries and its log. */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx, 'webhooks.manage');
  const current = await findSubscription(ctx.tx, ctx.workspaceId, id, true);
  if (!current) throw notFound('Webhook');
  await deleteSubscription(ctx.tx, ctx.workspaceId, id);
  await recordWrite(ctx, { recordType: 'webhook_subscription', recordId: id, action: 'delete', before: audited(current), after: null });
}

/** Issues a new signing secret, returned once; the previous one also signs for a day. */
export async function rotateWebhookSecret(ctx: Ctx, id: string): Promise<{ webhook: SubscriptionRow; secret: string }> {
  authorize(ctx, 'webhooks.manage');
  const current = await findSubscription(ctx.tx, ctx.workspaceId, id, true);
  if (!current) throw notFound('Webhook');
  const secret = newWebhookSecret();
  const webhook = await rotateSecret(ctx.tx, ctx.workspaceId, id, secret, new Date(Date.now() + ROTATION_OVERLAP_MS));
  await recordWrite(ctx, {
    recordType: 'webhook_subscription',
    recordId: id,
    action: 'update',
    before: null,
    after: null,
    payload: { secretRotated: true },
  });
  return { webhook, secret };
}

/** A page of a subscription's delivery log, newest first, with every attempt. */
export async function listWebhookDeliveries(ctx: Ctx, id: string, page: { limit: number; cursor?: string }) {
  await getWebhook(ctx, id);
  const rows = await listDeliveryRows(ctx.tx, ctx.workspaceId, id, { limit: page.limit + 1, before: page.cursor });
  const shown = rows.slice(0, page.limit);
  const attempts = groupBy(
    await attemptsOf(
      ctx.tx,
      ctx.workspaceId,
      shown.map((d) => d.id),
    ),
    (a) => a.delivery_id,
  );
  return {
    data: shown.map((d) => presentDelivery(d, attempts.get(d.id) ?? [])),
    nextCursor: rows.length > page.limit ? (shown.at(-1)?.id ?? null) : null,
  };
}

/** Sends a delivery again now, with the same webhook-id, whatever became of it before. */
export async function redeliverWebhook(ctx: Ctx, queue: Queue, id: string, deliveryId: string) {
  const webhook = await getWebhook(ctx, id);
  const delivery = await findDelivery(ctx.tx, ctx.workspaceId, id, deliveryId);
  if (!delivery) throw notFound('Delivery');
  if (!webhook.enabled) throw conflict('This webhook is disabled; enable it before redelivering');
  await requeueDelivery(ctx.tx, ctx.workspaceId, deliveryId, new Date());
  await queue.send(WEBHOOK_DELIVERY_QUEUE, { workspaceId: ctx.workspaceId, deliveryId }, { tx: ctx.tx });
  const requeued = (await findDelivery(ctx.tx, ctx.workspaceId, id, deliveryId)) ?? delivery;
  return presentDelivery(requeued, await attemptsOf(ctx.tx, ctx.workspaceId, [deliveryId]));
}

/** The workspace's webhook settings. */
export async function getWebhookSettings(ctx: Ctx): Promise<{ allowPrivateTargets: boolean }> {
  authorize(ctx, 'webhooks.manage');
  return { allowPrivateTargets: await allowsPrivateTargets(ctx.tx, ctx.workspaceId) };
}

/** Changes the workspace's webhook settings. */
export async function updateWebhookSettings(ctx: Ctx, input: { allowPrivateTargets: boolean }): Promise<{ allowPrivateTargets: boolean }> {
  authorize(ctx, 'webhooks.manage');
  const before = await allowsPrivateTargets(ctx.tx, ctx.workspaceId);
  await saveWebhookSettings(ctx.tx, ctx.workspaceId, input.allowPrivateTargets);
  await recordWrite(ctx, {
    recordType: 'webhook_settings',
    recordId: ctx.workspaceId,
    action: 'update',
    before: { allowPrivateTargets: before },
    after: { allowPrivateTargets: input.allowPrivateTargets },
  });
  return { allowPrivateTargets: input.allowPrivateTargets };
}
