import type { Ctx } from '../../context.ts';
import { AppError } from '../../lib/errors.ts';
import type { FilterGroups } from '../../lib/filters.ts';
import type { Sort } from '../../lib/record-list.ts';
import { authorize } from '../../policies.ts';
import { BATCH_LIMIT, type BatchItemResult, batchWriteContacts } from '../contacts/contacts.batch.ts';
import type { ContactView } from '../contacts/contacts.presenter.ts';
import type { ContactRow } from '../contacts/contacts.repo.ts';
import { getContact, presentContact, searchContacts } from '../contacts/contacts.service.ts';
import { contactViews } from '../contacts/contacts.write.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { contactsToVcards, contactToVcard } from './vcard.format.ts';
import { type MappedCard, mapCard, type SkippedProperty } from './vcard.map.ts';
import { decodeFile, parseVcards } from './vcard.parse.ts';

/** At most this many contacts in one export. */
export const EXPORT_LIMIT = 10_000;
/** At most this many cards in one imported file. */
export const IMPORT_LIMIT = 10_000;

/** One contact as a vCard 4.0, with the contact it describes. */
export async function exportContactVcard(ctx: Ctx, id: string): Promise<{ vcard: string; contact: ContactView }> {
  const contact = await presentContact(ctx, await getContact(ctx, id));
  return { vcard: contactToVcard(contact), contact };
}

/** Which contacts a multi-contact export takes: named ids, or a filter like the list search's. */
export type ExportSelection = { ids: string[] } | { filterGroups: FilterGroups; sort: Sort; q?: string };

/** Every contact a selection names, read a page at a time; refused past EXPORT_LIMIT rather than cut short. */
async function selectContacts(ctx: Ctx, selection: ExportSelection): Promise<ContactRow[]> {
  const search =
    'ids' in selection
      ? { filterGroups: [{ filters: [{ field: 'id', operator: 'in' as const, values: selection.ids }] }], sort: [] as Sort }
      : selection;
  const rows: ContactRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchContacts(ctx, { ...search, limit: 500, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
    if (rows.length > EXPORT_LIMIT || (cursor && rows.length === EXPORT_LIMIT)) {
      throw new AppError('unprocessable', `More than ${EXPORT_LIMIT} contacts match; narrow the filter`);
    }
  } while (cursor);
  if ('ids' in selection) {
    const found = new Set(rows.map((r) => r.id));
    const missing = selection.ids.flatMap((id, i) => (found.has(id) ? [] : [{ field: `body.ids[${i}]`, message: 'No such contact' }]));
    if (missing.length > 0) throw new AppError('not_found', 'Some contacts were not found', missing);
    const order = new Map(selection.ids.map((id, i) => [id, i]));
    rows.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }
  return rows;
}

/** Many contacts as one .vcf document, in the selection's order. */
export async function exportContactsVcards(ctx: Ctx, selection: ExportSelection): Promise<{ vcards: string; count: number }> {
  const views = await contactViews(ctx, await selectContacts(ctx, selection));
  return { vcards: contactsToVcards(views), count: views.length };
}

/** What happened to one card of an imported file. */
export type CardResult = {
  index: number;
  name: string;
  status: 'created' | 'updated' | 'skipped' | 'error';
  id?: string;
  reason?: string;
  errors?: { field: string; message: string; code?: string }[];
  skippedProperties: SkippedProperty[];
};

/** The report of an import: counts, then one entry per card in file order. */
export type ImportReport = { cards: number; created: number; updated: number; skipped: number; failed: number; results: CardResult[] };

/** The live companies of the workspace by lower-cased name (the oldest when several share one). */
async function companiesByName(ctx: Ctx, names: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const res = await ctx.tx.query<{ key: string; id: string }>(
    `SELECT DISTINCT ON (lower(name)) lower(name) AS key, id FROM companies
     WHERE workspace_id = $1 AND lower(name) = ANY($2::text[]) AND deleted_at IS NULL AND merged_into IS NULL
     ORDER BY lower(name), id`,
    [ctx.workspaceId, wanted],
  );
  return new Map(res.rows.map((r) => [r.key, r.id]));
}

/** Runs items through the contacts batch write path, BATCH_LIMIT at a time; results keep the items' order. */
async function writeInChunks(ctx: Ctx, mode: 'upsert' | 'create', inputs: Record<string, unknown>[]): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  for (let start = 0; start < inputs.length; start += BATCH_LIMIT) {
    const chunk = inputs.slice(start, start + BATCH_LIMIT);
    const request = mode === 'upsert' ? ({ mode, idProperty: 'email' } as const) : ({ mode } as const);
    const { results: chunkResults } = await batchWriteContacts(ctx, request, chunk);
    results.push(...chunkResults.map((r) => ({ ...r, index: r.index + start })));
  }
  return results;
}

