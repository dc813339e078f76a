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
};

/**
 * Runs a keyset-paginated list: filters, one sort field with id as tie-breaker (nulls last),
 * `limit` rows after the cursor, and the total matching count. Deep pages cost the same as the first.
 */
export async function listRecords<T>(tx: Queryable, req: ListRequest): Promise<{ rows: T[]; nextCursor: string | null; total?: number }> {
  const a = req.type.alias;
  const params = new SqlParams([req.workspaceId]);
  const conditions = [`${a}.workspace_id = $1`, req.type.visible(a), compileFilters(req.type, req.fields, req.filterGroups, params)];
  if (req.where) conditions.push(req.where(params));
  const countParams = [...params.values];
  const countWhere = conditions.join(' AND ');

  const sortSpec = req.sort[0];
  let sortExpr = `${a}.id`;
  let kind: FieldKind = 'id';
  if (sortSpec && sortSpec.field !== 'id') {
    const def = req.fields.find((f) => f.key === sortSpec.field);
    if (!def || def.sortable === false) {
      throw new AppError('validation_failed', `Cannot sort by ${sortSpec.field}`, [
        { field: 'sort', message: `Unknown or unsortable field ${sortSpec.field}` },
      ]);
    }
    kind = def.kind;
    sortExpr =
      def.kind === 'text' || def.kind === 'enum' ? `lower(${def.sql})` : def.kind === 'tags' ? `array_to_string(${def.sql}, ',')` : def.sql;
  }
  const desc = (sortSpec?.direction ?? (sortSpec ? 'asc' : 'desc')) === 'desc';
  const cmp = desc ? '<' : '>';
  if (req.cursor) {
    if (sortExpr === `${a}.id`) {
      const [id] = decodeCursor(req.cursor, 1);
      conditions.push(`${a}.id ${cmp} ${params.add(id)}::uuid`);
    } else {
      const [value, id] = decodeCursor(req.cursor, 2);
      const idP = `${params.add(id)}::uuid`;
      if (value === null) conditions.push(`(${sortExpr} IS NULL AND ${a}.id ${cmp} ${idP})`);
      else {
        const v = `${params.add(value)}${casts[kind] ?? '::text'}`;
        conditions.push(`(${sortExpr} ${cmp} ${v} OR (${sortExpr} = ${v} AND ${a}.id ${cmp} ${idP}) OR ${sortExpr} IS NULL)`);
      }
    }
  }
  const dir = desc ? 'DESC' : 'ASC';
  const order = sortExpr === `${a}.id` ? `${a}.id ${dir}` : `${sortExpr} ${dir} NULLS LAST, ${a}.id ${dir}`;
  const sql = `SELECT ${req.select}, ${sortExpr} AS "__sort" FROM ${req.type.table} ${a}
    WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT ${params.add(req.limit + 1)}`;
  // One after the other: a transaction's connection runs one statement at a time anyway.
  const res = await tx.query<T & { __sort: unknown; id: string }>(sql, params.values);
  const count = req.withTotal
    ? await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${req.type.table} ${a} WHERE ${countWhere}`, countParams)
    : undefined;
  const hasMore = res.rows.length > req.limit;
  const rows = hasMore ? res.rows.slice(0, req.limit) : res.rows;
  const last = rows.at(-1);
  let nextCursor: string | null = null;
  if (hasMore && last) {
    const sv = last.__sort instanceof Date ? last.__sort.toISOString() : last.__sort;
    nextCursor = sortExpr === `${a}.id` ? encodeCursor([last.id]) : encodeCursor([sv ?? null, last.id]);
  }
  for (const r of rows) delete (r as { __sort?: unknown }).__sort;
  return { rows, nextCursor, ...(count ? { total: count.rows[0]?.n ?? 0 } : {}) };
}
