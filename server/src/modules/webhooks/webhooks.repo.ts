import type { Queryable } from '../../db/database.ts';

/** A webhook subscription row. */
export type SubscriptionRow = {
  workspace_id: string;
  id: string;
  url: string;
  description: string;
  event_types: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  enabled: boolean;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

const subscriptionColumns = `workspace_id, id, url, description, event_types, secret, previous_secret, previous_secret_expires_at,
  enabled, disabled_at, disabled_reason, failing_since, created_by, created_at, updated_at`;

/** Stores a new subscription. */
export async function insertSubscription(
  db: Queryable,
  s: {
    workspaceId: string;
    id: string;
    url: string;
    description: string;
    eventTypes: string[];
    secret: string;
    enabled: boolean;
    createdBy: string | null;
  },
): Promise<SubscriptionRow> {
  const res = await db.query<SubscriptionRow>(
    `INSERT INTO webhook_subscriptions (workspace_id, id, url, description, event_types, secret, enabled, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${subscriptionColumns}`,
    [s.workspaceId, s.id, s.url, s.description, s.eventTypes, s.secret, s.enabled, s.createdBy],
  );
  return res.rows[0] as SubscriptionRow;
}

/** A workspace's subscriptions, newest first. */
export async function listSubscriptions(db: Queryable, workspaceId: string): Promise<SubscriptionRow[]> {
  const res = await db.query<SubscriptionRow>(
    `SELECT ${subscriptionColumns} FROM webhook_subscriptions WHERE workspace_id = $1 ORDER BY id DESC`,
    [workspaceId],
  );
  return res.rows;
}

/** One subscription, locked for update when `forUpdate`. */
export async function findSubscription(
  db: Queryable,
  workspaceId: string,
  id: string,
  forUpdate = false,
): Promise<SubscriptionRow | undefined> {
  const res = await db.query<SubscriptionRow>(
    `SELECT ${subscriptionColumns} FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** The enabled subscriptions of a workspace that listen to any of `types`. */
export async function subscriptionsListeningTo(db: Queryable, workspaceId: string, types: string[]): Promise<SubscriptionRow[]> {
  const res = await db.query<SubscriptionRow>(
    `SELECT ${subscriptionColumns} FROM webhook_subscriptions
     WHERE workspace_id = $1 AND enabled AND event_types && $2::text[] ORDER BY id`,
    [workspaceId, types],
  );
  return res.rows;
}

/** The event types the enabled subscriptions of each of `workspaceIds` listen to. */
export async function listenedTypes(db: Queryable, workspaceIds: string[]): Promise<Map<string, Set<string>>> {
  const res = await db.query<{ workspace_id: string; event_types: string[] }>(
    'SELECT workspace_id, event_types FROM webhook_subscriptions WHERE workspace_id = ANY($1::uuid[]) AND enabled',
    [workspaceIds],
  );
  const types = new Map<string, Set<string>>();
  for (const r of res.rows) {
    const set = types.get(r.workspace_id) ?? new Set<string>();
    for (const t of r.event_types) set.add(t);
    types.set(r.workspace_id, set);
  }
  return types;
}

/** Writes a subscription's editable fields; enabling clears the disabled and failing marks. */
export async function updateSubscription(
  db: Queryable,
  workspaceId: string,
  id: string,
  s: { url: string; description: string; eventTypes: string[]; enabled: boolean },
): Promise<SubscriptionRow> {
  const res = await db.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions SET url = $3, description = $4, event_types = $5, enabled = $6,
       disabled_at = CASE WHEN $6 THEN NULL ELSE coalesce(disabled_at, now()) END,
       disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END,
       failing_since = CASE WHEN $6 AND NOT enabled THEN NULL ELSE failing_since END,
       updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${subscriptionColumns}`,
    [workspaceId, id, s.url, s.description, s.eventTypes, s.enabled],
  );
  return res.rows[0] as SubscriptionRow;
}

/** Replaces the secret; the old one keeps signing until `previousExpiresAt`. */
export async function rotateSecret(
  db: Queryable,
  workspaceId: string,
  id: string,
  secret: string,
  previousExpiresAt: Date,
): Promise<SubscriptionRow> {
  const res = await db.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${subscriptionColumns}`,
    [workspaceId, id, secret, previousExpiresAt],
  );
  return res.rows[0] as SubscriptionRow;
}

/** Deletes a subscription with its deliveries and their log. */
export async function deleteSubscription(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** Records a failure: the subscription has been failing since `at` unless it already was. */
export async function markFailing(db: Queryable, workspaceId: string, id: string, at: Date): Promise<void> {
  await db.query('UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, $3) WHERE workspace_id = $1 AND id = $2', [
    workspaceId,
    id,
    at,
  ]);
}

/** Records a success: the subscription is no longer failing. */
export async function markHealthy(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query(
    'UPDATE webhook_subscriptions SET failing_since = NULL WHERE workspace_id = $1 AND id = $2 AND failing_since IS NOT NULL',
    [workspaceId, id],
  );
}

/** Disables an enabled subscription; returns it when this call disabled it (so only one caller notifies). */
export async function disableSubscription(
  db: Queryable,
  workspaceId: string,
  id: string,
  reason: string,
  at: Date,
): Promise<SubscriptionRow | undefined> {
  const res = await db.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions SET enabled = false, disabled_at = $4, disabled_reason = $3, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND enabled RETURNING ${subscriptionColumns}`,
    [workspaceId, id, reason, at],
  );
  return res.rows[0];
}

