import { amountInput, parseAmount } from '../deals/board';
import { localInputToIso } from '../tasks/tasks';
import { toLocalInput } from './activityForm';
import type { CustomField } from './records.api';

/** The form name of a custom field's input; the API names its errors `body.custom.<key>` alike. */
export const customInputName = (field: CustomField) => `custom.${field.key}`;

type Money = { amount?: number; currency?: string };

/** A stored custom value as its input shows it ("" for none). */
export function customInputValue(field: CustomField, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'currency': {
      const money = value as Money;
      return amountInput(money.amount ?? null, money.currency ?? 'USD');
    }
    case 'datetime':
      return toLocalInput(new Date(String(value)));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return String(value);
    default:
      return typeof value === 'string' ? value : '';
  }
}

/** The currency a currency field's amount is typed in: the stored one, else the workspace's. */
export function customCurrency(value: unknown, fallback: string): string {
  return (value as Money | null | undefined)?.currency ?? fallback;
}

type Parsed = { value: unknown } | { error: string };

/** What one typed input means for a field: the value to send (null clears), or why it cannot be read. */
function parseCustom(field: CustomField, form: FormData, current: unknown, currency: string): Parsed {
  const name = customInputName(field);
  if (field.type === 'multi_select') {
    const chosen = form.getAll(name).map(String);
    return { value: chosen.length === 0 ? null : chosen };
  }
  const typed = String(form.get(name) ?? '').trim();
  if (typed === '') return { value: null };
  switch (field.type) {
    case 'number': {
      const n = Number(typed.replace(',', '.'));
      return Number.isFinite(n) ? { value: n } : { error: 'Enter a number, like 42' };
    }
    case 'currency': {
      const code = customCurrency(current, currency);
      const amount = parseAmount(typed, code);
      return amount === null || Number.isNaN(amount)
        ? { error: `Enter an amount in ${code}, like 1500` }
        : { value: { amount, currency: code } };
    }
    case 'boolean':
      return { value: typed === 'true' };
    case 'datetime': {
      const iso = localInputToIso(typed);
      return iso ? { value: iso } : { error: 'Enter a date and time' };
    }
    default:
      return { value: typed };
  }
}

/** Whether two custom values say the same (a datetime compared as an instant, a set's order ignored). */
function sameValue(field: CustomField, a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (field.type === 'datetime') return new Date(String(a)).getTime() === new Date(String(b)).getTime();
  if (field.type === 'multi_select' && Array.isArray(a) && Array.isArray(b)) return [...a].sort().join('\n') === [...b].sort().join('\n');
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The custom values a form changes, keyed as the API takes them (`custom: { key: value }`, null
 * clearing one), and the inputs that could not be read, named `custom.<key>` like the API's errors.
 */
export function customChanges(
  fields: readonly CustomField[],
  current: Record<string, unknown> | undefined,
  form: FormData,
  currency: string,
): { custom: Record<string, unknown> | null; errors: { field: string; message: string }[] } {
  const custom: Record<string, unknown> = {};
  const errors: { field: string; message: string }[] = [];
  for (const field of fields) {
    const before = current?.[field.key];
    const parsed = parseCustom(field, form, before, currency);
    if ('error' in parsed) errors.push({ field: customInputName(field), message: parsed.error });
    else if (!sameValue(field, parsed.value, before)) custom[field.key] = parsed.value;
  }
  return { custom: Object.keys(custom).length > 0 ? custom : null, errors };
}