/**
 * Imports a .vcf file (vCard 2.1, 3.0 or 4.0): cards with an email update the contact that has
 * it or create one; cards without one create a contact. Writes go through the contacts batch
 * path (validation, audit, timeline). A file with no card is refused whole and changes nothing;
 * `field` names where the file came in (`body`, or `body.file` of a multipart upload).
 */
export async function importVcards(ctx: Ctx, bytes: Uint8Array, field = 'body'): Promise<ImportReport> {
  authorize(ctx, 'records.create');
  const cards = parseVcards(decodeFile(bytes));
  if (cards.length === 0) {
    throw new AppError('validation_failed', 'The file holds no vCard', [
      { field, message: 'Expected one or more BEGIN:VCARD … END:VCARD blocks', code: 'not_vcard' },
    ]);
  }
  if (cards.length > IMPORT_LIMIT) {
    throw new AppError('validation_failed', `A file may hold at most ${IMPORT_LIMIT} cards`, [
      { field, message: `${cards.length} cards; split the file`, code: 'too_many_cards' },
    ]);
  }
  const region = (await findWorkspace(ctx.tx, ctx.workspaceId))?.settings.phoneRegion ?? defaultWorkspaceSettings.phoneRegion;
  const mapped = cards.map((card) => mapCard(card, region));
  const companies = await companiesByName(
    ctx,
    mapped.flatMap((m) => (m.ok && m.company ? [m.company] : [])),
  );

  const results: CardResult[] = mapped.map((m, index) => ({
    index,
    name: m.name,
    status: 'skipped',
    skippedProperties: m.skipped,
    ...(m.ok ? {} : { reason: m.reason }),
  }));
  const upserts: { index: number; input: Record<string, unknown> }[] = [];
  const creates: { index: number; input: Record<string, unknown> }[] = [];
  mapped.forEach((m, index) => {
    if (!m.ok) return;
    const input: Record<string, unknown> = { ...m.input, ...linkCompany(m, companies, results[index] as CardResult) };
    (m.input.emails ? upserts : creates).push({ index, input });
  });
  const apply = (items: typeof upserts, outcomes: BatchItemResult[]) =>
    outcomes.forEach((o) => {
      const result = results[(items[o.index] as { index: number }).index] as CardResult;
      if (o.status === 'error') Object.assign(result, { status: 'error', reason: o.message, ...(o.errors ? { errors: o.errors } : {}) });
      else Object.assign(result, { status: o.status, id: o.id });
    });
  apply(
    upserts,
    await writeInChunks(
      ctx,
      'upsert',
      upserts.map((u) => u.input),
    ),
  );
  apply(
    creates,
    await writeInChunks(
      ctx,
      'create',
      creates.map((c) => c.input),
    ),
  );

  const count = (status: CardResult['status']) => results.filter((r) => r.status === status).length;
  return {
    cards: cards.length,
    created: count('created'),
    updated: count('updated'),
    skipped: count('skipped'),
    failed: count('error'),
    results,
  };
}

/** The company link of a card whose ORG names a company of the workspace; an unknown ORG is reported. */
function linkCompany(m: Extract<MappedCard, { ok: true }>, companies: Map<string, string>, result: CardResult) {
  if (!m.company) return {};
  const companyId = companies.get(m.company.toLowerCase());
  if (!companyId) {
    result.skippedProperties.push({ property: 'ORG', value: m.company, reason: 'No company of this name in the workspace' });
    return {};
  }
  return { companies: [{ companyId, primary: true, ...(m.input.jobTitle ? { title: m.input.jobTitle } : {}) }] };
}
