import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { recordWrite } from '../../lib/audit.ts';
import { decodeCursor } from '../../lib/cursor.ts';
import { AppError, conflict, notFound, staleWrite } from '../../lib/errors.ts';
import type { FieldDef, FilterGroups } from '../../lib/filters.ts';
import { isUuid, newId } from '../../lib/ids.ts';
import { EXACT_TOTAL_UP_TO, type ListPage, listRecords, type Sort } from '../../lib/record-list.ts';
import type { SqlParams } from '../../lib/sql-params.ts';
import { authorize } from '../../policies.ts';
import { companyType } from '../../records/record-types.ts';
import { addTimelineEntry, visibleChanges } from '../../records/timeline.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { customFieldDefs } from '../custom-fields/custom-fields.values.ts';
import { prefixQuery, wordsOf } from '../search/search.query.ts';
import { normaliseDomain } from './companies.normalize.ts';
import { planCompany } from './companies.plan.ts';
import { companyAuditFields, companyView } from './companies.presenter.ts';
import {
  type CompanyContactRow,
  type CompanyDealRow,
  type CompanyRow,
  companyContactsPage,
  companyDealsPage,
  companySelect,
  findCompanyRow,
  insertCompanyRow,
  setCompanyDeleted,
  updateCompanyRow,
} from './companies.repo.ts';
import type { CompanyWrite } from './companies.schema.ts';

/** Turns a unique-index violation into a 409 naming the field (`prefix` is `body.` for writes); rethrows the rest. */
function uniqueTaken(prefix: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, 'companies_domain_key')) {
      throw conflict('Another company already has this domain', [{ field: `${prefix}domain`, message: 'Already used', code: 'duplicate' }]);
    }
    if (isUniqueViolation(err, 'companies_external_id_key')) {
      throw conflict('Another company has this external id', [
        { field: `${prefix}externalId`, message: 'Already used', code: 'duplicate' },
      ]);
    }
    throw err;
  };
}

/** Creates a company. */
export async function createCompany(ctx: Ctx, input: CompanyWrite): Promise<CompanyRow> {
  authorize(ctx, 'records.create');
  if (input.ownerId && input.ownerId !== ctx.actor.userId) authorize(ctx, 'records.reassign');
  const values = await planCompany(ctx, input);
  const id = newId();
  const row = await insertCompanyRow(ctx.tx, ctx.workspaceId, id, values).catch(uniqueTaken('body.'));
  const view = companyView(row);
  await recordWrite(ctx, { recordType: 'company', recordId: id, action: 'create', before: null, after: companyAuditFields(view) });
  await addTimelineEntry(ctx, [{ recordType: 'company', recordId: id }], { kind: 'created', data: { name: row.name } });
  return row;
}

/**
 * A live company, or not_found; a merged-away company answers 301 with where it went
 * (`subpath` keeps a sub-resource such as `/contacts` in the new location).
 */
