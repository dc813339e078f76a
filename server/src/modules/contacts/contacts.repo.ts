import type { Queryable } from '../../db/database.ts';
import { asJsonb } from '../../lib/stable-json.ts';

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

/** The SQL type of each writable column inside jsonb_to_recordset (arrays travel as JSON). */
const recordsetTypes: Record<(typeof contactColumns)[number], string> = {
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  emails: 'jsonb',
  email_list: 'jsonb',
  phone: 'text',
  phones: 'jsonb',
  phone_list: 'jsonb',
  job_title: 'text',
  owner_id: 'uuid',
  lifecycle_stage: 'text',
  lifecycle_changed_at: 'timestamptz',
  lead_source: 'text',
  utm: 'jsonb',
  tags: 'jsonb',
  address: 'jsonb',
  timezone: 'text',
  consent: 'jsonb',
  external_id: 'text',
  custom: 'jsonb',
};
const arrayColumns = new Set(['email_list', 'phone_list', 'tags']);
const fromRecord = (k: string) => (arrayColumns.has(k) ? `ARRAY(SELECT jsonb_array_elements_text(r.${k}))` : `r.${k}`);
type ContactColumn = (typeof contactColumns)[number];
const shapeOf = (columns: readonly ContactColumn[]) =>
  `r (${['id uuid', 'version integer', ...columns.map((k) => `${k} ${recordsetTypes[k]}`)].join(', ')})`;
const recordsetShape = shapeOf(contactColumns);

/** One row to write: its id, the version it must still have (updates), and its values. */
export type ContactWriteRow = { id: string; version?: number; values: ContactValues };

const toRecordset = (rows: ContactWriteRow[], columns: readonly ContactColumn[] = contactColumns) =>
  JSON.stringify(
    rows.map((r) => {
      const record: Record<string, unknown> = { id: r.id, version: r.version ?? null };
      for (const k of columns) record[k] = r.values[k];
      return record;
    }),
  );

/** The columns the database itself sets on a write; a written row's other columns are the values it was given. */
export type SetByDatabase = Pick<
  ContactRow,
  'id' | 'version' | 'created_at' | 'updated_at' | 'last_activity_at' | 'deleted_at' | 'merged_into'
>;
const setByDatabase = 'c.id, c.version, c.created_at, c.updated_at, c.last_activity_at, c.deleted_at, c.merged_into';
const jsonbColumns = contactColumns.filter((k) => recordsetTypes[k] === 'jsonb' && !arrayColumns.has(k));

/**
 * The rows just written, as a SELECT would read them: the values given (JSON columns as jsonb
 * gives them back) with the columns the database set. Reading the whole rows back instead cost
 * more than the write itself on the embedded database (1,000 rows: about 50 ms of 150). A row
 * that updates a contact as read (`kept`) and names the columns it changes (`changed`) keeps the
 * JSON values it does not change as they were read, already in jsonb's order.
 */
export function writtenRows(
  workspaceId: string,
  rows: (ContactWriteRow & { kept?: ContactRow; changed?: readonly string[] })[],
  set: SetByDatabase[],
): ContactRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return set.map((db) => {
    const { values, kept, changed } = byId.get(db.id) as (typeof rows)[number];
    const row: Record<string, unknown> = { workspace_id: workspaceId, ...values, ...db };
    // As the statement stores them: a missing value is NULL, arrays come from JSON lists.
    for (const k of contactColumns) row[k] ??= null;
    for (const k of jsonbColumns) {
      if (kept && changed && !changed.includes(k)) row[k] = kept[k];
      else row[k] = values[k] == null ? null : asJsonb(values[k]);
    }
    for (const k of arrayColumns) row[k] = [...((values[k as 'tags'] as string[] | null) ?? [])];
    row.lifecycle_changed_at = values.lifecycle_changed_at == null ? null : new Date(values.lifecycle_changed_at);
    return row as ContactRow;
  });
}

/** Inserts many contacts in one statement; returns what the database set of each (see writtenRows for the whole rows). */
export async function insertContactRows(db: Queryable, workspaceId: string, rows: ContactWriteRow[]): Promise<SetByDatabase[]> {
  if (rows.length === 0) return [];
  const res = await db.query<SetByDatabase>(
    `INSERT INTO contacts AS c (workspace_id, id, ${contactColumns.join(', ')})
     SELECT $1, r.id, ${contactColumns.map(fromRecord).join(', ')} FROM jsonb_to_recordset($2::jsonb) AS ${recordsetShape}
     RETURNING ${setByDatabase}`,
    [workspaceId, toRecordset(rows)],
  );
  return res.rows;
}

/**
 * Saves many contacts in one statement, each only if its version is unchanged; returns what the
 * database set of those saved (see writtenRows for the whole rows). Only `columns` are sent and
 * set (by default all): the columns any of the rows changes, each row giving its new value for
 * all of them. A batch that sets one field of a thousand contacts then sends that field, not
 * every column of every contact.
 */
export async function updateContactRows(
  db: Queryable,
  workspaceId: string,
  rows: ContactWriteRow[],
  columns: readonly ContactColumn[] = contactColumns,
): Promise<SetByDatabase[]> {
  if (rows.length === 0) return [];
  const set = columns.map((k) => `${k} = ${fromRecord(k)}, `).join('');
  const res = await db.query<SetByDatabase>(
    `UPDATE contacts c SET ${set}version = c.version + 1, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS ${shapeOf(columns)}
     WHERE c.workspace_id = $1 AND c.id = r.id AND c.version = r.version
     RETURNING ${setByDatabase}`,
    [workspaceId, toRecordset(rows, columns)],
  );
  return res.rows;
}

