import type { Ctx } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { addTimelineEntries } from '../../records/timeline.ts';
import { activitySummary } from '../activities/activities.presenter.ts';
import { normaliseDomain } from '../companies/companies.normalize.ts';
import { normaliseEmail } from '../contacts/contacts.normalize.ts';
import { type BatchPlan, cell, errorRow, type ImportEngine, type PlannedRow } from './imports.engine.ts';
import { insertImportErrors, insertImportRecords } from './imports.repo.ts';
import { trashRecords } from './imports.revert.ts';
import { type CellError, parseDateTime } from './imports.values.ts';

const kinds: Record<string, string> = {
  note: 'note',
  notes: 'note',
  call: 'call',
  calls: 'call',
  email: 'email',
  emails: 'email',
  meeting: 'meeting',
  meetings: 'meeting',
};

type ActivityItem = {
  id: string;
  kind: string;
  subject: string | null;
  body: string | null;
  occurred_at: string;
  links: { recordType: 'contact' | 'company'; recordId: string }[];
};

/**
 * Activities: always created (a file of notes or calls has no key to match on), linked to the
 * contact named by email and the company named by domain, which must exist.
 */
export const activitiesEngine: ImportEngine = {
  recordType: 'activity',
  key: () => undefined,
  async plan(ctx, env, records): Promise<BatchPlan> {
    const now = new Date().toISOString();
    const read = records.map((record) => {
      const errors: CellError[] = [];
      const get = (f: string) => cell(env, record.cells, f);
      const rawKind = get('kind');
      const kind = rawKind ? kinds[rawKind.toLowerCase()] : undefined;
      if (!kind)
        errors.push({
          field: 'kind',
          code: rawKind ? 'invalid_option' : 'missing_required',
          message: `"${rawKind ?? ''}" is not note, call, email or meeting`,
        });
      const when = get('occurred_at');
      const occurred = when === undefined ? now : parseDateTime(when, env.dateFormat);
      if (!occurred) errors.push({ field: 'occurred_at', code: 'invalid_date', message: `"${when}" is not a date and time` });
      const rawEmail = get('contact_email');
      const email = rawEmail ? normaliseEmail(rawEmail) : undefined;
      if (rawEmail && !email)
        errors.push({ field: 'contact_email', code: 'invalid_email', message: `"${rawEmail}" is not a valid email address` });
      const rawDomain = get('company_domain');
      const domain = rawDomain ? normaliseDomain(rawDomain) : undefined;
      if (rawDomain && !domain)
        errors.push({ field: 'company_domain', code: 'invalid_domain', message: `"${rawDomain}" is not a website domain` });
      return { record, errors, kind, occurred, email, domain, subject: get('subject') ?? null, body: get('body') ?? null };
    });
    const emails = [...new Set(read.flatMap((r) => (r.email ? [r.email] : [])))];
    const domains = [...new Set(read.flatMap((r) => (r.domain ? [r.domain] : [])))];
    const contacts = await ctx.tx.query<{ id: string; email: string }>(
      `SELECT id, email FROM contacts WHERE workspace_id = $1 AND email = ANY($2::text[]) AND deleted_at IS NULL AND merged_into IS NULL ORDER BY id`,
      [ctx.workspaceId, emails],
    );
    const companies = await ctx.tx.query<{ id: string; domain: string }>(
      `SELECT id, domain FROM companies WHERE workspace_id = $1 AND domain = ANY($2::text[]) AND deleted_at IS NULL AND merged_into IS NULL`,
      [ctx.workspaceId, domains],
    );
    const contactOf = new Map<string, string>();
    for (const c of contacts.rows) if (!contactOf.has(c.email)) contactOf.set(c.email, c.id);
    const companyOf = new Map(companies.rows.map((c) => [c.domain, c.id]));
    const rows: PlannedRow[] = [];
    const items: ActivityItem[] = [];
    for (const r of read) {
      const contactId = r.email ? contactOf.get(r.email) : undefined;
      const companyId = r.domain ? companyOf.get(r.domain) : undefined;
      if (r.email && !contactId)
        r.errors.push({ field: 'contact_email', code: 'unknown_contact', message: `No contact has the email ${r.email}` });
      if (r.domain && !companyId)
        r.errors.push({ field: 'company_domain', code: 'unknown_company', message: `No company has the domain ${r.domain}` });
      if (r.errors.length === 0 && !contactId && !companyId) {
        r.errors.push({
          field: 'contact_email',
          code: 'missing_required',
          message: 'An activity needs a contact (email) or a company (domain) to belong to',
        });
      }
      if (r.errors.length > 0) {
        rows.push({ row: r.record.row, action: 'error', values: {}, errors: r.errors });
        continue;
      }
      const item: ActivityItem = {
        id: newId(),
        kind: r.kind as string,
        subject: r.subject,
        body: r.body,
        occurred_at: r.occurred as string,
        links: [
          ...(contactId ? [{ recordType: 'contact' as const, recordId: contactId }] : []),
          ...(companyId ? [{ recordType: 'company' as const, recordId: companyId }] : []),
        ],
      };
      items.push(item);
      rows.push({
        row: r.record.row,
        action: 'create',
        values: { kind: item.kind, subject: item.subject, body: item.body, occurred_at: item.occurred_at },
        errors: [],
      });
    }
    const errors = read.filter((r) => r.errors.length > 0).map((r) => errorRow(r.record, r.errors));
    return {
      rows,
      errors,
      write: (wctx) => writeActivities(wctx, env.importId, items, errors),
    };
  },
  async revert(ctx, _env, records) {
    const ids = records.filter((r) => r.action === 'c').map((r) => r.record_id);
    await trashRecords(ctx, 'activities', ids);
  },
};

