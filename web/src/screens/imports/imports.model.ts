import type { components } from '../../api/schema';

/** The CSV import's resources as the API answers them, and the pure rules the import screens follow. */

/** One CSV import, from the uploaded file through its run to its revert. */
export type Import = components['schemas']['Import'];
export type ImportObject = Import['object'];
export type ImportStatus = Import['status'];
export type UpsertKey = Import['upsertKey'];
export type DateFormat = Import['dateFormat'];
export type ImportProgress = Import['progress'];
/** Where one CSV column goes: a field key, `custom.<key>`, or null to leave the column out. */
export type MappingEntry = components['schemas']['ImportMappingEntry'];
/** A field a column can go to. */
export type ImportField = components['schemas']['ImportField'];
/** What an import would do, worked out without writing anything. */
export type DryRun = components['schemas']['ImportDryRun'];
export type DryRunRow = components['schemas']['ImportDryRunRow'];
/** A saved mapping, for the next file of the same shape. */
export type ImportTemplate = components['schemas']['ImportTemplate'];

/** The objects a CSV can fill, as the upload screen offers them. */
export const importObjects: { value: ImportObject; label: string; one: string; noun: string; hint: string }[] = [
  { value: 'contacts', label: 'Contacts', one: 'contact', noun: 'contacts', hint: 'People, with their email, phone, company and stage' },
  { value: 'companies', label: 'Companies', one: 'company', noun: 'companies', hint: 'Organisations, matched by their domain' },
  { value: 'deals', label: 'Deals', one: 'deal', noun: 'deals', hint: 'Opportunities with amount, stage and close date' },
  { value: 'activities', label: 'Activities', one: 'activity', noun: 'activities', hint: 'Notes, calls and meetings logged elsewhere' },
];

/** The object's name as people read it ("contacts"). */
export function objectNoun(object: ImportObject): string {
  return importObjects.find((o) => o.value === object)?.noun ?? object;
}

/** A count of the object's records: "1 contact", "12 companies". */
export function countOf(object: ImportObject, count: number): string {
  const o = importObjects.find((x) => x.value === object);
  return o ? plural(count, o.one, o.noun) : plural(count, 'record');
}

/** Reads a list screen's object type (`contact`, `company`, `deal`) or a plural as an importable object. */
export function parseImportObject(value: string | null): ImportObject | null {
  if (!value) return null;
  const plural = { contact: 'contacts', company: 'companies', deal: 'deals', activity: 'activities' }[value] ?? value;
  return importObjects.some((o) => o.value === plural) ? (plural as ImportObject) : null;
}

const upsertLabels: Record<UpsertKey, string> = {
  email: 'Email address',
  domain: 'Domain',
  external_id: 'External id',
  none: "Don't match: always create",
};

const allowedUpsertKeys: Record<ImportObject, UpsertKey[]> = {
  contacts: ['email', 'external_id', 'none'],
  companies: ['domain', 'external_id', 'none'],
  deals: ['external_id', 'none'],
  activities: ['none'],
};

/** The ways rows can find the record they update, for one object. */
export function upsertKeyOptions(object: ImportObject): { value: UpsertKey; label: string }[] {
  return allowedUpsertKeys[object].map((value) => ({ value, label: upsertLabels[value] }));
}

/** The field a row must have a value in to be matched by this key (null: rows are always created). */
export function upsertField(key: UpsertKey): string | null {
  return key === 'none' ? null : key === 'domain' ? 'domain' : key;
}

export const dateFormatOptions: { value: DateFormat; label: string }[] = [
  { value: 'auto', label: 'Detect from the file' },
  { value: 'YYYY-MM-DD', label: 'YYYY-MM-DD (2026-03-31)' },
  { value: 'DD/MM/YYYY', label: 'DD/MM/YYYY (31/03/2026)' },
  { value: 'MM/DD/YYYY', label: 'MM/DD/YYYY (03/31/2026)' },
  { value: 'DD.MM.YYYY', label: 'DD.MM.YYYY (31.03.2026)' },
];

export const encodingOptions = [
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'utf-16le', label: 'UTF-16 LE' },
  { value: 'utf-16be', label: 'UTF-16 BE' },
  { value: 'windows-1252', label: 'Windows-1252 (Western)' },
  { value: 'iso-8859-1', label: 'ISO-8859-1 (Latin-1)' },
];

