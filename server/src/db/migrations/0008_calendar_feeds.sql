-- A private calendar feed per user and workspace: calendar apps subscribe to a URL that carries
-- a secret token, so the feed is read without a session. Only the token's SHA-256 is kept (like
-- API keys); rotating replaces the row, revoking deletes it, and either way the old URL stops.
CREATE TABLE calendar_feeds (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX calendar_feeds_user_key ON calendar_feeds (workspace_id, user_id);
CREATE UNIQUE INDEX calendar_feeds_token_key ON calendar_feeds (token_hash);

-- A feed reads a window of a workspace's meetings by start time; the general activity index
-- would walk every note, call and email of that window too.
CREATE INDEX activities_meetings_idx ON activities (workspace_id, occurred_at) WHERE kind = 'meeting' AND deleted_at IS NULL;
