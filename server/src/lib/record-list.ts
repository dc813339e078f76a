import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { AppError } from './errors.ts';
import { compileFilters, type FieldDef, type FieldKind, type FilterGroups, type RecordTypeDef } from './filters.ts';
import { SqlParams } from './sql-params.ts';

/** A sort order: one field (any standard or custom field) and a direction; ties break on id. */
export const sortSchema = z
  .array(z.object({ field: z.string().min(1).max(100), direction: z.enum(['asc', 'desc']).default('asc') }).strict())
  .max(1);
export type Sort = z.infer<typeof sortSchema>;

/** `?sort=field` or `?sort=-field` (descending), as list endpoints accept it. */
export function parseSortParam(sort: string | undefined): Sort {
  if (!sort) return [];
  return sort.startsWith('-') ? [{ field: sort.slice(1), direction: 'desc' }] : [{ field: sort, direction: 'asc' }];
}

const casts: Partial<Record<FieldKind, string>> = {
  number: '::numeric',
  date: '::date',
  datetime: '::timestamptz',
  boolean: '::boolean',
  id: '::uuid',
};

/**
 * How many matches record lists count exactly; past this the total is an estimate. Counting
 * reads every match up to the limit, so its cost grows with it: at a million contacts a page of
 * 50 costs milliseconds, counting 1,000 of its matches several times that, counting 55,000
 * hundreds. A thousand keeps every count a person checks by eye exact (a small team's whole
 * list, a filtered segment), where the planner's estimate for a freshly written table can be
 * far off.
 */
export const EXACT_TOTAL_UP_TO = 1000;

/** What one list or search call asks for. */
export type ListRequest = {
  type: RecordTypeDef;
  fields: FieldDef[];
  workspaceId: string;
  filterGroups: FilterGroups;
  sort: Sort;
  limit: number;
  cursor?: string;
  /** The columns to return, over the type's alias. */
  select: string;
  /** Extra condition with its own parameters already bound in `params`. */
  where?: (params: SqlParams) => string;
  withTotal: boolean;
  /**
   * Count matches exactly only up to this many; beyond it `total` is the planner's estimate and
   * `totalIsExact` is false. Counting every one of 55,000 matches costs more than the page itself.
   */
  exactTotalUpTo?: number;
};

/** A page of a list: rows, the cursor of the next page, and the total when asked for. */
export type ListPage<T> = { rows: T[]; nextCursor: string | null; total?: number; totalIsExact?: boolean };

/** How the page is ordered: the sort expression (over the record, or over a typed custom value) and its kind. */
type SortPlan = { expr: string; kind: FieldKind; typed?: NonNullable<FieldDef['typed']> };

function sortPlanOf(req: ListRequest): SortPlan {
  const a = req.type.alias;
  const sortSpec = req.sort[0];
  if (!sortSpec || sortSpec.field === 'id') return { expr: `${a}.id`, kind: 'id' };
  const def = req.fields.find((f) => f.key === sortSpec.field);
  if (!def || def.sortable === false) {
    throw new AppError('validation_failed', `Cannot sort by ${sortSpec.field}`, [
      { field: 'sort', message: `Unknown or unsortable field ${sortSpec.field}` },
    ]);
  }
  const lowered = def.kind === 'text' || def.kind === 'enum';
  if (def.typed) {
    const col = `sv.${def.typed.column}`;
    return { expr: lowered ? `lower(${col})` : col, kind: def.kind, typed: def.typed };
  }
  const expr = lowered ? `lower(${def.sql})` : def.kind === 'tags' ? `array_to_string(${def.sql}, ',')` : def.sql;
  return { expr, kind: def.kind };
}

/**
 * Runs a keyset-paginated list: filters, one sort field with id as tie-breaker (nulls last),
 * `limit` rows after the cursor, and the total matching count. Deep pages cost the same as the first.
 */
export async function listRecords<T>(tx: Queryable, req: ListRequest): Promise<ListPage<T>> {
  const a = req.type.alias;
  const params = new SqlParams([req.workspaceId]);
  const conditions = [`${a}.workspace_id = $1`, req.type.visible(a), compileFilters(req.type, req.fields, req.filterGroups, params)];
  if (req.where) conditions.push(req.where(params));
  const countParams = [...params.values];
  const countWhere = conditions.join(' AND ');

  const plan = sortPlanOf(req);
  const desc = (req.sort[0]?.direction ?? (req.sort[0] ? 'asc' : 'desc')) === 'desc';
  const page = plan.expr === `${a}.id` ? idSortQuery(req, conditions, params, desc) : valueSortQuery(req, plan, conditions, params, desc);
  // The count travels with the page, as a sub-query run once beside it: one round trip and one
  // planning pass instead of two. Its parameters are the first ones of the page's.
  const from = `FROM ${req.type.table} ${a} WHERE ${countWhere}`;
  const sql = req.withTotal ? `SELECT p.*, (${countQuery(from, req.exactTotalUpTo)}) AS "__total" FROM (${page}) p` : page;
  const res = await tx.query<T & { __sort: unknown; __total?: number; id: string }>(sql, params.values);
  const hasMore = res.rows.length > req.limit;
  const counted = res.rows[0]?.__total;
  // A first page that holds every match has counted them already; an empty page past the first
  // (its records deleted since) has no row to carry the count, so it is counted on its own.
  const count = !req.withTotal
    ? undefined
    : !req.cursor && !hasMore
      ? { total: res.rows.length, exact: true }
      : await totalOf(tx, from, countParams, req.exactTotalUpTo, counted ?? (await countOnly(tx, from, countParams, req.exactTotalUpTo)));
  const rows = hasMore ? res.rows.slice(0, req.limit) : res.rows;
  const last = rows.at(-1);
  let nextCursor: string | null = null;
  if (hasMore && last) {
    const sv = last.__sort instanceof Date ? last.__sort.toISOString() : last.__sort;
    nextCursor = plan.expr === `${a}.id` ? encodeCursor([last.id]) : encodeCursor([sv ?? null, last.id]);
  }
  for (const r of rows) {
    delete (r as { __sort?: unknown }).__sort;
    delete (r as { __total?: unknown }).__total;
  }
  return { rows, nextCursor, ...(count ? { total: count.total, totalIsExact: count.exact } : {}) };
}