export async function getCompany(ctx: Ctx, id: string, subpath = ''): Promise<CompanyRow> {
  authorize(ctx, 'records.read');
  const row = await findCompanyRow(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Company');
  if (row.merged_into) {
    throw new AppError('moved_permanently', 'This company was merged into another', undefined, {
      location: `/api/v1/companies/${row.merged_into}${subpath}`,
    });
  }
  return row;
}

/** Updates a company; `expectedVersion` (If-Match) refuses a stale write. */
export async function updateCompany(ctx: Ctx, input: { id: string; patch: CompanyWrite; expectedVersion?: number }): Promise<CompanyRow> {
  const current = await getCompany(ctx, input.id);
  authorize(ctx, 'records.update', { ownerId: current.owner_id });
  if (input.patch.ownerId !== undefined && input.patch.ownerId !== current.owner_id) authorize(ctx, 'records.reassign');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const values = await planCompany(ctx, input.patch, current);
  const row = await updateCompanyRow(ctx.tx, ctx.workspaceId, current.id, current.version, values).catch(uniqueTaken('body.'));
  if (!row) throw staleWrite(current.version + 1);
  const { changes } = await recordWrite(ctx, {
    recordType: 'company',
    recordId: row.id,
    action: 'update',
    before: companyAuditFields(companyView(current)),
    after: companyAuditFields(companyView(row)),
  });
  const shown = visibleChanges(changes);
  if (shown) await addTimelineEntry(ctx, [{ recordType: 'company', recordId: row.id }], { kind: 'field_change', data: { changes: shown } });
  return row;
}

/** Moves a company to the trash (restorable for 30 days); its links to contacts and deals stay for a restore. */
export async function deleteCompany(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getCompany(ctx, input.id);
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await setCompanyDeleted(ctx.tx, ctx.workspaceId, current.id, true);
  await recordWrite(ctx, {
    recordType: 'company',
    recordId: current.id,
    action: 'delete',
    before: companyAuditFields(companyView(current)),
    after: null,
  });
  await addTimelineEntry(ctx, [{ recordType: 'company', recordId: current.id }], { kind: 'deleted' });
}

/** Takes a company back out of the trash; refused with 409 if a live company took its domain meanwhile. */
export async function restoreCompany(ctx: Ctx, id: string): Promise<CompanyRow> {
  const current = await findCompanyRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at || current.merged_into) throw notFound('Deleted company');
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  const row = await setCompanyDeleted(ctx.tx, ctx.workspaceId, id, false).catch(uniqueTaken(''));
  if (!row) throw notFound('Deleted company');
  await recordWrite(ctx, {
    recordType: 'company',
    recordId: id,
    action: 'restore',
    before: null,
    after: companyAuditFields(companyView(row)),
  });
  await addTimelineEntry(ctx, [{ recordType: 'company', recordId: id }], { kind: 'restored' });
  return row;
}

/** The fields companies can be filtered and sorted on in this workspace (standard + custom). */
export async function companyFields(ctx: Ctx): Promise<FieldDef[]> {
  return [...companyType.fields, ...customFieldDefs(await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'company'), companyType.alias)];
}

/** A page of companies matching filter groups, sorted, with the total. `q` matches a name or domain. */
export async function searchCompanies(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<ListPage<CompanyRow>> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  return listRecords<CompanyRow>(ctx.tx, {
    type: companyType,
    fields: await companyFields(ctx),
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: companySelect,
    withTotal: true,
    exactTotalUpTo: EXACT_TOTAL_UP_TO,
    where: q ? (params: SqlParams) => quickMatch(q, params) : undefined,
  });
}

/** The `q` condition of a company list: words matching a name, domain or industry by prefix, or the domain of a pasted website. */
function quickMatch(q: string, params: SqlParams): string {
  const words = wordsOf(q);
  const byWords = words.length > 0 ? `co.search @@ to_tsquery('simple', ${params.add(prefixQuery(words))})` : 'false';
  const domain = normaliseDomain(q);
  return domain ? `(${byWords} OR co.domain = ${params.add(domain)})` : byWords;
}

/** The id a `cursor` of an id-ordered sub-list carries; a foreign or tampered one is a 400. */
function cursorId(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const [id] = decodeCursor(cursor, 1);
  if (typeof id === 'string' && isUuid(id)) return id;
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

/** A page of the live contacts linked to a company, with their title and role there. */
export async function listCompanyContacts(
  ctx: Ctx,
  input: { companyId: string; limit: number; cursor?: string },
): Promise<{ rows: CompanyContactRow[]; nextCursor: string | null; total: number }> {
  const company = await getCompany(ctx, input.companyId, '/contacts');
  return companyContactsPage(ctx.tx, ctx.workspaceId, company.id, { limit: input.limit, after: cursorId(input.cursor) });
}

/** A page of a company's deals (not those in the trash), optionally of one status. */
export async function listCompanyDeals(
  ctx: Ctx,
  input: { companyId: string; limit: number; cursor?: string; status?: 'open' | 'won' | 'lost' },
): Promise<{ rows: CompanyDealRow[]; nextCursor: string | null; total: number }> {
  const company = await getCompany(ctx, input.companyId, '/deals');
  return companyDealsPage(ctx.tx, ctx.workspaceId, company.id, { limit: input.limit, after: cursorId(input.cursor), status: input.status });
}
