import type { Ctx } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { sameJson } from '../../lib/stable-json.ts';
import { normaliseEmail, normalisePhone } from '../contacts/contacts.normalize.ts';
import type { EmailEntry, PhoneEntry } from '../contacts/contacts.repo.ts';
import { type CompanyRef, companyRefOf, resolveCompanies } from './imports.company-match.ts';
import {
  type BatchPlan,
  cell,
  customCells,
  errorRow,
  type ImportEngine,
  type ImportEnv,
  markSuperseded,
  memberOf,
  type PlannedRow,
  StaleBatch,
} from './imports.engine.ts';
import type { CsvRecord } from './imports.parse.ts';
import { insertImportErrors, insertImportRecords } from './imports.repo.ts';
import { restoreFields, trashRecords } from './imports.revert.ts';
import { type CellError, splitList } from './imports.values.ts';

const lifecycleStages = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist', 'other'];
const lifecycleAliases: Record<string, string> = {
  marketingqualifiedlead: 'mql',
  salesqualifiedlead: 'sql',
  ...Object.fromEntries(lifecycleStages.map((s) => [s, s])),
};

/** The columns of a contact an import writes, as stored. */
type ContactState = {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  emails: EmailEntry[];
  phone: string | null;
  phones: PhoneEntry[];
  job_title: string | null;
  owner_id: string | null;
  lifecycle_stage: string;
  lead_source: string | null;
  external_id: string | null;
  tags: string[];
  timezone: string | null;
  custom: Record<string, unknown>;
};
type ExistingContact = ContactState & { id: string; version: number };

/** What a row says about a contact: only the cells it fills. */
type ContactInput = {
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: { number: string; raw: string };
  job_title?: string;
  owner_id?: string;
  lifecycle_stage?: string;
  lead_source?: string;
  external_id?: string;
  tags?: string[];
  timezone?: string;
  custom: Record<string, unknown>;
  company?: CompanyRef;
};

/** Column → API field name, for audit rows and restoring them. */
export const contactFieldNames: Record<keyof ContactState, string> = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  emails: 'emails',
  phone: 'phone',
  phones: 'phones',
  job_title: 'jobTitle',
  owner_id: 'ownerId',
  lifecycle_stage: 'lifecycleStage',
  lead_source: 'leadSource',
  external_id: 'externalId',
  tags: 'tags',
  timezone: 'timezone',
  custom: 'custom',
};
const stateColumns = Object.keys(contactFieldNames) as (keyof ContactState)[];

function readRow(env: ImportEnv, cells: string[], errors: CellError[]): ContactInput {
  const get = (field: string) => cell(env, cells, field);
  const input: ContactInput = { custom: customCells(env, cells, errors) };
  const text = (field: 'first_name' | 'last_name' | 'job_title' | 'lead_source' | 'external_id') => {
    const v = get(field);
    if (v !== undefined) input[field] = v.slice(0, 1000);
  };
  text('first_name');
  text('last_name');
  text('job_title');
  text('lead_source');
  text('external_id');
  const email = get('email');
  if (email !== undefined) {
    const e = normaliseEmail(email);
    if (e) input.email = e;
    else errors.push({ field: 'email', code: 'invalid_email', message: `"${email}" is not a valid email address` });
  }
  const phone = get('phone');
  if (phone !== undefined) {
    const p = normalisePhone(phone, env.phoneRegion);
    if (p) input.phone = { number: p, raw: phone };
    else
      errors.push({ field: 'phone', code: 'invalid_phone', message: `"${phone}" is not a valid phone number (region ${env.phoneRegion})` });
  }
  const owner = get('owner_email');
  if (owner !== undefined) {
    const id = memberOf(env, owner);
    if (id) input.owner_id = id;
    else errors.push({ field: 'owner_email', code: 'unknown_owner', message: `"${owner}" is not a member of this workspace` });
  }
  const stage = get('lifecycle_stage');
  if (stage !== undefined) {
    const s = lifecycleAliases[stage.toLowerCase().replace(/[^a-z]/g, '')];
    if (s) input.lifecycle_stage = s;
    else errors.push({ field: 'lifecycle_stage', code: 'invalid_option', message: `"${stage}" is not a lifecycle stage` });
  }
  const tags = get('tags');
  if (tags !== undefined) input.tags = splitList(tags);
  const tz = get('timezone');
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      input.timezone = tz;
    } catch {
      errors.push({ field: 'timezone', code: 'invalid_value', message: `"${tz}" is not a time zone` });
    }
  }
  input.company = companyRefOf(get, errors);
  return input;
}

