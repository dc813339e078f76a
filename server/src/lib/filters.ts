import { z } from 'zod';
import { AppError, type FieldError } from './errors.ts';
import { uuid } from './ids.ts';
import { escapeLike, type SqlParams } from './sql-params.ts';

/** The operators of the filter language, as HubSpot and Pipedrive users know them. */
export const operators = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'between',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'is_empty',
  'is_not_empty',
] as const;
export type Operator = (typeof operators)[number];

/** How a field's values compare: decides which operators apply and how values are checked. */
export type FieldKind = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'enum' | 'id' | 'tags';

/** A filterable, sortable field of a record type: its API name, kind and SQL expression. */
export type FieldDef = {
  key: string;
  kind: FieldKind;
  /** SQL over the record's alias, e.g. `c.first_name`. */
  sql: string;
  /** Allowed values, for enum fields. */
  options?: readonly string[];
  sortable?: boolean;
  /**
   * Set for custom fields whose values are also kept typed in `custom_field_values`: the field's
   * id and the column holding its value there. Filters and sorts then read that table, which has
   * statistics and indexes, instead of the jsonb expression in `sql`.
   */
  typed?: { fieldId: string; column: TypedValueColumn };
};

/** The typed columns of `custom_field_values`. */
export type TypedValueColumn = 'text_value' | 'number_value' | 'date_value' | 'time_value' | 'bool_value';

/** A link to another record type that filters can reach through (e.g. a contact's deals). */
export type AssociationDef = {
  key: string;
  target: RecordTypeDef;
  /** SQL joining the target (its alias) to the source (its alias), used inside EXISTS. */
  join: (sourceAlias: string, targetAlias: string) => string;
};

/** A record type as the query engine sees it. */
export type RecordTypeDef = {
  name: string;
  table: string;
  alias: string;
  /** Conditions every visible row meets (e.g. not deleted). */
  visible: (alias: string) => string;
  fields: FieldDef[];
  associations: () => AssociationDef[];
};

/** One condition on a field. */
export type FieldFilter = { field: string; operator: Operator; value?: unknown; values?: unknown[] };
/** A condition on associated records: some associated record matches all `filters`. */
export type AssociationFilter = { association: string; filters: Filter[] };
export type Filter = FieldFilter | AssociationFilter;
/** OR of groups, each an AND of filters. */
export type FilterGroups = { filters: Filter[] }[];

const fieldFilterSchema = z
  .object({
    field: z.string().min(1).max(100),
    operator: z.enum(operators),
    value: z.unknown().optional(),
    values: z.array(z.unknown()).max(1000).optional(),
  })
  .strict();

/** A filter as the API accepts it (validated structurally here, against the fields when compiled). */
export const filterSchema: z.ZodType<Filter> = z
  .lazy(
    () =>
      z.union([
        fieldFilterSchema,
        z.object({ association: z.string().min(1).max(50), filters: z.array(filterSchema).min(1).max(50) }).strict(),
      ]),
    // Named, so the OpenAPI document refers to one `Filter` component instead of a dangling `$ref`.
  )
  .meta({ id: 'Filter' }) as z.ZodType<Filter>;

/** `filterGroups` as the API accepts it: up to 25 OR-ed groups of up to 50 AND-ed filters. */
export const filterGroupsSchema = z.array(z.object({ filters: z.array(filterSchema).min(1).max(50) }).strict()).max(25);

const comparable = new Set<FieldKind>(['number', 'date', 'datetime', 'text', 'id']);

class FilterErrors {
  readonly errors: FieldError[] = [];
  add(field: string, message: string) {
    this.errors.push({ field, message });
  }
}

function checkValue(def: FieldDef, value: unknown, where: string, errs: FilterErrors): unknown {
  switch (def.kind) {
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'date':
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
      break;
    case 'datetime':
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
      break;
    case 'id':
      if (typeof value === 'string' && uuid().safeParse(value).success) return value;
      break;
    case 'enum':
      if (typeof value === 'string' && def.options?.includes(value)) return value;
      errs.add(where, `Must be one of: ${(def.options ?? []).join(', ')}`);
      return undefined;
    case 'text':
    case 'tags':
      if (typeof value === 'string' && value.length <= 1000) return value;
      break;
  }
  errs.add(where, `Expected a ${def.kind === 'id' ? 'record id' : def.kind} value`);
  return undefined;
}

