import { useId } from 'react';
import type { components } from '../api/schema';
import { Button } from './Button';

/** How a field's values are entered and compared; decides its operators and value inputs. */
export type FilterKind = 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'select' | 'multi';

/**
 * A field a person can filter on: its API name (`custom.<key>` for custom fields), label and kind.
 * `scale` is for numbers people type in other units than the API stores: an amount typed as 12.5
 * with scale 100 is sent as 1250 (minor units).
 */
export type FilterField = {
  key: string;
  label: string;
  kind: FilterKind;
  options?: readonly { value: string; label: string }[];
  scale?: number;
};

/** The operators of the API's filter language. */
export type Operator = Extract<components['schemas']['FilterInput'], { operator: unknown }>['operator'];

/** One filter as it is being edited: values stay text until the filter is sent. */
export type FilterRow = { field: string; operator: Operator; value: string; values: string[] };

/** A group of filters that must all match; groups are alternatives (OR). */
export type FilterGroupDraft = { filters: FilterRow[] };

/** `filterGroups` as the API's search and saved views take it. */
export type FilterGroups = { filters: components['schemas']['FilterInput'][] }[];

/** Each operator as people read it. */
export const operatorLabels: Record<Operator, string> = {
  eq: 'is',
  neq: 'is not',
  lt: 'is less than',
  lte: 'is at most',
  gt: 'is greater than',
  gte: 'is at least',
  between: 'is between',
  in: 'is any of',
  not_in: 'is none of',
  contains: 'contains',
  starts_with: 'starts with',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
};

const comparisons: Operator[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'is_empty', 'is_not_empty'];