/** The key a row is matched on, normalised as matching compares it. */
function contactKey(env: ImportEnv, cells: string[]): string | undefined {
  if (env.upsertKey === 'email') return cell(env, cells, 'email')?.toLowerCase();
  if (env.upsertKey === 'external_id') return cell(env, cells, 'external_id')?.slice(0, 1000);
  return undefined;
}

/** A new contact from a row. */
function createState(env: ImportEnv, input: ContactInput): ContactState {
  return {
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    email: input.email ?? null,
    emails: input.email ? [{ address: input.email, label: null, primary: true }] : [],
    phone: input.phone?.number ?? null,
    phones: input.phone ? [{ number: input.phone.number, raw: input.phone.raw, label: null, primary: true }] : [],
    job_title: input.job_title ?? null,
    owner_id: input.owner_id ?? env.actorUserId,
    lifecycle_stage: input.lifecycle_stage ?? 'lead',
    lead_source: input.lead_source ?? null,
    external_id: input.external_id ?? null,
    tags: input.tags ?? [],
    timezone: input.timezone ?? null,
    custom: input.custom,
  };
}

/** An existing contact with a row's cells laid over it: empty cells leave a value alone; tags are added. */
function mergeState(current: ContactState, input: ContactInput): ContactState {
  const next: ContactState = { ...current, custom: { ...current.custom, ...input.custom } };
  for (const k of [
    'first_name',
    'last_name',
    'job_title',
    'owner_id',
    'lifecycle_stage',
    'lead_source',
    'external_id',
    'timezone',
  ] as const) {
    const v = input[k];
    if (v !== undefined) next[k] = v;
  }
  if (input.email && input.email !== current.email) {
    const rest = current.emails.filter((e) => e.address !== input.email).map((e) => ({ ...e, primary: false }));
    next.emails = [{ address: input.email, label: null, primary: true }, ...rest];
    next.email = input.email;
  }
  if (input.phone && input.phone.number !== current.phone) {
    const number = input.phone.number;
    const rest = current.phones.filter((p) => p.number !== number).map((p) => ({ ...p, primary: false }));
    next.phones = [{ number, raw: input.phone.raw, label: null, primary: true }, ...rest];
    next.phone = number;
  }
  if (input.tags) next.tags = [...new Set([...current.tags, ...input.tags])];
  return next;
}

/** The fields that differ, as audit changes keyed by API name. */
function changesOf(before: ContactState, after: ContactState): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of stateColumns) if (!sameJson(before[k], after[k])) changes[contactFieldNames[k]] = { from: before[k], to: after[k] };
  return changes;
}

/** The values a dry run shows for a row, keyed by import field. */
function shownValues(s: ContactState, company: CompanyRef | undefined): Record<string, unknown> {
  return {
    first_name: s.first_name,
    last_name: s.last_name,
    email: s.email,
    phone: s.phone,
    job_title: s.job_title,
    owner_id: s.owner_id,
    lifecycle_stage: s.lifecycle_stage,
    lead_source: s.lead_source,
    external_id: s.external_id,
    tags: s.tags,
    timezone: s.timezone,
    custom: s.custom,
    ...(company ? { company: company.name ?? company.domain ?? company.externalId } : {}),
  };
}

const existingSelect = `c.id, c.version, c.first_name, c.last_name, c.email, c.emails, c.phone, c.phones, c.job_title, c.owner_id, c.lifecycle_stage,
  c.lead_source, c.external_id, c.tags, c.timezone, c.custom`;

/**
 * Live contacts whose key (email or external id) is among `keys`; the oldest per key wins. Read
 * without locking (a re-import would otherwise write a lock into every row it finds unchanged);
 * the update of those that change checks their version instead.
 */