export const delimiterOptions = [
  { value: ',', label: 'Comma ( , )' },
  { value: ';', label: 'Semicolon ( ; )' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe ( | )' },
];

/** How the file was read, in a few words: "UTF-8, comma-separated". */
export function fileReading(imp: Pick<Import, 'encoding' | 'delimiter'>): string {
  const encoding = encodingOptions.find((e) => e.value === imp.encoding.toLowerCase())?.label ?? imp.encoding;
  const delimiter = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' }[imp.delimiter] ?? `“${imp.delimiter}”`;
  return `${encoding}, ${delimiter}-separated`;
}

/** Up to `count` non-empty sample values of one column, as the file has them. */
export function sampleValues(imp: Pick<Import, 'sampleRows'>, index: number, count = 3): string[] {
  const values: string[] = [];
  for (const row of imp.sampleRows) {
    const value = row[index]?.trim();
    if (value) values.push(value);
    if (values.length === count) break;
  }
  return values;
}

/** Field keys that more than one column goes to; the API refuses such a mapping. */
export function duplicateFields(mapping: readonly MappingEntry[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const entry of mapping) {
    if (!entry.field) continue;
    if (seen.has(entry.field)) twice.add(entry.field);
    seen.add(entry.field);
  }
  return twice;
}

/** Required fields no column goes to. */
export function missingRequired(mapping: readonly MappingEntry[], fields: readonly ImportField[]): ImportField[] {
  const mapped = new Set(mapping.map((m) => m.field));
  return fields.filter((f) => f.required && !mapped.has(f.key));
}

/**
 * What stops the mapping from going on to the preview: a field chosen twice, or the upsert key
 * with no column to match on. Required fields are left to the preview, which names each row.
 */
export function mappingProblems(imp: Pick<Import, 'mapping' | 'fields' | 'upsertKey'>): string[] {
  const label = (key: string) => imp.fields.find((f) => f.key === key)?.label ?? key;
  const problems = [...duplicateFields(imp.mapping)].map((key) => `More than one column goes to ${label(key)}; choose one.`);
  const keyField = upsertField(imp.upsertKey);
  if (keyField && !imp.mapping.some((m) => m.field === keyField)) {
    problems.push(`Rows are matched by ${label(keyField)}, but no column goes to it. Map one, or choose to always create records.`);
  }
  if (!imp.mapping.some((m) => m.field)) problems.push('No column is mapped to a field yet.');
  return problems;
}

/** A header as the server compares them: lower-case letters and digits only. */
function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * A saved template's mapping laid on this file's columns, matched by header as the server
 * matches them; a column the template does not name is left out, and each field is used once.
 */
export function applyTemplate(mapping: readonly MappingEntry[], template: Pick<ImportTemplate, 'mapping'>): MappingEntry[] {
  const byColumn = new Map(template.mapping.map((m) => [headerKey(m.column), m.field]));
  const used = new Set<string>();
  return mapping.map((entry) => {
    const field = byColumn.get(headerKey(entry.column)) ?? null;
    if (!field || used.has(field)) return { ...entry, field: null };
    used.add(field);
    return { ...entry, field };
  });
}

/** Whether the import is still moving on its own, so its screen keeps asking for news. */
export function isLive(status: ImportStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'reverting';
}

/** Whether the rows an import wrote can be taken back. */
export function canRevert(status: ImportStatus): boolean {
  return status === 'completed' || status === 'cancelled' || status === 'failed';
}

export const statusLabels: Record<ImportStatus, string> = {
  draft: 'Draft',
  queued: 'Queued',
  running: 'Importing',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  reverting: 'Reverting',
  reverted: 'Reverted',
};

/** The colour a status reads in. */
export function statusTone(status: ImportStatus): 'accent' | 'ok' | 'warn' | 'danger' | 'muted' {
  switch (status) {
    case 'queued':
    case 'running':
    case 'reverting':
      return 'accent';
    case 'completed':
      return 'ok';
    case 'cancelled':
      return 'warn';
    case 'failed':
      return 'danger';
    default:
      return 'muted';
  }
}

/** How far the rows have got, 0–100, or null while the total is not known yet. */
export function progressPercent(p: Pick<ImportProgress, 'rowsDone' | 'rowsTotal'>): number | null {
  if (p.rowsTotal === null) return null;
  if (p.rowsTotal === 0) return 100;
  return Math.min(100, Math.round((p.rowsDone / p.rowsTotal) * 100));
}

/** A rate as "1,250 rows/s". */
export function formatRate(rowsPerSecond: number | null): string {
  if (rowsPerSecond === null) return '—';
  return `${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s`;
}

/** The time left as "about 40 s left", "about 3 min left" or "about 1 h 5 min left". */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'Estimating time left…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s <= 1 ? 'Almost done' : `About ${s} s left`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `About ${minutes} min left`;
  return `About ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** A file size as "12 KB" or "3.4 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const errorKindLabels: Record<string, string> = {
  invalid_email: 'Invalid email',
  invalid_phone: 'Invalid phone',
  invalid_domain: 'Invalid domain',
  invalid_date: 'Unreadable date',
  invalid_number: 'Not a number',
  invalid_boolean: 'Not yes or no',
  invalid_option: 'Not one of the options',
  invalid_value: 'Invalid value',
  missing_required: 'Required value missing',
  missing_key: 'No value to match on',
  duplicate_external_id: 'External id taken',
  unknown_owner: 'Owner is not a member',
  unknown_user: 'Not a member',
  unknown_company: 'Company not found',
};

/** An error kind (`invalid_email`) as people read it. */
export function errorKindLabel(kind: string): string {
  const known = errorKindLabels[kind];
  if (known) return known;
  const words = kind.replace(/[_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Error kinds by how often they happen, most first. */
export function sortedErrorKinds(byKind: Record<string, number>): { kind: string; label: string; count: number }[] {
  return Object.entries(byKind)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, count]) => ({ kind, label: errorKindLabel(kind), count }));
}

/**
 * A field's value in a preview row: by its key, or where rows nest it (custom fields under
 * `custom`, the linked company under `company`).
 */
export function previewValue(values: Record<string, unknown>, key: string): unknown {
  if (key in values) return values[key];
  const custom = values.custom;
  if (key.startsWith('custom.') && custom && typeof custom === 'object')
    return (custom as Record<string, unknown>)[key.slice('custom.'.length)];
  if (key.startsWith('company_')) return values.company;
  return undefined;
}

/** The file's own text of a field in one of the first rows (the preview of a refused row has no stored values). */
export function rawValue(imp: Pick<Import, 'mapping' | 'sampleRows'>, row: number, key: string): string {
  const entry = imp.mapping.find((m) => m.field === key);
  return entry ? (imp.sampleRows[row - 1]?.[entry.index] ?? '') : '';
}

/** A value from the preview as text in a cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The columns of the preview table: the mapped fields, in the file's order. */
export function previewFields(imp: Pick<Import, 'mapping' | 'fields'>): ImportField[] {
  const out: ImportField[] = [];
  for (const entry of imp.mapping) {
    if (!entry.field || out.some((f) => f.key === entry.field)) continue;
    out.push(
      imp.fields.find((f) => f.key === entry.field) ?? {
        key: entry.field,
        label: entry.field,
        type: 'text',
        required: false,
        custom: false,
      },
    );
  }
  return out;
}

/** A count with its noun: "1 row", "12 rows". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

const suggestionKey = (id: string) => `rapport.import.${id}.suggested`;

/** Keeps the mapping the server suggested for a new upload, so the mapping step can mark what was matched for the person. */
export function rememberSuggestion(imp: Pick<Import, 'id' | 'mapping'>): void {
  try {
    sessionStorage.setItem(suggestionKey(imp.id), JSON.stringify(imp.mapping.map((m) => m.field)));
  } catch {
    // Without storage the mapping shows no "auto-matched" marks; it works the same.
  }
}

/** The field suggested for each column at upload (by column index), if this browser tab uploaded it. */
export function suggestedFields(id: string): (string | null)[] | null {
  try {
    const saved = sessionStorage.getItem(suggestionKey(id));
    return saved ? (JSON.parse(saved) as (string | null)[]) : null;
  } catch {
    return null;
  }
}

/** The name of who started an import: the API gives a user id (looked up among the members) or a person. */
export function personName(createdBy: unknown, members: ReadonlyMap<string, { name: string }> | undefined): string | null {
  if (typeof createdBy === 'string') return members?.get(createdBy)?.name ?? null;
  if (createdBy && typeof createdBy === 'object') {
    const person = createdBy as { name?: unknown; id?: unknown; userId?: unknown };
    if (typeof person.name === 'string' && person.name) return person.name;
    const id = typeof person.id === 'string' ? person.id : typeof person.userId === 'string' ? person.userId : null;
    return id ? (members?.get(id)?.name ?? null) : null;
  }
  return null;
}
