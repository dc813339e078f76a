-- Double opt-in for forms: a form may ask people to confirm their email consent from a link sent
-- to them (the setting lives in forms.consent as `doubleOptIn`). One row per link sent; the link
-- carries a random token of which only the SHA-256 is kept, so a database read cannot confirm
-- anyone. A link confirms once (`confirmed_at`) and only until `expires_at`.
CREATE TABLE form_consent_confirmations (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  token_hash text NOT NULL,
  form_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  submission_id uuid NOT NULL,
  -- The consent text version the person agreed to on the form; the confirmation records it again.
  text_version text,
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  confirmed_ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, form_id) REFERENCES forms (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, submission_id) REFERENCES form_submissions (workspace_id, id) ON DELETE CASCADE
);
-- The public confirm page finds a link by its token alone (any workspace), like API keys.
CREATE UNIQUE INDEX form_consent_confirmations_token_key ON form_consent_confirmations (token_hash);
-- A merge moves a contact's pending links to the survivor; a submission list shows each one's state.
CREATE INDEX form_consent_confirmations_contact_idx ON form_consent_confirmations (workspace_id, contact_id);
CREATE INDEX form_consent_confirmations_submission_idx ON form_consent_confirmations (workspace_id, submission_id);