/** SQL cast making a bound parameter compare like the field. */
function cast(kind: FieldKind): string {
  switch (kind) {
    case 'number':
      return '::numeric';
    case 'date':
      return '::date';
    case 'datetime':
      return '::timestamptz';
    case 'boolean':
      return '::boolean';
    case 'id':
      return '::uuid';
    default:
      return '::text';
  }
}

function compileField(def: FieldDef, f: FieldFilter, where: string, params: SqlParams, errs: FilterErrors): string {
  const col = def.sql;
  const op = f.operator;
  const one = () => {
    if (f.value === undefined) {
      errs.add(`${where}.value`, `The ${op} operator needs a value`);
      return 'NULL';
    }
    const v = checkValue(def, f.value, `${where}.value`, errs);
    return `${params.add(v)}${cast(def.kind)}`;
  };
  const many = (min: number, max = 1000) => {
    const vals = f.values;
    if (!Array.isArray(vals) || vals.length < min || vals.length > max) {
      errs.add(
        `${where}.values`,
        min === max ? `The ${op} operator needs exactly ${min} values` : `The ${op} operator needs a list of values`,
      );
      return [] as string[];
    }
    return vals.map((v, i) => `${params.add(checkValue(def, v, `${where}.values[${i}]`, errs))}${cast(def.kind)}`);
  };
  if (def.kind === 'tags') {
    switch (op) {
      case 'contains':
      case 'eq':
        return `${col} @> ARRAY[${one()}]`;
      case 'neq':
        return `NOT (${col} @> ARRAY[${one()}])`;
      case 'in':
        return `${col} && ARRAY[${many(1).join(', ') || 'NULL'}]::text[]`;
      case 'not_in':
        return `NOT (${col} && ARRAY[${many(1).join(', ') || 'NULL'}]::text[])`;
      case 'is_empty':
        return `coalesce(cardinality(${col}), 0) = 0`;
      case 'is_not_empty':
        return `cardinality(${col}) > 0`;
      default:
        errs.add(`${where}.operator`, `${op} does not apply to the list field ${def.key}`);
        return 'false';
    }
  }
  switch (op) {
    case 'eq':
      return def.kind === 'text' ? `lower(${col}) = lower(${one()})` : `${col} = ${one()}`;
    case 'neq':
      return def.kind === 'text' ? `lower(${col}) IS DISTINCT FROM lower(${one()})` : `${col} IS DISTINCT FROM ${one()}`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (!comparable.has(def.kind)) {
        errs.add(`${where}.operator`, `${op} does not apply to ${def.kind} field ${def.key}`);
        return 'false';
      }
      const sym = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[op];
      return `${col} ${sym} ${one()}`;
    }
    case 'between': {
      if (!comparable.has(def.kind)) {
        errs.add(`${where}.operator`, `between does not apply to ${def.kind} field ${def.key}`);
        return 'false';
      }
      const [a, b] = many(2, 2);
      return a && b ? `${col} BETWEEN ${a} AND ${b}` : 'false';
    }
    case 'in':
    case 'not_in': {
      const list = many(1);
      if (list.length === 0) return 'false';
      const lhs = def.kind === 'text' ? `lower(${col})` : col;
      const rhs = def.kind === 'text' ? list.map((p) => `lower(${p})`) : list;
      return op === 'in' ? `${lhs} IN (${rhs.join(', ')})` : `(${col} IS NULL OR ${lhs} NOT IN (${rhs.join(', ')}))`;
    }
    case 'contains':
    case 'starts_with': {
      if (def.kind !== 'text') {
        errs.add(`${where}.operator`, `${op} applies to text fields only, not ${def.key}`);
        return 'false';
      }
      if (typeof f.value !== 'string' || f.value.length === 0) {
        errs.add(`${where}.value`, `The ${op} operator needs some text`);
        return 'false';
      }
      const pattern = op === 'contains' ? `%${escapeLike(f.value)}%` : `${escapeLike(f.value)}%`;
      return `${col} ILIKE ${params.add(pattern)}`;
    }
    case 'is_empty':
      return def.kind === 'text' ? `coalesce(${col}, '') = ''` : `${col} IS NULL`;
    case 'is_not_empty':
      return def.kind === 'text' ? `coalesce(${col}, '') <> ''` : `${col} IS NOT NULL`;
  }
}

