import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId, uuid } from '../../lib/ids.ts';
import { can } from '../../policies.ts';
import { normaliseEmail } from './contacts.normalize.ts';
import { type ContactPlan, contactWriteEnv, planContact } from './contacts.plan.ts';
import { type CompanyLinkRow, type ContactRow, companyLinksJson, contactSelect } from './contacts.repo.ts';
import { type ContactWrite, contactWriteSchema } from './contacts.schema.ts';
import { applyContactWrites } from './contacts.write.ts';

/** Up to this many records per batch call. */
export const BATCH_LIMIT = 1000;

export const batchCreateBody = z
  .object({ inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(BATCH_LIMIT).describe('Contact objects, as for POST /contacts') })
  .strict();
export const batchUpdateBody = z
  .object({
    inputs: z
      .array(z.object({ id: z.string(), properties: z.record(z.string(), z.unknown()) }).strict())
      .min(1)
      .max(BATCH_LIMIT),
  })
  .strict();
export const batchUpsertBody = z
  .object({
    idProperty: z.enum(['email', 'externalId']).describe('Which field identifies an existing contact'),
    inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(BATCH_LIMIT),
  })
  .strict();

/** What happened to one item of a batch. */
export type BatchItemResult =
  | { index: number; status: 'created' | 'updated'; id: string }
  | { index: number; status: 'error'; code: string; message: string; errors?: FieldError[] };

export const batchResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.enum(['created', 'updated', 'error']),
        id: uuid().optional(),
        code: z.string().optional(),
        message: z.string().optional(),
        errors: z.array(z.object({ field: z.string(), message: z.string(), code: z.string().optional() })).optional(),
      }),
    ),
  })
  .meta({ id: 'BatchResult' });

type Target = { id: string; plan?: ContactPlan; current?: ContactRow; state?: ContactRow };

const zodErrors = (err: z.ZodError): FieldError[] =>
  err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: ['body', ...i.path.map(String), k].join('.'), message: 'Unknown field' }))
      : [{ field: ['body', ...i.path.map(String)].join('.'), message: i.message }],
  );

/** The identifying value of an upsert input, normalised like stored values. */
function upsertKey(input: ContactWrite, idProperty: 'email' | 'externalId'): string | undefined {
  if (idProperty === 'externalId') return input.externalId?.trim() || undefined;
  const raw = input.email ?? input.emails?.find((e) => e.primary)?.address ?? input.emails?.[0]?.address;
  return raw ? normaliseEmail(raw) : undefined;
}

/** Existing contacts with their company links, read in the same statement. */
type Existing = { rows: ContactRow[]; links: Map<string, CompanyLinkRow[]> };

async function findExisting(ctx: Ctx, mode: 'update' | 'upsert', keys: string[], idProperty?: 'email' | 'externalId'): Promise<Existing> {
  const links = new Map<string, CompanyLinkRow[]>();
  if (keys.length === 0) return { rows: [], links };
  const live = 'c.deleted_at IS NULL AND c.merged_into IS NULL';
  const withLinks = `${contactSelect}, ${companyLinksJson} AS company_links`;
  // Each row's company links come along (the write's before-view needs them): one round trip.
  const split = (res: { rows: (ContactRow & { company_links: CompanyLinkRow[] })[] }) =>
    res.rows.map(({ company_links, ...row }) => {
      links.set(row.id, company_links);
      return row as ContactRow;
    });
  const select = async (join: string) =>
    split(
      await ctx.tx.query<ContactRow & { company_links: CompanyLinkRow[] }>(
        `SELECT ${withLinks} FROM unnest($2::text[]) k (key) JOIN contacts c ON c.workspace_id = $1 AND ${join} AND ${live}`,
        [ctx.workspaceId, [...new Set(keys)]],
      ),
    );
  if (mode === 'update') return { rows: await select('c.id = k.key::uuid'), links };
  if (idProperty === 'externalId') return { rows: await select('c.external_id = k.key'), links };
  // Most upserts name a contact's primary email: one index probe each. Only the keys left over
  // are looked up among every contact's other addresses, again one probe of the address index
  // per key: asked for the contacts holding any of a thousand addresses at once, the planner
  // reads every contact instead (24 s for a thousand new addresses among a million contacts).
  const byPrimary = await select('c.email = k.key');
  const found = new Set(byPrimary.flatMap((r) => r.email_list));
  const rest = keys.filter((k) => !found.has(k));
  if (rest.length === 0) return { rows: byPrimary, links };
  const others = split(
    await ctx.tx.query<ContactRow & { company_links: CompanyLinkRow[] }>(
      `SELECT ${withLinks} FROM unnest($2::text[]) k (key)
       CROSS JOIN LATERAL (SELECT * FROM contacts c WHERE c.workspace_id = $1 AND c.email_list @> ARRAY[k.key] AND ${live}) c`,
      [ctx.workspaceId, [...new Set(rest)]],
    ),
  );
  // A contact holding several of the keys came once per key.
  const byId = new Map([...byPrimary, ...others].map((r) => [r.id, r]));
  return { rows: [...byId.values()], links };
}

/**
 * Creates, updates or upserts up to 1,000 contacts in one transaction. Each item is validated
 * on its own: a bad item is reported with its errors and never written; the good items are all
 * written, with a fixed number of statements. Items naming the same contact apply in order.
 */
