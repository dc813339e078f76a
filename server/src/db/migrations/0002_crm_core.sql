-- Rapport sales CRM core: contacts, companies, deals and pipelines, activities and the timeline,
-- tasks and notifications, custom fields, saved views, bulk jobs. Every table is workspace data.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A time-ordered UUIDv7, for rows created by migrations (the application makes its own).
CREATE FUNCTION rapport_uuid_v7() RETURNS uuid AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
    substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid;
$$ LANGUAGE sql VOLATILE;

CREATE TABLE custom_fields (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  object_type text NOT NULL CHECK (object_type IN ('contact', 'company', 'deal')),
  key text NOT NULL,
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'long_text', 'number', 'currency', 'date', 'datetime', 'boolean',
    'single_select', 'multi_select', 'url', 'email', 'phone', 'user')),
  options jsonb NOT NULL DEFAULT '[]'::jsonb,
  description text,
  position integer NOT NULL DEFAULT 0,
  archived_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  CONSTRAINT custom_fields_key UNIQUE (workspace_id, object_type, key)
);

CREATE TABLE companies (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  domain text,
  industry text,
  employee_count integer CHECK (employee_count >= 0),
  annual_revenue bigint CHECK (annual_revenue >= 0),
  annual_revenue_currency text CHECK (annual_revenue_currency ~ '^[A-Z]{3}$'),
  phone text,
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  parent_company_id uuid,
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  external_id text,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz,
  deleted_at timestamptz,
  merged_into uuid,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(domain, '') || ' ' || replace(coalesce(domain, ''), '.', ' ')), 'A') ||
    setweight(to_tsvector('simple', coalesce(industry, '')), 'C')
  ) STORED,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, parent_company_id) REFERENCES companies (workspace_id, id)
);
CREATE UNIQUE INDEX companies_domain_key ON companies (workspace_id, domain) WHERE domain IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL;
CREATE UNIQUE INDEX companies_external_id_key ON companies (workspace_id, external_id) WHERE external_id IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX companies_name_idx ON companies (workspace_id, lower(name), id);
CREATE INDEX companies_name_trgm ON companies USING gin (lower(name) gin_trgm_ops);
CREATE INDEX companies_search_idx ON companies USING gin (search);
CREATE INDEX companies_owner_idx ON companies (workspace_id, owner_id);
CREATE INDEX companies_updated_idx ON companies (workspace_id, updated_at, id);
-- The trash: what the purge job and a trash view scan, without reading every live company.
CREATE INDEX companies_trash_idx ON companies (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE contacts (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  first_name text,
  last_name text,
  email text,
  emails jsonb NOT NULL DEFAULT '[]'::jsonb,
  email_list text[] NOT NULL DEFAULT '{}',
  phone text,
  phones jsonb NOT NULL DEFAULT '[]'::jsonb,
  phone_list text[] NOT NULL DEFAULT '{}',
  job_title text,
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  lifecycle_stage text NOT NULL DEFAULT 'lead' CHECK (lifecycle_stage IN ('subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist', 'other')),
  lifecycle_changed_at timestamptz NOT NULL DEFAULT now(),
  lead_source text,
  utm jsonb NOT NULL DEFAULT '{}'::jsonb,
  tags text[] NOT NULL DEFAULT '{}',
  address jsonb NOT NULL DEFAULT '{}'::jsonb,
  timezone text,
  consent jsonb NOT NULL DEFAULT '{}'::jsonb,
  external_id text,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz,
  deleted_at timestamptz,
  merged_into uuid,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(first_name, '') || ' ' || coalesce(last_name, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(email, '') || ' ' || replace(replace(coalesce(email, ''), '@', ' '), '.', ' ')), 'A') ||
    setweight(to_tsvector('simple', coalesce(job_title, '')), 'C')
  ) STORED,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contacts_email_list_idx ON contacts USING gin (email_list);