/** A delivery row: one message to one subscription. */
export type DeliveryRow = {
  workspace_id: string;
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  record_id: string;
  body: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  lease_until: Date | null;
  delivered_at: Date | null;
  created_at: Date;
};

const deliveryColumns =
  'workspace_id, id, subscription_id, event_id, event_type, record_id, body, status, attempts, next_attempt_at, lease_until, delivered_at, created_at';

/** A new delivery to store. */
export type NewDelivery = { id: string; subscriptionId: string; eventId: string; eventType: string; recordId: string; body: string };

/** Stores deliveries (pending, due at `dueAt`); one already stored for the same event and type is skipped. Returns the stored ids. */
export async function insertDeliveries(db: Queryable, workspaceId: string, rows: NewDelivery[], dueAt: Date): Promise<string[]> {
  if (rows.length === 0) return [];
  const res = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (workspace_id, id, subscription_id, event_id, event_type, record_id, body, next_attempt_at)
     SELECT $1, d.id, d.subscription_id, d.event_id, d.event_type, d.record_id, d.body, $3
     FROM jsonb_to_recordset($2::jsonb) AS d (id uuid, subscription_id uuid, event_id uuid, event_type text, record_id uuid, body text)
     ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING
     RETURNING id`,
    [
      workspaceId,
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          subscription_id: r.subscriptionId,
          event_id: r.eventId,
          event_type: r.eventType,
          record_id: r.recordId,
          body: r.body,
        })),
      ),
      dueAt,
    ],
  );
  return res.rows.map((r) => r.id);
}

/** A delivery of a subscription. */
export async function findDelivery(
  db: Queryable,
  workspaceId: string,
  subscriptionId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const res = await db.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE workspace_id = $1 AND subscription_id = $2 AND id = $3`,
    [workspaceId, subscriptionId, id],
  );
  return res.rows[0];
}

/** A page of a subscription's deliveries, newest first, after the `before` id. */
export async function listDeliveries(
  db: Queryable,
  workspaceId: string,
  subscriptionId: string,
  page: { limit: number; before?: string },
): Promise<DeliveryRow[]> {
  const res = await db.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM webhook_deliveries
     WHERE workspace_id = $1 AND subscription_id = $2 AND ($3::uuid IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [workspaceId, subscriptionId, page.before ?? null, page.limit],
  );
  return res.rows;
}

/** Puts a delivery back in line to be sent at once, its retry count started afresh. */
export async function requeueDelivery(db: Queryable, workspaceId: string, id: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, lease_until = NULL, delivered_at = NULL
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id, at],
  );
}

/** An attempt row of the delivery log. */
export type AttemptRow = {
  delivery_id: string;
  attempted_at: Date;
  response_status: number | null;
  response_time_ms: number;
  response_body: string | null;
  error: string | null;
};

/** The attempts of some deliveries, oldest first. */
export async function attemptsOf(db: Queryable, workspaceId: string, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const res = await db.query<AttemptRow>(
    `SELECT delivery_id, attempted_at, response_status, response_time_ms, response_body, error FROM webhook_attempts
     WHERE workspace_id = $1 AND delivery_id = ANY($2::uuid[]) ORDER BY id`,
    [workspaceId, deliveryIds],
  );
  return res.rows;
}

/** Whether private and loopback targets are allowed in a workspace (not by default). */
export async function allowsPrivateTargets(db: Queryable, workspaceId: string): Promise<boolean> {
  const res = await db.query<{ allow_private_targets: boolean }>(
    'SELECT allow_private_targets FROM webhook_settings WHERE workspace_id = $1',
    [workspaceId],
  );
  return res.rows[0]?.allow_private_targets ?? false;
}

/** Sets whether private and loopback targets are allowed. */
export async function saveWebhookSettings(db: Queryable, workspaceId: string, allowPrivateTargets: boolean): Promise<void> {
  await db.query(
    `INSERT INTO webhook_settings (workspace_id, allow_private_targets) VALUES ($1, $2)
     ON CONFLICT (workspace_id) DO UPDATE SET allow_private_targets = $2, updated_at = now()`,
    [workspaceId, allowPrivateTargets],
  );
}
