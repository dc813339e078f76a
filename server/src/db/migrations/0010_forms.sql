-- Lead-capture forms: a definition per form, the consent texts they showed (so a consent can be
-- proven word for word), and one row per accepted submission.
CREATE TABLE forms (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- The id in public URLs (embed script, hosted page, submission endpoint): random, not guessable.
  public_id text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  fields jsonb NOT NULL DEFAULT '[]'::jsonb,
  consent jsonb NOT NULL DEFAULT '{}'::jsonb,
  submit_label text NOT NULL,
  thank_you_message text,
  redirect_url text,
  allowed_origins text[] NOT NULL DEFAULT '{}',
  lifecycle_stage text,
  owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
  tags text[] NOT NULL DEFAULT '{}',
  view_count integer NOT NULL DEFAULT 0,
  submission_count integer NOT NULL DEFAULT 0,
  last_submission_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX forms_public_id_key ON forms (public_id);
CREATE INDEX forms_list_idx ON forms (workspace_id, status, id);

-- Every consent text a form has shown, by its version (a hash of the text). Consent events name
-- the version; this table turns it back into the exact words the person agreed to.
CREATE TABLE form_consent_texts (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  version text NOT NULL,
  text text NOT NULL,
  form_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE form_submissions (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  form_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  activity_id uuid,
  contact_created boolean NOT NULL,
  "values" jsonb NOT NULL,
  page_url text,
  referrer text,
  utm jsonb NOT NULL DEFAULT '{}'::jsonb,
  consent jsonb,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, form_id) REFERENCES forms (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX form_submissions_form_idx ON form_submissions (workspace_id, form_id, id DESC);
CREATE INDEX form_submissions_contact_idx ON form_submissions (workspace_id, contact_id);

-- A submission is an activity on the contact's timeline; its form, page, referrer, UTM
-- parameters and submitted values are kept with it.
ALTER TABLE activities DROP CONSTRAINT activities_kind_check;
ALTER TABLE activities ADD CONSTRAINT activities_kind_check CHECK (kind IN ('note', 'call', 'email', 'meeting', 'form_submission'));
ALTER TABLE activities ADD COLUMN form_submission jsonb;