export async function batchWriteContacts(
  ctx: Ctx,
  request:
    | { mode: 'create' }
    | { mode: 'update'; inputs: { id: string; properties: unknown }[] }
    | { mode: 'upsert'; idProperty: 'email' | 'externalId' },
  rawInputs: unknown[],
): Promise<{ results: BatchItemResult[]; rows: ContactRow[] }> {
  const parsed = rawInputs.map((raw) =>
    contactWriteSchema.safeParse(request.mode === 'update' ? (raw as { properties: unknown }).properties : raw),
  );
  const inputs = parsed.map((p) => (p.success ? p.data : undefined));
  const valid = inputs.filter((i): i is ContactWrite => i !== undefined);
  const env = await contactWriteEnv(ctx, valid);

  const idProperty = request.mode === 'upsert' ? request.idProperty : undefined;
  const keys =
    request.mode === 'update'
      ? rawInputs.map((r) => String((r as { id: unknown }).id)).filter((id) => uuid().safeParse(id).success)
      : request.mode === 'upsert'
        ? valid.map((i) => upsertKey(i, request.idProperty)).filter((k): k is string => Boolean(k))
        : [];
  const existing = await findExisting(ctx, request.mode === 'create' ? 'update' : request.mode, keys, idProperty);
  const byKey = new Map<string, Target>();
  for (const row of existing.rows) {
    const target: Target = { id: row.id, current: row, state: row };
    if (request.mode === 'update') byKey.set(row.id, target);
    else if (idProperty === 'externalId' && row.external_id) byKey.set(row.external_id, target);
    else for (const e of row.email_list) if (!byKey.has(e) || row.email === e) byKey.set(e, target);
  }
  const externalIds = await externalIdOwners(ctx, valid);

  const targets = new Map<string, Target>();
  const results: BatchItemResult[] = [];
  parsed.forEach((p, index) => {
    if (!p.success) {
      results.push({ index, status: 'error', code: 'validation_failed', message: 'The contact is not valid', errors: zodErrors(p.error) });
      return;
    }
    const input = p.data;
    try {
      let target: Target | undefined;
      if (request.mode === 'update') {
        target = byKey.get(String((rawInputs[index] as { id: unknown }).id));
        if (!target) throw new AppError('not_found', 'Contact not found');
      } else if (request.mode === 'upsert') {
        const key = upsertKey(input, request.idProperty);
        if (!key) {
          const field = request.idProperty === 'email' ? 'body.email' : 'body.externalId';
          throw new AppError('validation_failed', `Upsert by ${request.idProperty} needs one`, [
            { field, message: 'Required for this upsert' },
          ]);
        }
        target = byKey.get(key);
        if (!target) {
          target = { id: newId() };
          byKey.set(key, target);
        }
      } else target = { id: newId() };
      const isNew = !target.current && !target.plan;
      checkAccess(ctx, input, target, !target.current);
      const plan = planContact(ctx, env, input, target.state);
      const externalId = plan.values.external_id;
      if (externalId) {
        const owner = externalIds.get(externalId);
        if (owner && owner !== target.id)
          throw new AppError('conflict', 'Another contact has this external id', [{ field: 'body.externalId', message: 'Already used' }]);
        externalIds.set(externalId, target.id);
      }
      target.plan = target.plan
        ? { ...plan, companies: plan.companies ?? target.plan.companies, consent: [...target.plan.consent, ...plan.consent] }
        : plan;
      target.state = { ...(target.state ?? placeholderRow(target.id)), ...plan.values };
      targets.set(target.id, target);
      results.push({ index, status: isNew ? 'created' : 'updated', id: target.id });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ index, status: 'error', code: err.code, message: err.message, ...(err.errors ? { errors: err.errors } : {}) });
    }
  });
  const rows = await applyContactWrites(
    ctx,
    [...targets.values()].map((t) => ({
      id: t.id,
      plan: t.plan as ContactPlan,
      current: t.current,
      currentLinks: t.current ? existing.links.get(t.id) : undefined,
    })),
  );
  return { results, rows };
}

function checkAccess(ctx: Ctx, input: ContactWrite, target: Target, isNew: boolean): void {
  const allowed = isNew
    ? can(ctx, 'records.create') && (!input.ownerId || input.ownerId === ctx.actor.userId || can(ctx, 'records.reassign'))
    : can(ctx, 'records.update', { ownerId: target.current?.owner_id ?? null }) &&
      (input.ownerId === undefined || input.ownerId === target.current?.owner_id || can(ctx, 'records.reassign'));
  if (!allowed) throw new AppError('forbidden', `Your role (${ctx.role}) does not allow this change`);
}

/** Which contact currently holds each external id named by the inputs. */
async function externalIdOwners(ctx: Ctx, inputs: ContactWrite[]): Promise<Map<string, string>> {
  const ids = [...new Set(inputs.map((i) => i.externalId?.trim()).filter((x): x is string => Boolean(x)))];
  if (ids.length === 0) return new Map();
  const res = await ctx.tx.query<{ external_id: string; id: string }>(
    'SELECT external_id, id FROM contacts WHERE workspace_id = $1 AND external_id = ANY($2::text[]) AND deleted_at IS NULL AND merged_into IS NULL',
    [ctx.workspaceId, ids],
  );
  return new Map(res.rows.map((r) => [r.external_id, r.id]));
}

/** The state a contact created earlier in the same batch is planned from by later items. */
function placeholderRow(id: string): ContactRow {
  const now = new Date();
  return {
    workspace_id: '',
    id,
    first_name: null,
    last_name: null,
    email: null,
    emails: [],
    email_list: [],
    phone: null,
    phones: [],
    phone_list: [],
    job_title: null,
    owner_id: null,
    lifecycle_stage: 'lead',
    lifecycle_changed_at: now,
    lead_source: null,
    utm: {},
    tags: [],
    address: {},
    timezone: null,
    consent: {},
    external_id: null,
    custom: {},
    version: 0,
    created_at: now,
    updated_at: now,
    last_activity_at: null,
    deleted_at: null,
    merged_into: null,
  };
}