/** The page query when the sort is the id alone. */
function idSortQuery(req: ListRequest, conditions: string[], params: SqlParams, desc: boolean): string {
  const a = req.type.alias;
  const where = [...conditions];
  if (req.cursor) {
    const [id] = decodeCursor(req.cursor, 1);
    where.push(`${a}.id ${desc ? '<' : '>'} ${params.add(id)}::uuid`);
  }
  return `SELECT ${req.select}, ${a}.id AS "__sort" FROM ${req.type.table} ${a}
    WHERE ${where.join(' AND ')} ORDER BY ${a}.id ${desc ? 'DESC' : 'ASC'} LIMIT ${params.add(req.limit + 1)}`;
}

/**
 * The page query when the sort is a field: records with a value, in the value's order, then
 * those without one by id (nulls last, in either direction). Two parts because an index on the
 * value gives `DESC NULLS FIRST` when read backwards: with the nulls apart, a descending page
 * reads the index backwards like an ascending one reads it forwards, about as many rows as it
 * shows, and the second part runs only when the first runs out. A custom field kept in
 * `custom_field_values` is read in that table's index order, joined to its records.
 */
function valueSortQuery(req: ListRequest, plan: SortPlan, conditions: string[], params: SqlParams, desc: boolean): string {
  const a = req.type.alias;
  const cmp = desc ? '<' : '>';
  const dir = desc ? 'DESC' : 'ASC';
  const limitP = params.add(req.limit + 1);
  const [value, id] = req.cursor ? decodeCursor(req.cursor, 2) : [undefined, undefined];
  const idP = id === undefined ? undefined : `${params.add(id)}::uuid`;
  const withValue = [...conditions];
  const withoutValue = [...conditions];
  let from = `${req.type.table} ${a}`;
  let tieBreak = `${a}.id`;
  if (plan.typed) {
    const fieldP = `${params.add(plan.typed.fieldId)}::uuid`;
    from = `custom_field_values sv JOIN ${req.type.table} ${a} ON ${a}.workspace_id = sv.workspace_id AND ${a}.id = sv.record_id`;
    tieBreak = 'sv.record_id';
    withValue.unshift('sv.workspace_id = $1', `sv.field_id = ${fieldP}`, `sv.${plan.typed.column} IS NOT NULL`);
    withoutValue.push(
      `NOT EXISTS (SELECT 1 FROM custom_field_values sv WHERE sv.workspace_id = ${a}.workspace_id AND sv.field_id = ${fieldP} AND sv.record_id = ${a}.id AND sv.${plan.typed.column} IS NOT NULL)`,
    );
  } else {
    withValue.push(`${plan.expr} IS NOT NULL`);
    withoutValue.push(`${plan.expr} IS NULL`);
  }
  if (idP && value === null) withoutValue.push(`${a}.id ${cmp} ${idP}`);
  const missing = `SELECT ${req.select}, NULL AS "__sort" FROM ${req.type.table} ${a}
    WHERE ${withoutValue.join(' AND ')} ORDER BY ${a}.id ${dir} LIMIT ${limitP}`;
  if (idP && value === null) return missing;
  if (idP) withValue.push(`(${plan.expr}, ${tieBreak}) ${cmp} (${params.add(value)}${casts[plan.kind] ?? '::text'}, ${idP})`);
  const present = `SELECT ${req.select}, ${plan.expr} AS "__sort" FROM ${from}
    WHERE ${withValue.join(' AND ')} ORDER BY ${plan.expr} ${dir}, ${tieBreak} ${dir} LIMIT ${limitP}`;
  return `(${present}) UNION ALL (${missing}) LIMIT ${limitP}`;
}

/** A statement counting the rows of `from` (a FROM … WHERE clause): all of them, or up to `exactUpTo` + 1. */
function countQuery(from: string, exactUpTo?: number): string {
  return exactUpTo === undefined ? `SELECT count(*) ${from}` : `SELECT count(*) FROM (SELECT 1 ${from} LIMIT ${exactUpTo + 1}) m`;
}

/** Counts the rows of `from` on its own (see countQuery). */
async function countOnly(tx: Queryable, from: string, params: unknown[], exactUpTo?: number): Promise<number> {
  const res = await tx.query<{ n: number }>(`SELECT (${countQuery(from, exactUpTo)}) AS n`, params);
  return res.rows[0]?.n ?? 0;
}

/**
 * The total of a list from its count: exact when the count is not capped or stayed within
 * `exactUpTo`, else the planner's estimate of the rows of `from` (never less than what was counted).
 */
async function totalOf(
  tx: Queryable,
  from: string,
  params: unknown[],
  exactUpTo: number | undefined,
  counted: number,
): Promise<{ total: number; exact: boolean }> {
  if (exactUpTo === undefined || counted <= exactUpTo) return { total: counted, exact: true };
  const plan = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, params);
  const doc = plan.rows[0]?.['QUERY PLAN'];
  const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as { Plan: { 'Plan Rows': number } }[];
  return { total: Math.max(counted, Math.round(parsed[0]?.Plan['Plan Rows'] ?? 0)), exact: false };
}
