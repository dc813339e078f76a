import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import type { FieldDef, FilterGroups, RecordTypeDef } from '../../lib/filters.ts';
import { listRecords, type Sort } from '../../lib/record-list.ts';
import { authorize } from '../../policies.ts';
import { activityType, companyType, contactType, dealType, taskType } from '../../records/record-types.ts';
import { activityView } from '../activities/activities.presenter.ts';
import { type ActivityRow, activitySelect, linksOf } from '../activities/activities.repo.ts';
import { companyView } from '../companies/companies.presenter.ts';
import { type CompanyRow, companySelect } from '../companies/companies.repo.ts';
import { companyFields } from '../companies/companies.service.ts';
import { type ContactRow, contactSelect } from '../contacts/contacts.repo.ts';
import { contactFields } from '../contacts/contacts.service.ts';
import { contactViews } from '../contacts/contacts.write.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { type DealRow, dealSelect } from '../deals/deals.repo.ts';
import { dealFields } from '../deals/deals.service.ts';
import { dealViews } from '../deals/deals.write.ts';
import { taskView } from '../tasks/tasks.presenter.ts';
import { type TaskRow, taskSelect } from '../tasks/tasks.repo.ts';
import { getView } from '../views/views.service.ts';
import { columnsOf, type ExportColumn, type ExportObject, emptyRefs } from './exports.columns.ts';
import { cellText } from './exports.csv.ts';
import { namesOf, recordDataTransfer } from './exports.repo.ts';

/** Rows read per page: large enough that a million rows take few round trips, small enough to keep memory flat. */
export const EXPORT_PAGE_SIZE = 1000;

/** What a list export asks for: a saved view, and/or filters, sort and columns that override it. */
export type ListExportRequest = { viewId?: string; filterGroups?: FilterGroups; sort?: Sort; columns?: string[] };

/** A prepared export: its file name, and its CSV rows (header first), read a page at a time as they are consumed. */
export type ListExport = { fileName: string; rows: AsyncGenerator<string[]> };

/** How to read one object's records a page at a time and turn them into API views. */
type Source = {
  type: RecordTypeDef;
  fields: (ctx: Ctx) => Promise<FieldDef[]>;
  select: string;
  views: (ctx: Ctx, rows: never[]) => Promise<unknown[]>;
};

const sources: Record<ExportObject, Source> = {
  contact: { type: contactType, fields: contactFields, select: contactSelect, views: (ctx, rows: ContactRow[]) => contactViews(ctx, rows) },
  company: {
    type: companyType,
    fields: companyFields,
    select: companySelect,
    views: async (_ctx, rows: CompanyRow[]) => rows.map(companyView),
  },
  deal: { type: dealType, fields: dealFields, select: dealSelect, views: (ctx, rows: DealRow[]) => dealViews(ctx, rows) },
  activity: {
    type: activityType,
    fields: async () => activityType.fields,
    select: activitySelect,
    views: async (ctx, rows: ActivityRow[]) => {
      const links = await linksOf(
        ctx.tx,
        ctx.workspaceId,
        rows.map((r) => r.id),
      );
      return rows.map((r) => activityView(r, links.get(r.id) ?? []));
    },
  },
  task: {
    type: taskType,
    fields: async () => taskType.fields,
    select: taskSelect,
    views: async (_ctx, rows: TaskRow[]) => rows.map(taskView),
  },
};

/** The plural used in file names and routes. */
export const objectPlural: Record<ExportObject, string> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  activity: 'activities',
  task: 'tasks',
};

type Plan = { columns: ExportColumn<unknown>[]; fields: FieldDef[]; filterGroups: FilterGroups; sort: Sort; name: string };

