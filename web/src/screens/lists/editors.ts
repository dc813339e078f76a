import type { CellEditor } from '../../ui/Table';
import type { EditorKind, EditValue, Option } from '../../ui/ValueInput';
import { minorDigits, parseAmount } from '../deals/board';

/**
 * How a list field is edited, in a cell or in bulk: the input, the value shown in it, and the
 * request body (a PATCH or a bulk patch) that sets the field to a value.
 */
export type FieldEdit<T> = Omit<CellEditor<T>, 'options'> & {
  options?: (row?: T) => readonly Option[];
  /** The changes that set this field to `value`; `row` is absent in bulk, where no one row decides. */
  patch: (value: EditValue, row?: T) => Record<string, unknown>;
  /** Offered by bulk edit (unique values such as an email are not). */
  bulk: boolean;
};

/** A value typed into a text input: empty means "clear it". */
const textOrNull = (value: EditValue) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/** A number typed as text; text that is not a number goes as it is, so the API says what is wrong with it. */
function numberOrNull(value: EditValue): number | string | null {
  const text = textOrNull(value);
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** An ISO date-time as a `datetime-local` input shows it, in local time. */
export function localDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value as an ISO date-time, or null when empty. */
function isoDateTime(value: EditValue): string | null {
  const text = textOrNull(value);
  if (text === null) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/** Comma-separated words as a list, empty ones dropped. */
export function splitTags(value: EditValue): string[] {
  if (Array.isArray(value)) return value;
  return String(value)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The value an editor sends for its kind: typed, and null where the input was emptied. */
export function sentValue(kind: EditorKind, value: EditValue, currency?: string): unknown {
  switch (kind) {
    case 'number':
      return numberOrNull(value);
    case 'money': {
      const text = textOrNull(value);
      if (text === null) return null;
      const minor = parseAmount(text, currency ?? 'USD');
      return minor === null || Number.isNaN(minor) ? text : minor;
    }
    case 'datetime':
      return isoDateTime(value);
    case 'checkbox':
      return value === true;
    case 'multi':
      return Array.isArray(value) && value.length > 0 ? value : null;
    case 'tags':
      return splitTags(value);
    default:
      return textOrNull(value);
  }
}

/** A money amount in minor units as the major-unit text a person edits ("1250.5"). */
export function moneyText(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '';
  return String(minor / 10 ** minorDigits(currency));
}

/**
 * An editor for a top-level field: `field('jobTitle', 'text', (c) => c.jobTitle)` edits and sends
 * `{ jobTitle }`; `nest` puts it inside an object, as `{ address: { city } }`.
 */
export function fieldEdit<T>(
  field: string,
  kind: EditorKind,
  value: (row: T) => EditValue,
  options: { bulk?: boolean; choices?: (row?: T) => readonly Option[]; nest?: string } = {},
): FieldEdit<T> {
  return {
    kind,
    value,
    bulk: options.bulk ?? true,
    ...(options.choices ? { options: options.choices } : {}),
    patch: (v) => (options.nest ? { [options.nest]: { [field]: sentValue(kind, v) } } : { [field]: sentValue(kind, v) }),
  };
}