async function writeActivities(
  ctx: Ctx,
  importId: string,
  items: ActivityItem[],
  errors: Parameters<typeof insertImportErrors>[3],
): Promise<void> {
  await insertImportErrors(ctx.tx, ctx.workspaceId, importId, errors);
  if (items.length === 0) return;
  await ctx.tx.query(
    `INSERT INTO activities (workspace_id, id, kind, subject, body, occurred_at, owner_id)
     SELECT $1, a.id, a.kind, a.subject, a.body, a.occurred_at, $3 FROM jsonb_to_recordset($2::jsonb) AS a (id uuid, kind text, subject text, body text, occurred_at timestamptz)`,
    [ctx.workspaceId, JSON.stringify(items), ctx.actor.userId],
  );
  const links = items.flatMap((a) =>
    a.links.map((l) => ({ activity_id: a.id, record_type: l.recordType, record_id: l.recordId, at: a.occurred_at })),
  );
  await ctx.tx.query(
    `INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id)
     SELECT $1, l.activity_id, l.record_type, l.record_id FROM jsonb_to_recordset($2::jsonb) AS l (activity_id uuid, record_type text, record_id uuid)`,
    [ctx.workspaceId, JSON.stringify(links)],
  );
  for (const table of ['contacts', 'companies'] as const) {
    await ctx.tx.query(
      `UPDATE ${table} t SET last_activity_at = greatest(t.last_activity_at, l.at)
       FROM (SELECT record_id, max(at) AS at FROM jsonb_to_recordset($2::jsonb) AS x (record_type text, record_id uuid, at timestamptz)
             WHERE record_type = $3 GROUP BY record_id) l
       WHERE t.workspace_id = $1 AND t.id = l.record_id`,
      [ctx.workspaceId, JSON.stringify(links), table === 'contacts' ? 'contact' : 'company'],
    );
  }
  await addTimelineEntries(
    ctx,
    items.flatMap((a) =>
      a.links.map((l) => ({
        ...l,
        kind: 'activity',
        occurredAt: new Date(a.occurred_at),
        activityId: a.id,
        data: activitySummary({ kind: a.kind as never, subject: a.subject, body: a.body }),
      })),
    ),
  );
  await insertImportRecords(
    ctx.tx,
    ctx.workspaceId,
    importId,
    'activity',
    'c',
    items.map((a) => a.id),
  );
}
