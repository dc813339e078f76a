import type { FilterGroups } from '../../ui/FilterBuilder';
import type { Sort } from '../../ui/Table';
import type { ListColumn, ListObjectType, ListRecord } from './fields';
import { searchRecords } from './lists.api';

/** One CSV field: quoted when it holds a comma, quote, or line break, with quotes doubled (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A CSV document: a header line, then one line per row, CRLF line ends, led by a UTF-8 byte
 * order mark so spreadsheet apps read accents and non-Latin names correctly.
 * @example toCsv(['Name'], [['Ada, Countess']]) // '\uFEFFName\r\n"Ada, Countess"\r\n'
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((cells) => cells.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const EXPORT_PAGE = 500;

/** Every record matching the filters, in order, as CSV of the given columns, read page by page through search. */
export async function exportCsv<T extends ListRecord>(
  objectType: ListObjectType,
  filterGroups: FilterGroups,
  sort: Sort,
  columns: readonly ListColumn<T>[],
): Promise<string> {
  const rows: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await searchRecords(objectType, {
      filterGroups,
      sort: sort ? [sort] : [],
      limit: EXPORT_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    for (const record of page.data) rows.push(columns.map((c) => (c.csv ?? c.text)(record as T)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return toCsv(
    columns.map((c) => c.header),
    rows,
  );
}

/** Hands a CSV document to the browser as a file download. */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a view's name: letters, digits and dashes, ending in .csv. */
export function csvFilename(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase();
  return `${base || 'export'}.csv`;
}
