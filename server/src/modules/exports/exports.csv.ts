import { stringify } from 'csv-stringify/sync';

/** One exported cell: text (guarded against formulas), a number, or nothing. */
export type Cell = string | number | null | undefined;

/** What makes a spreadsheet read a text cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell made safe to open in a spreadsheet: one that would start a formula is prefixed
 * with a single quote, which spreadsheets show as text. Numbers we format ourselves are left as
 * they are (a negative amount is not a formula).
 * @example guardFormula('=HYPERLINK("http://x")') // "'=HYPERLINK(\"http://x\")"
 */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A cell as the CSV writer takes it: text guarded, numbers as digits, nothing as an empty field. */
export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'number' ? String(cell) : guardFormula(cell);
}

const fractionDigits = new Map<string, number>();

/** How many decimals a currency's amounts have (2 for EUR, 0 for JPY), as Intl knows it. */
function decimalsOf(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/**
 * An amount stored in minor units as a plain decimal in major units, the way a spreadsheet reads
 * a number: no grouping, no symbol (the currency has its own column).
 * @example moneyDecimal(1250050, 'EUR') // '12500.50'
 */
export function moneyDecimal(minor: number | null | undefined, currency: string | null | undefined): string | null {
  if (minor === null || minor === undefined) return null;
  const digits = decimalsOf(currency ?? 'USD');
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** digits;
  return `${sign}${Math.trunc(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

const csvOptions = { record_delimiter: 'windows', quoted_match: /^\s|\s$/ } as const;

/**
 * CSV bytes from rows (RFC 4180 quoting, CRLF line ends, led by a UTF-8 byte order mark so
 * spreadsheets read accents right), a few hundred rows per chunk. Lazy: rows are pulled only as
 * the chunks are read, so a slow reader holds back the database reads instead of filling memory.
 */
export async function* csvChunks(rows: AsyncIterable<string[]>, batch = 500): AsyncGenerator<Buffer> {
  yield Buffer.from('\uFEFF', 'utf8');
  let pending: string[][] = [];
  for await (const row of rows) {
    pending.push(row);
    if (pending.length >= batch) {
      yield Buffer.from(stringify(pending, csvOptions), 'utf8');
      pending = [];
    }
  }
  if (pending.length > 0) yield Buffer.from(stringify(pending, csvOptions), 'utf8');
}
