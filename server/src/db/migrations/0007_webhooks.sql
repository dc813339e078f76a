-- Webhooks: subscriptions to domain events, one delivery row per message sent to one
-- subscription (its id is the `webhook-id` header, kept across retries and redeliveries), and one
-- attempt row per HTTP request made for it (the delivery log).
CREATE TABLE webhook_subscriptions (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  event_types text[] NOT NULL,
  -- The signing secret (`whsec_…`); kept readable because every delivery is signed with it.
  secret text NOT NULL,
  -- After a rotation the old secret signs too, for a day, so receivers can switch without a gap.
  previous_secret text,
  previous_secret_expires_at timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  disabled_at timestamptz,
  disabled_reason text,
  -- When deliveries began failing without a success since; cleared by the next success.
  failing_since timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE webhook_deliveries (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  record_id uuid NOT NULL,
  -- The exact body signed and sent, so every retry sends the same bytes.
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- Set while one worker is sending it, so two never send it at once; a crashed worker's lease lapses.
  lease_until timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, subscription_id) REFERENCES webhook_subscriptions (workspace_id, id) ON DELETE CASCADE,
  -- A repeated fan-out of one event (at-least-once queue) adds nothing.
  CONSTRAINT webhook_deliveries_event_key UNIQUE (workspace_id, subscription_id, event_id, event_type)
);
-- Per record and subscription, deliveries go out in event order: the lane index finds the
-- earliest pending delivery of a record.
CREATE INDEX webhook_deliveries_lane_idx ON webhook_deliveries (workspace_id, subscription_id, record_id, event_id, id)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (workspace_id, subscription_id, id DESC);

CREATE TABLE webhook_attempts (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  delivery_id uuid NOT NULL,
  attempted_at timestamptz NOT NULL,
  response_status integer,
  response_time_ms integer NOT NULL,
  response_body text,
  error text,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, delivery_id) REFERENCES webhook_deliveries (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (workspace_id, delivery_id, id);

-- Per-workspace webhook settings. Private and loopback targets are refused unless allowed here
-- (a self-hosted install posting to its own network opts in).
CREATE TABLE webhook_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  allow_private_targets boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
