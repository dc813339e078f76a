import type { Queryable } from '../../db/database.ts';
import type { FormSubmissionDetails } from '../activities/activities.schema.ts';
import { type ContactRow, contactSelect } from '../contacts/contacts.repo.ts';
import type { StoredConsent, StoredField } from './forms.schema.ts';

/** A form row. */
export type FormRow = {
  workspace_id: string;
  id: string;
  public_id: string;
  name: string;
  status: 'active' | 'archived';
  fields: StoredField[];
  consent: StoredConsent;
  submit_label: string;
  thank_you_message: string | null;
  redirect_url: string | null;
  allowed_origins: string[];
  lifecycle_stage: string | null;
  owner_id: string | null;
  tags: string[];
  view_count: number;
  submission_count: number;
  last_submission_at: Date | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** The columns a create or update sets. */
export type FormValues = Pick<
  FormRow,
  | 'name'
  | 'status'
  | 'fields'
  | 'consent'
  | 'submit_label'
  | 'thank_you_message'
  | 'redirect_url'
  | 'allowed_origins'
  | 'lifecycle_stage'
  | 'owner_id'
  | 'tags'
>;

const valueColumns = [
  'name',
  'status',
  'fields',
  'consent',
  'submit_label',
  'thank_you_message',
  'redirect_url',
  'allowed_origins',
  'lifecycle_stage',
  'owner_id',
  'tags',
] as const;

const bind = (v: FormValues) => valueColumns.map((k) => (k === 'fields' || k === 'consent' ? JSON.stringify(v[k]) : v[k]));

/** Stores a new form. */
export async function insertForm(
  db: Queryable,
  row: { workspaceId: string; id: string; publicId: string; createdBy: string | null; values: FormValues },
): Promise<FormRow> {
  const res = await db.query<FormRow>(
    `INSERT INTO forms (workspace_id, id, public_id, created_by, ${valueColumns.join(', ')})
     VALUES ($1, $2, $3, $4, ${valueColumns.map((_, i) => `$${i + 5}`).join(', ')}) RETURNING *`,
    [row.workspaceId, row.id, row.publicId, row.createdBy, ...bind(row.values)],
  );
  return res.rows[0] as FormRow;
}

/** Saves a form if its version is still `version`; undefined when it changed meanwhile. */
export async function updateForm(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: FormValues,
): Promise<FormRow | undefined> {
  const res = await db.query<FormRow>(
    `UPDATE forms SET ${valueColumns.map((k, i) => `${k} = $${i + 4}`).join(', ')}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING *`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

/** A form of the workspace. */
export async function findForm(db: Queryable, workspaceId: string, id: string): Promise<FormRow | undefined> {
  const res = await db.query<FormRow>('SELECT * FROM forms WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return res.rows[0];
}

/** A form by its public id (any workspace: the public id is what a visitor's page names). */
export async function findFormByPublicId(db: Queryable, publicId: string): Promise<FormRow | undefined> {
  const res = await db.query<FormRow>('SELECT * FROM forms WHERE public_id = $1', [publicId]);
  return res.rows[0];
}

/** Forms by status, newest first, after the cursor id. */
export async function listForms(
  db: Queryable,
  workspaceId: string,
  q: { status?: string; limit: number; before?: string },
): Promise<FormRow[]> {
  const res = await db.query<FormRow>(
    `SELECT * FROM forms WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [workspaceId, q.status ?? null, q.before ?? null, q.limit],
  );
  return res.rows;
}

/** Deletes a form and its submissions list (the activities on timelines stay). */
export async function deleteForm(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM forms WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** Counts one view of a public form (its definition or hosted page was loaded). */
export async function countFormView(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('UPDATE forms SET view_count = view_count + 1 WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** Keeps a consent text under its version, once. */
export async function keepConsentText(db: Queryable, workspaceId: string, formId: string, version: string, text: string): Promise<void> {
  await db.query(
    `INSERT INTO form_consent_texts (workspace_id, version, text, form_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, version) DO NOTHING`,
    [workspaceId, version, text, formId],
  );
}

/** The words of a consent text version. */
export async function findConsentText(db: Queryable, workspaceId: string, version: string): Promise<string | undefined> {
  const res = await db.query<{ text: string }>('SELECT text FROM form_consent_texts WHERE workspace_id = $1 AND version = $2', [
    workspaceId,
    version,
  ]);
  return res.rows[0]?.text;
}

/**
 * The live contact holding an email address, preferring one whose primary address it is. Takes
 * a transaction-scoped lock on the address first, so two submissions of a new address at once
 * create one contact, not two.
 */
export async function lockContactByEmail(db: Queryable, workspaceId: string, email: string): Promise<ContactRow | undefined> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`form-contact:${workspaceId}:${email}`]);
  const res = await db.query<ContactRow>(
    `SELECT ${contactSelect} FROM contacts c
     WHERE c.workspace_id = $1 AND c.email_list @> ARRAY[$2]::text[] AND c.deleted_at IS NULL AND c.merged_into IS NULL
     ORDER BY (c.email = $2) DESC, c.id LIMIT 1`,
    [workspaceId, email],
  );
  return res.rows[0];
}

/** A submission row, with the contact's name and email for lists. */
export type SubmissionRow = {
  id: string;
  form_id: string;
  contact_id: string;
  activity_id: string | null;
  contact_created: boolean;
  values: FormSubmissionDetails['values'];
  page_url: string | null;
  referrer: string | null;
  utm: Record<string, string>;
  consent: FormSubmissionDetails['consent'];
  confirmation: 'pending' | 'confirmed' | 'expired' | null;
  created_at: Date;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
};

/** Stores an accepted submission and counts it on its form. */
export async function insertSubmission(
  db: Queryable,
  s: {
    workspaceId: string;
    id: string;
    formId: string;
    contactId: string;
    activityId: string;
    contactCreated: boolean;
    values: FormSubmissionDetails['values'];
    pageUrl: string | null;
    referrer: string | null;
    utm: Record<string, string>;
    consent: FormSubmissionDetails['consent'];
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO form_submissions (workspace_id, id, form_id, contact_id, activity_id, contact_created, "values", page_url, referrer, utm, consent, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      s.workspaceId,
      s.id,
      s.formId,
      s.contactId,
      s.activityId,
      s.contactCreated,
      JSON.stringify(s.values),
      s.pageUrl,
      s.referrer,
      JSON.stringify(s.utm),
      s.consent ? JSON.stringify(s.consent) : null,
      s.ip,
      s.userAgent,
    ],
  );
  await db.query(
    'UPDATE forms SET submission_count = submission_count + 1, last_submission_at = now() WHERE workspace_id = $1 AND id = $2',
    [s.workspaceId, s.formId],
  );
}

/** A form's submissions, newest first, after the cursor id. */
export async function listSubmissions(
  db: Queryable,
  workspaceId: string,
  formId: string,
  q: { limit: number; before?: string },
): Promise<SubmissionRow[]> {
  const res = await db.query<SubmissionRow>(
    `SELECT s.id, s.form_id, s.contact_id, s.activity_id, s.contact_created, s."values", s.page_url, s.referrer, s.utm, s.consent, s.created_at,
            c.first_name, c.last_name, c.email,
            (SELECT CASE WHEN cc.confirmed_at IS NOT NULL THEN 'confirmed' WHEN cc.expires_at <= now() THEN 'expired' ELSE 'pending' END
             FROM form_consent_confirmations cc WHERE cc.workspace_id = s.workspace_id AND cc.submission_id = s.id LIMIT 1) AS confirmation
     FROM form_submissions s JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.contact_id
     WHERE s.workspace_id = $1 AND s.form_id = $2 AND ($3::uuid IS NULL OR s.id < $3)
     ORDER BY s.id DESC LIMIT $4`,
    [workspaceId, formId, q.before ?? null, q.limit],
  );
  return res.rows;
}
