import type { Queryable } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { DeliveryRow } from './webhooks.repo.ts';

/** The queue the outbox relay fills for the webhooks consumer (see jobs/outbox.ts). */
const CONSUMER_QUEUE = 'consumer.webhooks';

/**
 * The fan-out watermark: the id of the earliest event the webhooks consumer may not have turned
 * into deliveries yet (still in the outbox, or queued for the consumer), or null when none is
 * outstanding. The consumer's queue can hand over events of one relay batch in any order, so a
 * delivery waits until every earlier event has been fanned out; otherwise a later change to a
 * record could go out before an earlier one was even known. Event ids are time-ordered (UUIDv7),
 * and a write to a record takes its event id only after the previous write to it committed.
 */
const watermark = `LEAST(
  (SELECT id FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT 1),
  (SELECT (data->>'id')::uuid AS id FROM pgboss.job
   WHERE name = '${CONSUMER_QUEUE}' AND state IN ('created', 'retry', 'active') ORDER BY 1 LIMIT 1)
)`;

/** A pending delivery may go when nothing earlier for the same record and subscription is pending. */
const isLaneHead = `NOT EXISTS (
  SELECT 1 FROM webhook_deliveries e
  WHERE e.workspace_id = d.workspace_id AND e.subscription_id = d.subscription_id AND e.record_id = d.record_id
    AND e.status = 'pending' AND (e.event_id, e.id) < (d.event_id, d.id))`;

/** What a claimed delivery needs to be sent: the row and its subscription's target and secrets. */
export type ClaimedDelivery = DeliveryRow & {
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
};

/**
 * Claims one delivery for sending: only if it is pending, due at `now`, not being sent by
 * another worker, first in its lane, past the fan-out watermark, and its subscription enabled.
 * Counts the attempt and leases the row for `leaseMs`.
 */
export async function claimDelivery(
  db: Queryable,
  workspaceId: string,
  id: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedDelivery | undefined> {
  const res = await db.query<ClaimedDelivery>(
    `WITH mark AS (SELECT ${watermark} AS id)
     UPDATE webhook_deliveries d SET attempts = d.attempts + 1, lease_until = $3::timestamptz + make_interval(secs => $4 / 1000.0)
     FROM webhook_subscriptions s
     WHERE d.workspace_id = $1 AND d.id = $2 AND d.status = 'pending' AND d.next_attempt_at <= $3
       AND (d.lease_until IS NULL OR d.lease_until < $3)
       AND s.workspace_id = d.workspace_id AND s.id = d.subscription_id AND s.enabled
       AND ${isLaneHead}
       AND ((SELECT id FROM mark) IS NULL OR d.event_id < (SELECT id FROM mark))
     RETURNING d.*, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at`,
    [workspaceId, id, now, leaseMs],
  );
  return res.rows[0];
}

/** Whether a pending, due, first-in-lane delivery is held back only by the fan-out watermark. */
export async function waitsForFanOut(db: Queryable, workspaceId: string, id: string, now: Date): Promise<boolean> {
  const res = await db.query(
    `SELECT 1 FROM webhook_deliveries d
     WHERE d.workspace_id = $1 AND d.id = $2 AND d.status = 'pending' AND d.next_attempt_at <= $3 AND ${isLaneHead}
       AND d.event_id >= ${watermark}`,
    [workspaceId, id, now],
  );
  return res.rows.length > 0;
}

/** Deliveries that could be claimed at `now`, earliest due first (the sweep's work list). */
export async function dueDeliveries(db: Queryable, now: Date, limit: number): Promise<{ workspace_id: string; id: string }[]> {
  const res = await db.query<{ workspace_id: string; id: string }>(
    `WITH mark AS (SELECT ${watermark} AS id)
     SELECT d.workspace_id, d.id FROM webhook_deliveries d
     JOIN webhook_subscriptions s ON s.workspace_id = d.workspace_id AND s.id = d.subscription_id AND s.enabled
     WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $1)
       AND ${isLaneHead}
       AND ((SELECT id FROM mark) IS NULL OR d.event_id < (SELECT id FROM mark))
     ORDER BY d.next_attempt_at, d.event_id LIMIT $2`,
    [now, limit],
  );
  return res.rows;
}

/** The result of one HTTP attempt. */
export type AttemptResult = {
  attemptedAt: Date;
  responseStatus: number | null;
  responseTimeMs: number;
  responseBody: string | null;
  error: string | null;
};

/** Appends an attempt to the delivery log. */
export async function insertAttempt(db: Queryable, workspaceId: string, deliveryId: string, a: AttemptResult): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempts (workspace_id, id, delivery_id, attempted_at, response_status, response_time_ms, response_body, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [workspaceId, newId(), deliveryId, a.attemptedAt, a.responseStatus, a.responseTimeMs, a.responseBody, a.error],
  );
}

/** Ends a delivery's lease with its new state: delivered, given up, or due again at `nextAttemptAt`. */
export async function settleDelivery(
  db: Queryable,
  workspaceId: string,
  id: string,
  outcome: { status: 'succeeded' | 'failed' | 'pending'; nextAttemptAt: Date; deliveredAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, delivered_at = $5, lease_until = NULL
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, outcome.status, outcome.nextAttemptAt, outcome.deliveredAt],
  );
}

/** The delivery now first in a lane, if any. */
export async function laneHead(db: Queryable, workspaceId: string, subscriptionId: string, recordId: string): Promise<string | undefined> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM webhook_deliveries
     WHERE workspace_id = $1 AND subscription_id = $2 AND record_id = $3 AND status = 'pending'
     ORDER BY event_id, id LIMIT 1`,
    [workspaceId, subscriptionId, recordId],
  );
  return res.rows[0]?.id;
}

/** The first pending delivery of every lane of a subscription, made due at `now` (on re-enabling). */
export async function resumeLanes(db: Queryable, workspaceId: string, subscriptionId: string, now: Date): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `UPDATE webhook_deliveries d SET next_attempt_at = $3
     FROM (SELECT DISTINCT ON (record_id) id FROM webhook_deliveries
           WHERE workspace_id = $1 AND subscription_id = $2 AND status = 'pending'
           ORDER BY record_id, event_id, id) AS heads
     WHERE d.workspace_id = $1 AND d.id = heads.id RETURNING d.id`,
    [workspaceId, subscriptionId, now],
  );
  return res.rows.map((r) => r.id);
}

/** Notifies every owner and admin of a workspace once (per key) about a subscription. */
export async function notifyAdmins(
  db: Queryable,
  workspaceId: string,
  n: { kind: string; title: string; body: string; subscriptionId: string; sourceKey: string },
): Promise<void> {
  const admins = await db.query<{ user_id: string }>(
    "SELECT user_id FROM memberships WHERE workspace_id = $1 AND role IN ('owner', 'admin') ORDER BY user_id",
    [workspaceId],
  );
  const users = admins.rows.map((r) => r.user_id);
  if (users.length === 0) return;
  await db.query(
    `INSERT INTO notifications (workspace_id, id, user_id, kind, title, body, record_type, record_id, source_key)
     SELECT $1, n.id, n.user_id, $4, $5, $6, 'webhook_subscription', $7, $8 || ':' || n.user_id
     FROM unnest($2::uuid[], $3::uuid[]) AS n (id, user_id)
     ON CONFLICT (workspace_id, source_key) WHERE source_key IS NOT NULL DO NOTHING`,
    [workspaceId, users.map(() => newId()), users, n.kind, n.title, n.body, n.subscriptionId, n.sourceKey],
  );
}
