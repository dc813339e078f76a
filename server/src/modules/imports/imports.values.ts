import type { DateFormat } from './imports.schema.ts';

/** Why a cell was refused: a stable kind (counted in errorsByKind) and a message for people. */
export type CellError = { field: string; code: string; message: string };

const pad = (n: number) => String(n).padStart(2, '0');

function ymd(y: number, m: number, d: number): string | undefined {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

/**
 * Reads a date cell as YYYY-MM-DD in the given format. 'auto' accepts ISO dates (with or without
 * a time), DD.MM.YYYY, and D/M/Y or M/D/Y when only one reading is a valid date (day > 12);
 * ambiguous slashed dates read as MM/DD/YYYY.
 * @example parseDate('31/12/2024', 'auto') // '2024-12-31'
 */
export function parseDate(raw: string, format: DateFormat): string | undefined {
  const s = raw.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  const parts = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$/.exec(s);
  switch (format) {
    case 'YYYY-MM-DD':
      return iso ? ymd(Number(iso[1]), Number(iso[2]), Number(iso[3])) : undefined;
    case 'DD/MM/YYYY':
      return parts?.[2] === '/' ? ymd(Number(parts[4]), Number(parts[3]), Number(parts[1])) : undefined;
    case 'MM/DD/YYYY':
      return parts?.[2] === '/' ? ymd(Number(parts[4]), Number(parts[1]), Number(parts[3])) : undefined;
    case 'DD.MM.YYYY':
      return parts?.[2] === '.' ? ymd(Number(parts[4]), Number(parts[3]), Number(parts[1])) : undefined;
    case 'auto': {
      if (iso) return ymd(Number(iso[1]), Number(iso[2]), Number(iso[3]));
      if (!parts) return undefined;
      const [a, b, y] = [Number(parts[1]), Number(parts[3]), Number(parts[4])];
      if (parts[2] === '.' || parts[2] === '-') return ymd(y, b, a);
      return a > 12 ? ymd(y, b, a) : ymd(y, a, b);
    }
  }
}

/** Reads a date-time cell as an ISO instant: ISO 8601, or a date in the configured format (midnight UTC). */
export function parseDateTime(raw: string, format: DateFormat): string | undefined {
  const s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) {
    const t = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const d = parseDate(s, format);
  return d ? `${d}T00:00:00.000Z` : undefined;
}

/**
 * Reads a number cell: spaces and thousands separators dropped; a lone comma is a decimal comma.
 * @example parseNumber('1 234,5') // 1234.5
 */
export function parseNumber(raw: string): number | undefined {
  let s = raw.trim().replace(/[\s\u00a0']/g, '');
  if (s === '') return undefined;
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d+,\d+$/.test(s)) s = s.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const truthy = new Set(['true', 'yes', 'y', '1', 'x', 'oui', 'ja', 'si', 'on']);
const falsy = new Set(['false', 'no', 'n', '0', 'non', 'nein', 'off']);

/** Reads a yes/no cell. */
export function parseBoolean(raw: string): boolean | undefined {
  const s = raw.trim().toLowerCase();
  return truthy.has(s) ? true : falsy.has(s) ? false : undefined;
}

/** Splits a list cell (tags, multi-selects) on semicolons or commas. */
export function splitList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[;,]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