async function existingByKey(ctx: Ctx, column: 'email' | 'external_id', keys: string[]): Promise<Map<string, ExistingContact>> {
  const out = new Map<string, ExistingContact>();
  if (keys.length === 0) return out;
  const res = await ctx.tx.query<ExistingContact>(
    `SELECT ${existingSelect} FROM contacts c
     WHERE c.workspace_id = $1 AND c.${column} = ANY($2::text[]) AND c.deleted_at IS NULL AND c.merged_into IS NULL
     ORDER BY c.id`,
    [ctx.workspaceId, keys],
  );
  for (const r of res.rows) {
    const k = r[column] as string;
    if (!out.has(k)) out.set(k, r);
  }
  return out;
}

type Work = { record: CsvRecord; input: ContactInput; errors: CellError[]; key?: string; superseded?: boolean };

/**
 * Plans a batch of contact rows: reads and normalises every cell, keeps the last row of each key
 * (a later duplicate wins), matches the rest to live contacts on the normalised key, finds or
 * plans their companies, and decides create / update / unchanged per row.
 */
/** Reads and checks one row (no database). */
function readWork(env: ImportEnv, record: CsvRecord): Work {
  const errors: CellError[] = [];
  const input = readRow(env, record.cells, errors);
  const key = contactKey(env, record.cells);
  if (errors.length === 0 && env.upsertKey !== 'none' && key === undefined) {
    const what = env.upsertKey === 'email' ? 'an email' : 'an external id';
    errors.push({ field: env.upsertKey, code: 'missing_key', message: `The row has no ${what}, which this import matches on` });
  }
  if (errors.length === 0 && !input.first_name && !input.last_name && !input.email && !input.phone) {
    errors.push({ field: 'first_name', code: 'missing_required', message: 'A contact needs at least a name, an email or a phone' });
  }
  return { record, input, errors, key };
}

/** Batches whose rows were read ahead (`prepareContacts`), by batch. */
const preparedWork = new WeakMap<CsvRecord[], Work[]>();

/**
 * Reads and checks every row of a batch ahead of planning, a slice at a time so the server
 * stays responsive: a runner does it for the next batch while the database writes this one.
 */
async function prepareContacts(env: ImportEnv, records: CsvRecord[]): Promise<void> {
  const work: Work[] = [];
  for (let i = 0; i < records.length; i += 1000) {
    for (const record of records.slice(i, i + 1000)) work.push(readWork(env, record));
    await new Promise((resolve) => setImmediate(resolve));
  }
  markSuperseded(env, work);
  preparedWork.set(records, work);
}

/** The batch's rows read and checked: prepared ahead, or now. Planning adds errors, so each plan gets its own copy. */
function workOf(env: ImportEnv, records: CsvRecord[]): Work[] {
  const ahead = preparedWork.get(records);
  if (ahead) return ahead.map((w) => ({ ...w, errors: [...w.errors] }));
  const work = records.map((record) => readWork(env, record));
  markSuperseded(env, work);
  return work;
}