/** Resolves the view, the columns and the fields of an export; names every unknown column in one 400. */
async function planExport(ctx: Ctx, object: ExportObject, req: ListExportRequest): Promise<Plan> {
  authorize(ctx, 'records.read');
  const view = req.viewId ? await getView(ctx, req.viewId) : undefined;
  if (view && view.object_type !== object) {
    throw new AppError('validation_failed', `That view lists ${objectPlural[view.object_type]}, not ${objectPlural[object]}`, [
      { field: 'query.view', message: `A view of ${objectPlural[view.object_type]}` },
    ]);
  }
  const defs = object === 'activity' || object === 'task' ? [] : await listCustomFieldRows(ctx.tx, ctx.workspaceId, object);
  const all = columnsOf(object, defs) as ExportColumn<unknown>[];
  const wanted = req.columns ?? (view && view.columns.length > 0 ? view.columns : all.map((c) => c.key));
  const errors = wanted.flatMap((key, i) =>
    all.some((c) => c.key === key) ? [] : [{ field: `body.columns[${i}]`, message: `Unknown column ${key}` }],
  );
  if (errors.length > 0) throw new AppError('validation_failed', 'Some columns cannot be exported', errors);
  return {
    columns: wanted.map((key) => all.find((c) => c.key === key) as ExportColumn<unknown>),
    fields: await sources[object].fields(ctx),
    filterGroups: req.filterGroups ?? (view?.filter_groups as FilterGroups | undefined) ?? [],
    sort: req.sort ?? (view?.sort as Sort | undefined) ?? [],
    name: view?.name ?? objectPlural[object],
  };
}

type Page = { rows: string[][]; nextCursor: string | null };

/** One page of the export as CSV rows, and the cursor of the next. */
async function readPage(ctx: Ctx, object: ExportObject, plan: Plan, cursor: string | undefined): Promise<Page> {
  const source = sources[object];
  const page = await listRecords<never>(ctx.tx, {
    type: source.type,
    fields: plan.fields,
    workspaceId: ctx.workspaceId,
    filterGroups: plan.filterGroups,
    sort: plan.sort,
    limit: EXPORT_PAGE_SIZE,
    cursor,
    select: source.select,
    withTotal: false,
  });
  const views = await source.views(ctx, page.rows);
  const refs = emptyRefs();
  for (const view of views) for (const column of plan.columns) column.refs?.(view, refs);
  const names = await namesOf(ctx.tx, ctx.workspaceId, refs);
  const rows = views.map((view) => plan.columns.flatMap((column) => column.cells(view, names).map(cellText)));
  return { rows, nextCursor: page.nextCursor };
}

/** A file name from a view's or object's name: letters, digits and dashes, dated, ending in .csv. */
export function exportFileName(name: string, now = new Date()): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase();
  return `${base || 'export'}-${now.toISOString().slice(0, 10)}.csv`;
}

/**
 * Starts a list export: checks the request and reads the first page in one transaction (so a
 * bad filter or column is a 400 before any byte is sent), records who exported what, then
 * yields CSV rows a page at a time, each page in its own short transaction through the keyset
 * list engine. Memory holds one page whatever the number of rows, and on the embedded database
 * other requests run between pages.
 */
export async function startListExport(
  db: Database,
  scope: Omit<Ctx, 'tx'>,
  object: ExportObject,
  req: ListExportRequest,
): Promise<ListExport> {
  const { plan, first } = await db.transaction(async (tx) => {
    const ctx = { ...scope, tx };
    const plan = await planExport(ctx, object, req);
    const first = await readPage(ctx, object, plan, undefined);
    await recordDataTransfer(ctx, {
      recordType: object,
      action: 'export',
      details: {
        format: 'csv',
        view: req.viewId ?? null,
        filterGroups: plan.filterGroups,
        sort: plan.sort,
        columns: plan.columns.map((c) => c.key),
      },
    });
    return { plan, first };
  });

  const next = (cursor: string) => db.transaction((tx) => readPage({ ...scope, tx }, object, plan, cursor));
  return { fileName: exportFileName(plan.name), rows: csvRows(plan, first, next) };
}

/** The header row, then every page's rows, fetching the next page only once the last is consumed. */
async function* csvRows(plan: Plan, first: Page, next: (cursor: string) => Promise<Page>): AsyncGenerator<string[]> {
  yield plan.columns.flatMap((c) => c.headers);
  let page = first;
  for (;;) {
    yield* page.rows;
    if (!page.nextCursor) return;
    page = await next(page.nextCursor);
  }
}

/** Every live record of an object as CSV rows (header first, every column), read a page at a time in `ctx`'s transaction. */
export async function allRecordsCsv(ctx: Ctx, object: ExportObject): Promise<AsyncGenerator<string[]>> {
  const plan = await planExport(ctx, object, {});
  const first = await readPage(ctx, object, plan, undefined);
  return csvRows(plan, first, (cursor) => readPage(ctx, object, plan, cursor));
}
