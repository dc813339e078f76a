import { api, unwrap } from '../../api/client';
import type { FilterGroups } from '../../ui/FilterBuilder';
import type { Sort } from '../../ui/Table';
import type { ListObjectType } from './fields';

/** What the export asks the server for: exactly the list's filters, order and shown columns. */
type ExportBody = { filterGroups: FilterGroups; sort: NonNullable<Sort>[]; columns: string[] };

function requestExport(objectType: ListObjectType, body: ExportBody, view: string | undefined) {
  const options = { body, params: { query: view ? { view } : {} }, parseAs: 'blob' as const };
  switch (objectType) {
    case 'contact':
      return api.POST('/api/v1/contacts/export', options);
    case 'company':
      return api.POST('/api/v1/companies/export', options);
    case 'deal':
      return api.POST('/api/v1/deals/export', options);
  }
}

/**
 * The file name a download answer gives (RFC 6266: the UTF-8 `filename*` first, else `filename`).
 * @example fileNameOf(`attachment; filename="a.csv"; filename*=UTF-8''%C3%A9.csv`, 'x.csv') // 'é.csv'
 */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const utf8 = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (utf8) {
    try {
      return decodeURIComponent(utf8);
    } catch {
      // A malformed name falls back to the plain one.
    }
  }
  return disposition?.match(/filename="([^"]+)"/i)?.[1] ?? fallback;
}

/**
 * The list as the server exports it: every record matching the filters, in the list's order, with
 * the shown columns (labelled, people and stages by name, money beside its currency), named after
 * the saved view when one is open (its filters, order and columns as shown still rule). The server
 * streams it page by page; a refusal (a filter it cannot use) arrives as a problem.
 */
export async function exportCsv(
  objectType: ListObjectType,
  filterGroups: FilterGroups,
  sort: Sort,
  columns: readonly string[],
  viewId?: string,
): Promise<{ blob: Blob; fileName: string }> {
  let disposition: string | null = null;
  const blob = await unwrap(
    requestExport(objectType, { filterGroups, sort: sort ? [sort] : [], columns: [...columns] }, viewId).then((answer) => {
      disposition = answer.response.headers.get('content-disposition');
      return answer;
    }),
  );
  return { blob: blob as Blob, fileName: fileNameOf(disposition, 'export.csv') };
}

/** Hands a file to the browser as a download. */
export function downloadFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