CREATE INDEX contacts_phone_list_idx ON contacts USING gin (phone_list);
CREATE INDEX contacts_email_idx ON contacts (workspace_id, email);
CREATE UNIQUE INDEX contacts_external_id_key ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX contacts_name_idx ON contacts (workspace_id, lower(last_name), id);
CREATE INDEX contacts_name_trgm ON contacts USING gin ((lower(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) gin_trgm_ops);
CREATE INDEX contacts_search_idx ON contacts USING gin (search);
CREATE INDEX contacts_owner_idx ON contacts (workspace_id, owner_id);
CREATE INDEX contacts_created_idx ON contacts (workspace_id, created_at, id);
CREATE INDEX contacts_updated_idx ON contacts (workspace_id, updated_at, id);
CREATE INDEX contacts_custom_idx ON contacts USING gin (custom jsonb_path_ops);

CREATE TABLE contact_companies (
  workspace_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  company_id uuid NOT NULL,
  title text,
  role text,
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, contact_id, company_id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_companies_company_idx ON contact_companies (workspace_id, company_id, contact_id);
CREATE UNIQUE INDEX contact_companies_primary_key ON contact_companies (workspace_id, contact_id) WHERE is_primary;

-- Every consent given or withdrawn, kept so consent can be proven.
CREATE TABLE consent_events (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  topic text NOT NULL DEFAULT 'marketing',
  state text NOT NULL CHECK (state IN ('subscribed', 'unsubscribed', 'never_subscribed', 'pending')),
  method text NOT NULL CHECK (method IN ('form', 'import', 'api', 'manual')),
  source text,
  text_version text,
  actor_type text NOT NULL,
  actor_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX consent_events_contact_idx ON consent_events (workspace_id, contact_id, id);

CREATE TABLE pipelines (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  position integer NOT NULL DEFAULT 0,
  is_default boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE pipeline_stages (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  pipeline_id uuid NOT NULL,
  name text NOT NULL,
  position integer NOT NULL,
  probability integer NOT NULL CHECK (probability BETWEEN 0 AND 100),
  rotten_days integer CHECK (rotten_days > 0),
  required_fields text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX pipeline_stages_pipeline_idx ON pipeline_stages (workspace_id, pipeline_id, position);

CREATE TABLE deals (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  pipeline_id uuid NOT NULL,
  stage_id uuid NOT NULL,
  amount bigint,
  currency text NOT NULL,
  expected_close_date date,
  probability integer CHECK (probability BETWEEN 0 AND 100),
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  company_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  lost_reason text,
  closed_at timestamptz,
  stage_entered_at timestamptz NOT NULL DEFAULT now(),
  external_id text,
  custom jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_activity_at timestamptz,
  deleted_at timestamptz,
  search tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', coalesce(name, '')), 'A')) STORED,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
  FOREIGN KEY (workspace_id, stage_id) REFERENCES pipeline_stages (workspace_id, id),
  FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id)
);
CREATE INDEX deals_stage_idx ON deals (workspace_id, stage_id, status);
CREATE INDEX deals_pipeline_idx ON deals (workspace_id, pipeline_id, status);
CREATE INDEX deals_company_idx ON deals (workspace_id, company_id);
CREATE INDEX deals_owner_idx ON deals (workspace_id, owner_id, status);
CREATE UNIQUE INDEX deals_external_id_key ON deals (workspace_id, external_id) WHERE external_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX deals_name_trgm ON deals USING gin (lower(name) gin_trgm_ops);
CREATE INDEX deals_search_idx ON deals USING gin (search);

CREATE TABLE deal_contacts (
  workspace_id uuid NOT NULL,
  deal_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  role text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, deal_id, contact_id),
  FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_contacts_contact_idx ON deal_contacts (workspace_id, contact_id, deal_id);

-- One row per stay of a deal in a stage: time spent per stage, and the stage history.
CREATE TABLE deal_stage_history (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  deal_id uuid NOT NULL,
  pipeline_id uuid NOT NULL,
  stage_id uuid NOT NULL,
  entered_at timestamptz NOT NULL,
  left_at timestamptz,
  actor_type text NOT NULL,
  actor_id uuid,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (workspace_id, deal_id, entered_at);

CREATE TABLE activities (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting')),
  subject text,
  body text,
  body_html text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  call_direction text CHECK (call_direction IN ('inbound', 'outbound')),
  call_duration_seconds integer CHECK (call_duration_seconds >= 0),
  call_outcome text,
  email_from text,
  email_to text[] NOT NULL DEFAULT '{}',
  email_cc text[] NOT NULL DEFAULT '{}',
  meeting_start_at timestamptz,
  meeting_end_at timestamptz,
  meeting_location text,
  meeting_attendees jsonb NOT NULL DEFAULT '[]'::jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(subject, '')), 'A') || setweight(to_tsvector('simple', coalesce(body, '')), 'B')
  ) STORED,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX activities_search_idx ON activities USING gin (search);
CREATE INDEX activities_occurred_idx ON activities (workspace_id, occurred_at, id);

CREATE TABLE activity_links (
  workspace_id uuid NOT NULL,
  activity_id uuid NOT NULL,
  record_type text NOT NULL CHECK (record_type IN ('contact', 'company', 'deal')),
  record_id uuid NOT NULL,
  PRIMARY KEY (workspace_id, activity_id, record_type, record_id),
  FOREIGN KEY (workspace_id, activity_id) REFERENCES activities (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX activity_links_record_idx ON activity_links (workspace_id, record_type, record_id, activity_id);

CREATE TABLE tasks (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  title text NOT NULL,
  notes text,
  due_at timestamptz,
  remind_at timestamptz,
  reminded_at timestamptz,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
  assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
  completed_at timestamptz,
  record_type text CHECK (record_type IN ('contact', 'company', 'deal')),
  record_id uuid,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX tasks_assignee_idx ON tasks (workspace_id, assignee_id, status, due_at);
CREATE INDEX tasks_record_idx ON tasks (workspace_id, record_type, record_id);
CREATE INDEX tasks_reminder_idx ON tasks (remind_at) WHERE reminded_at IS NULL AND status = 'open' AND deleted_at IS NULL;

CREATE TABLE notifications (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL,
  title text NOT NULL,
  body text,
  record_type text,
  record_id uuid,
  source_key text,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX notifications_user_idx ON notifications (workspace_id, user_id, id DESC);
-- One notification per source (e.g. one per task reminder), however often the job runs.
CREATE UNIQUE INDEX notifications_source_key ON notifications (workspace_id, source_key) WHERE source_key IS NOT NULL;

-- What a record's timeline shows, one row per record it appears on (activities, changes,
-- stage and lifecycle moves, tasks, merges), written in the transaction of the write.
CREATE TABLE timeline_entries (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  record_type text NOT NULL CHECK (record_type IN ('contact', 'company', 'deal')),
  record_id uuid NOT NULL,
  kind text NOT NULL,
  occurred_at timestamptz NOT NULL,
  activity_id uuid,
  task_id uuid,
  actor_type text,
  actor_id uuid,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX timeline_entries_record_idx ON timeline_entries (workspace_id, record_type, record_id, occurred_at DESC, id DESC);
CREATE INDEX timeline_entries_activity_idx ON timeline_entries (workspace_id, activity_id) WHERE activity_id IS NOT NULL;

CREATE TABLE saved_views (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  object_type text NOT NULL CHECK (object_type IN ('contact', 'company', 'deal', 'activity', 'task')),
  name text NOT NULL,
  filter_groups jsonb NOT NULL DEFAULT '[]'::jsonb,
  sort jsonb NOT NULL DEFAULT '[]'::jsonb,
  columns text[] NOT NULL DEFAULT '{}',
  visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'workspace')),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE bulk_jobs (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  object_type text NOT NULL,
  operation text NOT NULL CHECK (operation IN ('update', 'delete')),
  filter_groups jsonb NOT NULL,
  patch jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  total integer,
  processed integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  last_id uuid,
  error text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_type text NOT NULL,
  actor_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);

-- The trash of each type, for the trash view and the purge job; and a task's timeline entries.
CREATE INDEX contacts_trash_idx ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX deals_trash_idx ON deals (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX activities_trash_idx ON activities (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX tasks_trash_idx ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX timeline_entries_task_idx ON timeline_entries (workspace_id, task_id) WHERE task_id IS NOT NULL;

-- Every existing workspace gets the default sales pipeline that new workspaces are created with.
CREATE TEMPORARY TABLE new_pipelines ON COMMIT DROP AS
  SELECT w.id AS workspace_id, rapport_uuid_v7() AS pipeline_id FROM workspaces w;
INSERT INTO pipelines (workspace_id, id, name, position, is_default)
  SELECT workspace_id, pipeline_id, 'Sales pipeline', 0, true FROM new_pipelines;
INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability, rotten_days)
  SELECT p.workspace_id, rapport_uuid_v7(), p.pipeline_id, s.name, s.position, s.probability, s.rotten_days
  FROM new_pipelines p CROSS JOIN (VALUES
    ('Qualified', 0, 10, 30), ('Contact made', 1, 20, 21), ('Demo scheduled', 2, 40, 14),
    ('Proposal made', 3, 60, 14), ('Negotiations started', 4, 80, 7)
  ) AS s (name, position, probability, rotten_days);