async function planContacts(ctx: Ctx, env: ImportEnv, records: CsvRecord[], options: { lock: boolean }): Promise<BatchPlan> {
  // The last row of each key wins; earlier ones are superseded (counted as unchanged).
  const work = workOf(env, records);
  const live = work.filter((w) => w.errors.length === 0 && !w.superseded);
  const keyColumn = env.upsertKey === 'email' ? 'email' : 'external_id';
  const existing =
    env.upsertKey === 'none'
      ? new Map<string, ExistingContact>()
      : await existingByKey(
          ctx,
          keyColumn,
          live.map((w) => w.key as string),
        );
  // An external id another contact already has would break its uniqueness: refuse the row.
  const externalIds = [...new Set(live.flatMap((w) => (w.input.external_id ? [w.input.external_id] : [])))];
  const holders = env.upsertKey === 'external_id' ? existing : await existingByKey(ctx, 'external_id', externalIds);
  const claimed = new Map<string, string>();
  for (const w of live) {
    const ext = w.input.external_id;
    if (!ext) continue;
    const self = w.key !== undefined ? existing.get(w.key)?.id : undefined;
    const holder = holders.get(ext)?.id ?? claimed.get(ext);
    if (holder && holder !== self) {
      w.errors.push({
        field: 'external_id',
        code: 'duplicate_external_id',
        message: `Another contact already has the external id "${ext}"`,
      });
    } else claimed.set(ext, self ?? `row:${w.record.row}`);
  }
  const writable = live.filter((w) => w.errors.length === 0);
  const companies = await resolveCompanies(
    ctx,
    env,
    writable.map((w) => w.input.company),
    !options.lock,
  );
  writable.forEach((w, i) => {
    const e = companies.errors[i];
    if (e) w.errors.push(e);
  });
  const matchedIds = writable.flatMap((w) => (w.key !== undefined && existing.get(w.key) ? [existing.get(w.key)?.id as string] : []));
  const links = new Map<string, { companies: Set<string>; primary: boolean }>();
  if (matchedIds.length > 0) {
    const res = await ctx.tx.query<{ contact_id: string; company_id: string; is_primary: boolean }>(
      'SELECT contact_id, company_id, is_primary FROM contact_companies WHERE workspace_id = $1 AND contact_id = ANY($2::uuid[])',
      [ctx.workspaceId, matchedIds],
    );
    for (const l of res.rows) {
      const entry = links.get(l.contact_id) ?? { companies: new Set<string>(), primary: false };
      entry.companies.add(l.company_id);
      entry.primary ||= l.is_primary;
      links.set(l.contact_id, entry);
    }
  }
  const rows: PlannedRow[] = [];
  const creates: (ContactState & { id: string })[] = [];
  const updates: { id: string; version: number; before: ContactState; after: ContactState }[] = [];
  const newLinks: { contact_id: string; company_id: string; is_primary: boolean }[] = [];
  const linkChanges = new Map<string, { from: string[]; to: string[] }>();
  const companyOf = new Map(writable.map((w, i) => [w, companies.ids[i]]));
  // Only a dry run shows the values; an import's run does not build them for every row.
  const shown = options.lock ? () => ({}) : shownValues;
  for (const w of work) {
    const companyId = companyOf.get(w);
    if (w.errors.length > 0) {
      rows.push({ row: w.record.row, action: 'error', values: {}, errors: w.errors });
      continue;
    }
    if (w.superseded) {
      rows.push({ row: w.record.row, action: 'unchanged', values: {}, errors: [] });
      continue;
    }
    const current = w.key !== undefined ? existing.get(w.key) : undefined;
    if (!current) {
      const state = { id: newId(), ...createState(env, w.input) };
      creates.push(state);
      if (companyId) newLinks.push({ contact_id: state.id, company_id: companyId, is_primary: true });
      rows.push({ row: w.record.row, action: 'create', values: shown(state, w.input.company), errors: [] });
      continue;
    }
    const { id, version, ...before } = current;
    const after = mergeState(before, w.input);
    const linked = links.get(id);
    const addLink = companyId !== undefined && !linked?.companies.has(companyId);
    if (addLink && companyId) {
      newLinks.push({ contact_id: id, company_id: companyId, is_primary: !linked?.primary });
      const from = [...(linked?.companies ?? [])];
      links.set(id, { companies: new Set([...from, companyId]), primary: true });
      // What a revert takes away again: the links this import added, kept in the contact's change row.
      const change = linkChanges.get(id) ?? { from, to: from };
      linkChanges.set(id, { from: change.from, to: [...change.to, companyId] });
    }
    const changed = Object.keys(changesOf(before, after)).length > 0;
    if (changed) updates.push({ id, version, before, after });
    rows.push({
      row: w.record.row,
      action: changed || addLink ? 'update' : 'unchanged',
      values: shown(after, w.input.company),
      errors: [],
    });
  }
  const errors = work.filter((w) => w.errors.length > 0).map((w) => errorRow(w.record, w.errors));
  return {
    rows,
    errors,
    async write(wctx) {
      await insertContacts(wctx, creates);
      await updateContacts(wctx, env, updates, linkChanges);
      if (newLinks.length > 0) {
        await wctx.tx.query(
          `INSERT INTO contact_companies (workspace_id, contact_id, company_id, is_primary)
           SELECT $1, l.contact_id, l.company_id, l.is_primary FROM jsonb_to_recordset($2::jsonb) AS l (contact_id uuid, company_id uuid, is_primary boolean)
           ON CONFLICT DO NOTHING`,
          [wctx.workspaceId, JSON.stringify(newLinks)],
        );
      }
      await insertImportRecords(
        wctx.tx,
        wctx.workspaceId,
        env.importId,
        'contact',
        'c',
        creates.map((c) => c.id),
      );
      const created = new Set(creates.map((c) => c.id));
      const touched = [...new Set([...updates.map((u) => u.id), ...newLinks.map((l) => l.contact_id)])].filter((id) => !created.has(id));
      await insertImportRecords(wctx.tx, wctx.workspaceId, env.importId, 'contact', 'u', touched);
      await insertImportErrors(wctx.tx, wctx.workspaceId, env.importId, errors);
    },
  };
}