/** The operators that apply to a kind of field, in the order the picker lists them. */
export function operatorsFor(kind: FilterKind): Operator[] {
  switch (kind) {
    case 'text':
      return ['contains', 'eq', 'neq', 'starts_with', 'in', 'not_in', 'is_empty', 'is_not_empty'];
    case 'number':
      return [...comparisons.slice(0, 7), 'in', 'not_in', 'is_empty', 'is_not_empty'];
    case 'date':
    case 'datetime':
      return comparisons;
    case 'boolean':
      return ['eq', 'neq', 'is_empty', 'is_not_empty'];
    case 'select':
      return ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'];
    case 'multi':
      return ['contains', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'];
  }
}

type Arity = 'none' | 'one' | 'two' | 'many';

/** How many values an operator takes. */
export function arityOf(operator: Operator): Arity {
  if (operator === 'is_empty' || operator === 'is_not_empty') return 'none';
  if (operator === 'between') return 'two';
  if (operator === 'in' || operator === 'not_in') return 'many';
  return 'one';
}

/** A new filter on `field` with its first operator and no value yet. */
export function newFilter(field: FilterField): FilterRow {
  const operator = operatorsFor(field.kind)[0] ?? 'eq';
  return { field: field.key, operator, value: field.kind === 'boolean' ? 'true' : '', values: [] };
}

function typed(field: FilterField | undefined, text: string): unknown {
  const kind = field?.kind;
  // Only text can be empty on purpose; elsewhere an empty input is a value not given yet.
  if (kind !== 'text' && text.trim() === '') return undefined;
  if (kind === 'number') return field?.scale ? Math.round(Number(text) * field.scale) : Number(text);
  if (kind === 'boolean') return text === 'true';
  return text;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The request body's `filterGroups` for the edited groups: values typed by their field's kind,
 * only the value(s) each operator takes. Incomplete filters are sent as they are, so the API's
 * 400 names what is missing next to the right filter.
 * @example toFilterGroups([{ filters: [{ field: 'lifecycleStage', operator: 'eq', value: 'lead', values: [] }] }], fields)
 */
export function toFilterGroups(groups: FilterGroupDraft[], fields: readonly FilterField[]): FilterGroups {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return groups
    .filter((g) => g.filters.length > 0)
    .map((g) => ({
      filters: g.filters.map((f) => {
        const field = byKey.get(f.field);
        switch (arityOf(f.operator)) {
          case 'none':
            return { field: f.field, operator: f.operator };
          case 'one': {
            const value = typed(field, f.value);
            return value === undefined ? { field: f.field, operator: f.operator } : { field: f.field, operator: f.operator, value };
          }
          case 'two':
            return { field: f.field, operator: f.operator, values: f.values.slice(0, 2).map((v) => typed(field, v)) };
          default:
            return { field: f.field, operator: f.operator, values: f.values.map((v) => typed(field, v)) };
        }
      }),
    }));
}

function asText(value: unknown, scale = 1): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  if (typeof value === 'number' && scale !== 1) return String(value / scale);
  return String(value);
}

/**
 * Editable groups from stored `filterGroups` (a saved view's or the address's); association
 * filters are left out. `fields` gives the scale of numbers typed in other units.
 */
export function fromFilterGroups(
  groups: readonly { filters: readonly unknown[] }[],
  fields: readonly FilterField[] = [],
): FilterGroupDraft[] {
  const scales = new Map(fields.map((f) => [f.key, f.scale ?? 1]));
  return groups
    .map((g) => ({
      filters: g.filters.flatMap((f) => {
        const filter = f as { field?: string; operator?: Operator; value?: unknown; values?: unknown[] };
        if (!filter.field || !filter.operator) return [];
        const scale = scales.get(filter.field) ?? 1;
        const values = (filter.values ?? []).map((v) => asText(v, scale));
        const value = filter.value === undefined ? values.join(', ') : asText(filter.value, scale);
        return [{ field: filter.field, operator: filter.operator, value, values }];
      }),
    }))
    .filter((g) => g.filters.length > 0);
}

/**
 * The API's field errors about filters, keyed `group.filter` (e.g. `0.1`), from errors named like
 * `filterGroups[0].filters[1].value` (with or without a `body.` prefix).
 */
export function filterErrors(errors: readonly { field: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const match = /filterGroups\[(\d+)\]\.filters\[(\d+)\]/.exec(e.field);
    if (!match) continue;
    const key = `${match[1]}.${match[2]}`;
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
  }
  return out;
}

type BuilderProps = {
  fields: readonly FilterField[];
  groups: FilterGroupDraft[];
  onChange: (groups: FilterGroupDraft[]) => void;
  /** Errors keyed `group.filter`, as filterErrors gives them. */
  errors?: Record<string, string>;
};

/**
 * Builds filter groups: the filters of a group must all match (AND), a record shows when any
 * group matches (OR). Each filter picks a field, an operator that fits the field, and values
 * entered the way the field's kind needs.
 */
export function FilterBuilder({ fields, groups, onChange, errors = {} }: BuilderProps) {
  const first = fields[0];
  const setGroup = (gi: number, group: FilterGroupDraft) =>
    onChange(groups.map((g, i) => (i === gi ? group : g)).filter((g) => g.filters.length > 0));
  const addGroup = () => first && onChange([...groups, { filters: [newFilter(first)] }]);

  return (
    <div className="filter-builder">
      {groups.length === 0 ? <p className="muted filter-none">No filters: every record shows.</p> : null}
      {groups.map((group, gi) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: groups have no identity beyond their place
        <div key={gi} className="filter-group-wrap">
          {gi > 0 ? <div className="filter-or">or</div> : null}
          <fieldset className="filter-group">
            <legend className="visually-hidden">Filter group {gi + 1}</legend>
            {group.filters.map((row, fi) => (
              <FilterRowEditor
                // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity beyond their place
                key={fi}
                index={fi}
                groupIndex={gi}
                fields={fields}
                row={row}
                error={errors[`${gi}.${fi}`]}
                onChange={(next) => setGroup(gi, { filters: group.filters.map((r, i) => (i === fi ? next : r)) })}
                onRemove={() => setGroup(gi, { filters: group.filters.filter((_, i) => i !== fi) })}
              />
            ))}
            <div>
              <Button size="sm" variant="ghost" onClick={() => first && setGroup(gi, { filters: [...group.filters, newFilter(first)] })}>
                + And
              </Button>
            </div>
          </fieldset>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={addGroup} disabled={!first}>
          {groups.length === 0 ? '+ Add filter' : '+ Or group'}
        </Button>
      </div>
    </div>
  );
}

function FilterRowEditor({
  index,
  groupIndex,
  fields,
  row,
  error,
  onChange,
  onRemove,
}: {
  index: number;
  groupIndex: number;
  fields: readonly FilterField[];
  row: FilterRow;
  error: string | undefined;
  onChange: (row: FilterRow) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const field = fields.find((f) => f.key === row.field);
  const kind = field?.kind ?? 'text';
  const operators = operatorsFor(kind);
  const where = `filter ${index + 1} of group ${groupIndex + 1}`;
  const changeField = (key: string) => {
    const next = fields.find((f) => f.key === key);
    if (next) onChange(newFilter(next));
  };
  const changeOperator = (operator: Operator) => {
    const keepsValue = arityOf(operator) === arityOf(row.operator);
    onChange({ ...row, operator, ...(keepsValue ? {} : { value: kind === 'boolean' ? 'true' : '', values: [] }) });
  };

  return (
    <div className="filter-row" data-invalid={error ? true : undefined}>
      <div className="filter-controls">
        <span className="filter-and" aria-hidden="true">
          {index > 0 ? 'and' : 'where'}
        </span>
        <select
          className="select filter-field"
          aria-label={`Field, ${where}`}
          value={field ? row.field : ''}
          onChange={(e) => changeField(e.target.value)}
        >
          {field ? null : <option value="">{row.field}</option>}
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
        <select
          className="select filter-operator"
          aria-label={`Operator, ${where}`}
          value={row.operator}
          onChange={(e) => changeOperator(e.target.value as Operator)}
        >
          {operators.map((op) => (
            <option key={op} value={op}>
              {operatorLabels[op]}
            </option>
          ))}
        </select>
        {arityOf(row.operator) === 'none' ? null : (
          <span className="filter-value">
            <ValueInput field={field} kind={kind} row={row} where={where} errorId={error ? `${id}-error` : undefined} onChange={onChange} />
          </span>
        )}
        <Button size="icon" variant="ghost" className="filter-remove" aria-label={`Remove ${where}`} onClick={onRemove}>
          ✕
        </Button>
      </div>
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function ValueInput({
  field,
  kind,
  row,
  where,
  errorId,
  onChange,
}: {
  field: FilterField | undefined;
  kind: FilterKind;
  row: FilterRow;
  where: string;
  errorId: string | undefined;
  onChange: (row: FilterRow) => void;
}) {
  const arity = arityOf(row.operator);
  const common = { 'aria-invalid': errorId ? true : undefined, 'aria-describedby': errorId };
  if (arity === 'none') return null;
  const inputType = kind === 'number' ? 'number' : kind === 'date' || kind === 'datetime' ? 'date' : 'text';
  const options = field?.options ?? [];

  if (arity === 'two') {
    const [from = '', to = ''] = row.values;
    return (
      <span className="filter-between">
        <input
          className="input"
          type={inputType}
          aria-label={`From, ${where}`}
          value={from}
          onChange={(e) => onChange({ ...row, values: [e.target.value, to] })}
          {...common}
        />
        <span className="muted">and</span>
        <input
          className="input"
          type={inputType}
          aria-label={`To, ${where}`}
          value={to}
          onChange={(e) => onChange({ ...row, values: [from, e.target.value] })}
          {...common}
        />
      </span>
    );
  }

  if (arity === 'many') {
    if (options.length > 0) {
      return (
        <fieldset className="filter-options" {...common}>
          <legend className="visually-hidden">Values, {where}</legend>
          {options.map((o) => (
            <label key={o.value} className="filter-option">
              <input
                type="checkbox"
                checked={row.values.includes(o.value)}
                onChange={(e) =>
                  onChange({ ...row, values: e.target.checked ? [...row.values, o.value] : row.values.filter((v) => v !== o.value) })
                }
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      );
    }
    return (
      <input
        className="input"
        aria-label={`Values, ${where}`}
        placeholder="Comma-separated values"
        value={row.value}
        onChange={(e) => onChange({ ...row, value: e.target.value, values: splitList(e.target.value) })}
        {...common}
      />
    );
  }

  if (kind === 'boolean') {
    return (
      <select
        className="select"
        aria-label={`Value, ${where}`}
        value={row.value}
        onChange={(e) => onChange({ ...row, value: e.target.value })}
        {...common}
      >
        <option value="true">Yes</option>
        <option value="false">No</option>
      </select>
    );
  }

  if (options.length > 0) {
    return (
      <select
        className="select"
        aria-label={`Value, ${where}`}
        value={row.value}
        onChange={(e) => onChange({ ...row, value: e.target.value })}
        {...common}
      >
        <option value="">Choose…</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }

  return (
    <input
      className="input"
      type={inputType}
      aria-label={`Value, ${where}`}
      value={row.value}
      onChange={(e) => onChange({ ...row, value: e.target.value })}
      {...common}
    />
  );
}
