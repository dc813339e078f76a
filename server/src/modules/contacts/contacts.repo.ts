import type { Queryable } from '../../db/database.ts';

export type EmailEntry = { address: string; label: string | null; primary: boolean };
export type PhoneEntry = { number: string; raw: string; label: string | null; primary: boolean };
export type ConsentEntry = {
  state: string;
  updatedAt: string | null;
  method: string | null;
  source: string | null;
  textVersion: string | null;
};

/** A contact row as stored (without its search vector). */
export type ContactRow = {
  workspace_id: string;
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  emails: EmailEntry[];
  email_list: string[];
  phone: string | null;
  phones: PhoneEntry[];
  phone_list: string[];
  job_title: string | null;
  owner_id: string | null;
  lifecycle_stage: string;
  lifecycle_changed_at: Date;
  lead_source: string | null;
  utm: Record<string, string | null>;
  tags: string[];
  address: Record<string, string | null>;
  timezone: string | null;
  consent: Record<string, ConsentEntry>;
  external_id: string | null;
  custom: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date | null;
  deleted_at: Date | null;
  merged_into: string | null;
};

/** The writable columns, in the order insert and update bind them. */
export const contactColumns = [
  'first_name',
  'last_name',
  'email',
  'emails',
  'email_list',
  'phone',
  'phones',
  'phone_list',
  'job_title',
  'owner_id',
  'lifecycle_stage',
  'lifecycle_changed_at',
  'lead_source',
  'utm',
  'tags',
  'address',
  'timezone',
  'consent',
  'external_id',
  'custom',
] as const;
export type ContactValues = Pick<ContactRow, (typeof contactColumns)[number]>;

/** The columns a contact SELECT returns, over alias `c`. */
export const contactSelect = `c.workspace_id, c.id, ${contactColumns.map((k) => `c.${k}`).join(', ')}, c.version, c.created_at, c.updated_at, c.last_activity_at, c.deleted_at, c.merged_into`;

const jsonColumns = new Set(['emails', 'phones', 'utm', 'address', 'consent', 'custom']);
const bind = (v: ContactValues) => contactColumns.map((k) => (jsonColumns.has(k) ? JSON.stringify(v[k]) : v[k]));

/** Inserts a contact. */
export async function insertContactRow(db: Queryable, workspaceId: string, id: string, values: ContactValues): Promise<ContactRow> {
  const placeholders = contactColumns.map((_, i) => `$${i + 3}`).join(', ');
  const res = await db.query<ContactRow>(
    `INSERT INTO contacts AS c (workspace_id, id, ${contactColumns.join(', ')}) VALUES ($1, $2, ${placeholders}) RETURNING ${contactSelect}`,
    [workspaceId, id, ...bind(values)],
  );
  return res.rows[0] as ContactRow;
}

/** Saves a contact's values if its version is still `version`; undefined when it changed meanwhile. */
export async function updateContactRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: ContactValues,
): Promise<ContactRow | undefined> {
  const sets = contactColumns.map((k, i) => `${k} = $${i + 4}`).join(', ');
  const res = await db.query<ContactRow>(
    `UPDATE contacts c SET ${sets}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING ${contactSelect}`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

/** A contact by id, including deleted and merged-away ones (callers decide what those mean). */
export async function findContactRow(db: Queryable, workspaceId: string, id: string, lock = false): Promise<ContactRow | undefined> {
  const res = await db.query<ContactRow>(
    `SELECT ${contactSelect} FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2${lock ? ' FOR UPDATE' : ''}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** Marks a contact deleted (trash) or restores it. */
export async function setContactDeleted(db: Queryable, workspaceId: string, id: string, deleted: boolean): Promise<ContactRow | undefined> {
  const res = await db.query<ContactRow>(
    `UPDATE contacts c SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${contactSelect}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** A contact's company links with the companies' names, primary first. */
export type CompanyLinkRow = {
  contact_id: string;
  company_id: string;
  name: string;
  title: string | null;
  role: string | null;
  is_primary: boolean;
};

/** The company links of several contacts at once. */
export async function companyLinksOf(db: Queryable, workspaceId: string, contactIds: string[]): Promise<CompanyLinkRow[]> {
  if (contactIds.length === 0) return [];
  const res = await db.query<CompanyLinkRow>(
    `SELECT cc.contact_id, cc.company_id, co.name, cc.title, cc.role, cc.is_primary
     FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id
     WHERE cc.workspace_id = $1 AND cc.contact_id = ANY($2::uuid[]) AND co.deleted_at IS NULL AND co.merged_into IS NULL
     ORDER BY cc.is_primary DESC, co.name`,
    [workspaceId, contactIds],
  );
  return res.rows;
}

/** Replaces a contact's company links. */
export async function replaceCompanyLinks(
  db: Queryable,
  workspaceId: string,
  contactId: string,
  links: { companyId: string; title: string | null; role: string | null; primary: boolean }[],
): Promise<void> {
  await db.query('DELETE FROM contact_companies WHERE workspace_id = $1 AND contact_id = $2', [workspaceId, contactId]);
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO contact_companies (workspace_id, contact_id, company_id, title, role, is_primary)
     SELECT $1, $2, l.company_id, l.title, l.role, l.is_primary
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::boolean[]) AS l (company_id, title, role, is_primary)`,
    [
      workspaceId,
      contactId,
      links.map((l) => l.companyId),
      links.map((l) => l.title),
      links.map((l) => l.role),
      links.map((l) => l.primary),
    ],
  );
}

/** Which of these company ids exist (live) in the workspace. */
export async function existingCompanyIds(db: Queryable, workspaceId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const res = await db.query<{ id: string }>(
    'SELECT id FROM companies WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND merged_into IS NULL',
    [workspaceId, ids],
  );
  return new Set(res.rows.map((r) => r.id));
}

/** Appends consent changes to the consent history. */
export async function insertConsentEvents(
  db: Queryable,
  rows: {
    workspaceId: string;
    id: string;
    contactId: string;
    channel: string;
    state: string;
    method: string;
    source: string | null;
    textVersion: string | null;
    actorType: string;
    actorId: string | null;
  }[],
): Promise<void> {
  for (const r of rows) {
    await db.query(
      `INSERT INTO consent_events (workspace_id, id, contact_id, channel, state, method, source, text_version, actor_type, actor_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [r.workspaceId, r.id, r.contactId, r.channel, r.state, r.method, r.source, r.textVersion, r.actorType, r.actorId],
    );
  }
}