const emptyConsent = { state: 'never_subscribed', updatedAt: null, method: null, source: null, textVersion: null };

/**
 * Inserts new contacts in one statement (the triggers keep search terms and typed custom values).
 * The rows travel as one array per column, which the server reads several times faster than the
 * same rows as one JSON document; the email and phone entries are built from them in SQL.
 */
async function insertContacts(ctx: Ctx, rows: (ContactState & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(f: (r: ContactState & { id: string }) => T) => rows.map(f);
  await ctx.tx.query(
    `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, email_list, phone, phones, phone_list, job_title, owner_id,
       lifecycle_stage, lead_source, external_id, tags, timezone, consent, custom)
     SELECT $1, r.id, r.first_name, r.last_name, r.email,
       CASE WHEN r.email IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('address', r.email, 'label', NULL, 'primary', true)) END,
       CASE WHEN r.email IS NULL THEN '{}'::text[] ELSE ARRAY[r.email] END,
       r.phone,
       CASE WHEN r.phone IS NULL THEN '[]'::jsonb
         ELSE jsonb_build_array(jsonb_build_object('number', r.phone, 'raw', r.phone_raw, 'label', NULL, 'primary', true)) END,
       CASE WHEN r.phone IS NULL THEN '{}'::text[] ELSE ARRAY[r.phone] END,
       r.job_title, r.owner_id, r.lifecycle_stage, r.lead_source, r.external_id,
       CASE WHEN r.tags IS NULL THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(r.tags::jsonb)) END,
       r.timezone, $2::jsonb, r.custom::jsonb
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[], $11::text[], $12::text[],
       $13::text[], $14::text[], $15::text[], $16::text[])
       AS r (id, first_name, last_name, email, phone, phone_raw, job_title, owner_id, lifecycle_stage, lead_source, external_id, tags, timezone, custom)`,
    [
      ctx.workspaceId,
      JSON.stringify({ email: emptyConsent, sms: emptyConsent }),
      column((r) => r.id),
      column((r) => r.first_name),
      column((r) => r.last_name),
      column((r) => r.email),
      column((r) => r.phone),
      column((r) => r.phones[0]?.raw ?? null),
      column((r) => r.job_title),
      column((r) => r.owner_id),
      column((r) => r.lifecycle_stage),
      column((r) => r.lead_source),
      column((r) => r.external_id),
      column((r) => (r.tags.length > 0 ? JSON.stringify(r.tags) : null)),
      column((r) => r.timezone),
      column((r) => JSON.stringify(r.custom)),
    ],
  );
}

/** Saves changed contacts in one statement; a contact whose version moved since planning makes the batch stale. */
async function saveUpdates(ctx: Ctx, updates: { id: string; version: number; after: ContactState }[]): Promise<void> {
  if (updates.length === 0) return;
  const saved = await ctx.tx.query(
    `UPDATE contacts c SET first_name = r.first_name, last_name = r.last_name, email = r.email, emails = r.emails,
       email_list = ARRAY(SELECT e->>'address' FROM jsonb_array_elements(r.emails) e), phone = r.phone, phones = r.phones,
       phone_list = ARRAY(SELECT p->>'number' FROM jsonb_array_elements(r.phones) p), job_title = r.job_title, owner_id = r.owner_id,
       lifecycle_changed_at = CASE WHEN c.lifecycle_stage = r.lifecycle_stage THEN c.lifecycle_changed_at ELSE now() END,
       lifecycle_stage = r.lifecycle_stage, lead_source = r.lead_source, external_id = r.external_id,
       tags = ARRAY(SELECT jsonb_array_elements_text(r.tags)), timezone = r.timezone, custom = r.custom,
       version = c.version + 1, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, version integer, first_name text, last_name text, email text, emails jsonb, phone text,
       phones jsonb, job_title text, owner_id uuid, lifecycle_stage text, lead_source text, external_id text, tags jsonb, timezone text, custom jsonb)
     WHERE c.workspace_id = $1 AND c.id = r.id AND c.version = r.version`,
    [ctx.workspaceId, JSON.stringify(updates.map((u) => ({ id: u.id, version: u.version, ...u.after })))],
  );
  // Someone changed one of these contacts since the batch was planned: plan it again.
  if (saved.rowCount !== updates.length) throw new StaleBatch();
}

/**
 * Saves changed contacts, and in record_changes what a revert restores: their old values, and
 * the companies the import linked them to (`companies`: the linked ids before and after).
 */
async function updateContacts(
  ctx: Ctx,
  env: ImportEnv,
  updates: { id: string; version: number; before: ContactState; after: ContactState }[],
  linkChanges: Map<string, { from: string[]; to: string[] }>,
): Promise<void> {
  await saveUpdates(ctx, updates);
  const audit = new Map<string, Record<string, unknown>>(updates.map((u) => [u.id, changesOf(u.before, u.after)]));
  for (const [id, companies] of linkChanges) audit.set(id, { ...audit.get(id), companies });
  if (audit.size === 0) return;
  await ctx.tx.query(
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     SELECT $1, r.id, 'contact', r.record_id, 'update', $2, $3, r.changes, $4
     FROM jsonb_to_recordset($5::jsonb) AS r (id uuid, record_id uuid, changes jsonb)`,
    [
      ctx.workspaceId,
      ctx.actor.type,
      ctx.actor.id,
      env.requestId,
      JSON.stringify([...audit].map(([record_id, changes]) => ({ id: newId(), record_id, changes }))),
    ],
  );
}

/** Removes the company links an import added to contacts that existed before it (from their change rows). */
async function unlinkAddedCompanies(ctx: Ctx, env: ImportEnv, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.tx.query(
    `DELETE FROM contact_companies l USING (
       SELECT rc.record_id AS contact_id, added.company_id::uuid AS company_id
       FROM record_changes rc, jsonb_array_elements_text(rc.changes -> 'companies' -> 'to') AS added (company_id)
       WHERE rc.workspace_id = $1 AND rc.record_type = 'contact' AND rc.record_id = ANY($2::uuid[]) AND rc.request_id = $3
         AND rc.changes ? 'companies' AND NOT (rc.changes -> 'companies' -> 'from') ? added.company_id
     ) a
     WHERE l.workspace_id = $1 AND l.contact_id = a.contact_id AND l.company_id = a.company_id`,
    [ctx.workspaceId, ids, env.requestId],
  );
}

/** Contacts: matched by email or external id, companies found or created and linked. */
export const contactsEngine: ImportEngine = {
  recordType: 'contact',
  key: contactKey,
  prepare: prepareContacts,
  plan: planContacts,
  async revert(ctx, env, records) {
    await trashRecords(
      ctx,
      'contacts',
      records.filter((r) => r.action === 'c').map((r) => r.record_id),
    );
    const touched = records.filter((r) => r.action === 'u').map((r) => r.record_id);
    await restoreFields(ctx, env, 'contact', 'contacts', contactFieldNames, touched);
    await unlinkAddedCompanies(ctx, env, touched);
  },
};