/** A contact by id, including deleted and merged-away ones (callers decide what those mean). */
export async function findContactRow(db: Queryable, workspaceId: string, id: string, lock = false): Promise<ContactRow | undefined> {
  const res = await db.query<ContactRow>(
    `SELECT ${contactSelect} FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2${lock ? ' FOR UPDATE' : ''}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/**
 * Company links read together with their contact's row (findContactRowWithLinks), for presenting
 * that row without another round trip. Keyed by the row object: a row read again, or returned by
 * a write, has none and its links are read when needed.
 */
export const linksReadWith = new WeakMap<ContactRow, CompanyLinkRow[]>();

/** findContactRow, with the contact's company links read in the same statement (see linksReadWith). */
export async function findContactRowWithLinks(db: Queryable, workspaceId: string, id: string): Promise<ContactRow | undefined> {
  const res = await db.query<ContactRow & { company_links: CompanyLinkRow[] }>(
    `SELECT ${contactSelect}, ${companyLinksJson} AS company_links FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2`,
    [workspaceId, id],
    { prepare: true },
  );
  const found = res.rows[0];
  if (!found) return undefined;
  const { company_links, ...row } = found;
  linksReadWith.set(row, company_links);
  return row;
}

/** Marks contacts deleted (trash) or restores them; returns the rows changed. */
export async function setContactsDeleted(db: Queryable, workspaceId: string, ids: string[], deleted: boolean): Promise<ContactRow[]> {
  const res = await db.query<ContactRow>(
    `UPDATE contacts c SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND (deleted_at IS NULL) = $3 RETURNING ${contactSelect}`,
    [workspaceId, ids, deleted],
  );
  return res.rows;
}

/** Live contacts by id. */
export async function findLiveContactRows(db: Queryable, workspaceId: string, ids: string[]): Promise<ContactRow[]> {
  const res = await db.query<ContactRow>(
    `SELECT ${contactSelect} FROM contacts c WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[]) AND c.deleted_at IS NULL AND c.merged_into IS NULL ORDER BY c.id`,
    [workspaceId, ids],
  );
  return res.rows;
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

/** The live companies a contact (alias `c`) is linked to, primary first, as a JSON array of CompanyLinkRow. */
export const companyLinksJson = `(SELECT coalesce(json_agg(json_build_object('contact_id', cc.contact_id, 'company_id', cc.company_id, 'name', co.name,
    'title', cc.title, 'role', cc.role, 'is_primary', cc.is_primary) ORDER BY cc.is_primary DESC, co.name), '[]')
  FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id
  WHERE cc.workspace_id = c.workspace_id AND cc.contact_id = c.id AND co.deleted_at IS NULL AND co.merged_into IS NULL)`;

/**
 * The company links of several contacts at once. Each contact's links are read through the
 * primary key (a list of a thousand ids matched with "= ANY" was planned as a scan of every link and
 * company of the workspace).
 */
export async function companyLinksOf(db: Queryable, workspaceId: string, contactIds: string[]): Promise<CompanyLinkRow[]> {
  if (contactIds.length === 0) return [];
  const res = await db.query<CompanyLinkRow>(
    `SELECT cc.contact_id, cc.company_id, co.name, cc.title, cc.role, cc.is_primary
     FROM unnest($2::uuid[]) AS k (id)
     JOIN contact_companies cc ON cc.workspace_id = $1 AND cc.contact_id = k.id
     JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id
     WHERE co.deleted_at IS NULL AND co.merged_into IS NULL
     ORDER BY cc.is_primary DESC, co.name`,
    [workspaceId, [...new Set(contactIds)]],
  );
  return res.rows;
}

/** Replaces the company links of the given contacts (each entry: a contact and its full new set). */
export async function replaceCompanyLinks(
  db: Queryable,
  workspaceId: string,
  sets: { contactId: string; links: { companyId: string; title: string | null; role: string | null; primary: boolean }[] }[],
): Promise<void> {
  if (sets.length === 0) return;
  await db.query('DELETE FROM contact_companies WHERE workspace_id = $1 AND contact_id = ANY($2::uuid[])', [
    workspaceId,
    sets.map((s) => s.contactId),
  ]);
  const rows = sets.flatMap((s) =>
    s.links.map((l) => ({ contact_id: s.contactId, company_id: l.companyId, title: l.title, role: l.role, is_primary: l.primary })),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO contact_companies (workspace_id, contact_id, company_id, title, role, is_primary)
     SELECT $1, r.contact_id, r.company_id, r.title, r.role, r.is_primary
     FROM jsonb_to_recordset($2::jsonb) AS r (contact_id uuid, company_id uuid, title text, role text, is_primary boolean)`,
    [workspaceId, JSON.stringify(rows)],
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
  workspaceId: string,
  rows: {
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
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO consent_events (workspace_id, id, contact_id, channel, state, method, source, text_version, actor_type, actor_id)
     SELECT $1, r.id, r."contactId", r.channel, r.state, r.method, r.source, r."textVersion", r."actorType", r."actorId"
     FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, "contactId" uuid, channel text, state text, method text, source text, "textVersion" text, "actorType" text, "actorId" uuid)`,
    [workspaceId, JSON.stringify(rows)],
  );
}