let aliasCounter = 0;

/** Operators true for a record without a value (as for NULL in a column): `neq`, `not_in`, `is_empty`. */
const acceptsMissing = new Set<Operator>(['neq', 'not_in', 'is_empty']);

/**
 * A condition on a custom field kept in `custom_field_values`, as a sub-query the planner can
 * estimate and drive by index. A record without a row has no value, so operators that accept a
 * missing value become "no row fails the condition", the others "a row meets it".
 */
function compileTypedField(
  def: FieldDef,
  typed: NonNullable<FieldDef['typed']>,
  f: FieldFilter,
  where: string,
  recordAlias: string,
  params: SqlParams,
  errs: FilterErrors,
): string {
  aliasCounter = (aliasCounter + 1) % 1_000_000;
  const va = `cfv${aliasCounter}`;
  const condition = compileField({ ...def, sql: `${va}.${typed.column}` }, f, where, params, errs);
  const rows = `SELECT 1 FROM custom_field_values ${va} WHERE ${va}.workspace_id = ${recordAlias}.workspace_id AND ${va}.field_id = ${params.add(typed.fieldId)}::uuid AND ${va}.record_id = ${recordAlias}.id`;
  return acceptsMissing.has(f.operator) ? `NOT EXISTS (${rows} AND NOT (${condition}))` : `EXISTS (${rows} AND ${condition})`;
}

function compileFilter(
  type: RecordTypeDef,
  alias: string,
  fields: Map<string, FieldDef>,
  f: Filter,
  where: string,
  params: SqlParams,
  errs: FilterErrors,
  depth: number,
): string {
  if ('association' in f) {
    const assoc = type.associations().find((a) => a.key === f.association);
    if (!assoc) {
      errs.add(
        `${where}.association`,
        `Unknown association; use one of: ${type
          .associations()
          .map((a) => a.key)
          .join(', ')}`,
      );
      return 'false';
    }
    if (depth >= 2) {
      errs.add(`${where}.association`, 'Association filters nest at most two levels deep');
      return 'false';
    }
    aliasCounter = (aliasCounter + 1) % 1_000_000;
    const ta = `${assoc.target.alias}${depth + 1}_${aliasCounter}`;
    const targetFields = new Map(
      assoc.target.fields.map((d) => [d.key, { ...d, sql: d.sql.replaceAll(`${assoc.target.alias}.`, `${ta}.`) }]),
    );
    const inner = f.filters.map((g, i) =>
      compileFilter(assoc.target, ta, targetFields, g, `${where}.filters[${i}]`, params, errs, depth + 1),
    );
    return `EXISTS (SELECT 1 FROM ${assoc.target.table} ${ta} WHERE ${assoc.join(alias, ta)} AND ${assoc.target.visible(ta)} AND ${inner.join(' AND ')})`;
  }
  const def = fields.get(f.field);
  if (!def) {
    errs.add(`${where}.field`, `Unknown field ${f.field}`);
    return 'false';
  }
  if (def.typed) return compileTypedField(def, def.typed, f, where, alias, params, errs);
  return compileField(def, f, where, params, errs);
}

/**
 * Compiles filter groups (OR of ANDs) to a SQL condition over `type.alias`, binding every value.
 * Unknown fields, wrong operators and ill-typed values are a 400 naming each offending part.
 * @example compileFilters(contactType, fields, [{ filters: [{ field: 'lifecycleStage', operator: 'eq', value: 'lead' }] }], params)
 */
export function compileFilters(
  type: RecordTypeDef,
  fields: FieldDef[],
  groups: FilterGroups,
  params: SqlParams,
  path = 'filterGroups',
): string {
  if (groups.length === 0) return 'true';
  const byKey = new Map(fields.map((d) => [d.key, d]));
  const errs = new FilterErrors();
  const sql = groups
    .map(
      (g, gi) =>
        `(${g.filters.map((f, fi) => compileFilter(type, type.alias, byKey, f, `${path}[${gi}].filters[${fi}]`, params, errs, 0)).join(' AND ')})`,
    )
    .join(' OR ');
  if (errs.errors.length > 0) throw new AppError('validation_failed', 'The filter is not valid', errs.errors);
  return `(${sql})`;
}
