-- CSV imports. The uploaded file lives in the database (1 MB pieces), so any node can run the
-- job that reads it; the job writes records in checkpointed batches, each batch and the counters
-- of the import committed together, so a crashed import resumes without losing or repeating a row.

CREATE TABLE import_templates (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  object_type text NOT NULL CHECK (object_type IN ('contacts', 'companies', 'deals', 'activities')),
  mapping jsonb NOT NULL,
  upsert_key text NOT NULL,
  date_format text NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX import_templates_object_idx ON import_templates (workspace_id, object_type, name);

CREATE TABLE imports (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  object_type text NOT NULL CHECK (object_type IN ('contacts', 'companies', 'deals', 'activities')),
  -- 'uploading' is internal: the file is still arriving, and the import is not shown yet.
  status text NOT NULL CHECK (status IN ('uploading', 'draft', 'queued', 'running', 'completed', 'failed', 'cancelled',
    'reverting', 'reverted')),
  file_name text NOT NULL,
  file_size bigint NOT NULL DEFAULT 0,
  chunk_count integer NOT NULL DEFAULT 0,
  encoding text NOT NULL DEFAULT 'utf-8',
  delimiter text NOT NULL DEFAULT ',',
  headers jsonb NOT NULL DEFAULT '[]'::jsonb,
  sample_rows jsonb NOT NULL DEFAULT '[]'::jsonb,
  mapping jsonb NOT NULL DEFAULT '[]'::jsonb,
  upsert_key text NOT NULL CHECK (upsert_key IN ('email', 'domain', 'external_id', 'none')),
  date_format text NOT NULL DEFAULT 'auto',
  template_id uuid,
  rows_total integer,
  rows_done integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  errors_by_kind jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  -- The running job's lease: a second runner (a retried job, the sweep) leaves a live one alone.
  runner_id uuid,
  lease_until timestamptz,
  -- Crashes of the job so far; after a few the import is marked failed.
  failures integer NOT NULL DEFAULT 0,
  -- Where the current run started, for rows per second.
  run_started_at timestamptz,
  run_start_rows integer NOT NULL DEFAULT 0,
  progress_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_type text NOT NULL,
  actor_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  cancelled_at timestamptz,
  reverted_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX imports_active_idx ON imports (status) WHERE status IN ('queued', 'running', 'reverting');

CREATE TABLE import_file_chunks (
  workspace_id uuid NOT NULL,
  import_id uuid NOT NULL,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (workspace_id, import_id, seq),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);

-- The bad rows: their raw cells and why, for errors.csv.
CREATE TABLE import_errors (
  workspace_id uuid NOT NULL,
  import_id uuid NOT NULL,
  row_number integer NOT NULL,
  kind text NOT NULL,
  message text NOT NULL,
  raw jsonb NOT NULL,
  PRIMARY KEY (workspace_id, import_id, row_number),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);

-- What an import did to which record ('c' created, 'u' updated), so a revert knows what to
-- remove and what to restore (the old values of an update are in record_changes). The first
-- action wins: a record the import created and a later row updated stays 'c'.
CREATE TABLE import_records (
  workspace_id uuid NOT NULL,
  import_id uuid NOT NULL,
  record_id uuid NOT NULL,
  record_type text NOT NULL,
  action "char" NOT NULL,
  PRIMARY KEY (workspace_id, import_id, record_id),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);
