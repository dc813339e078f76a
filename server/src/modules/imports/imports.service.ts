import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Queue } from '../../jobs/queue.ts';
import { emitEvent, recordWrite } from '../../lib/audit.ts';
import { AppError, type FieldError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import type { CustomFieldType } from '../custom-fields/custom-fields.schema.ts';
import { createCustomField, keyFromLabel } from '../custom-fields/custom-fields.service.ts';
import { allowedUpsertKeys, customObjectOf, importFields, mappingFromTemplate, suggestMapping } from './imports.fields.ts';
import { csvRecords, decodeChunks, RowCounter } from './imports.parse.ts';
import { presentImport } from './imports.presenter.ts';
import {
  deleteTemplateRow,
  fileChunks,
  findImportRow,
  findTemplate,
  type ImportRow,
  type ImportTemplateRow,
  insertTemplate,
  listImportRows,
  listTemplates,
  setImportStatus,
  updateImportSettings,
} from './imports.repo.ts';
import type {
  createImportFieldBody,
  createTemplateBody,
  ImportField,
  ImportObject,
  ImportView,
  MappingEntry,
  patchImportBody,
} from './imports.schema.ts';
import { parseBoolean, parseDate, parseNumber } from './imports.values.ts';

/** The queue imports (and reverts) run on. */
export const IMPORT_QUEUE = 'imports.run';

/** The fields an import of `object` can map to in this workspace. */
export async function fieldsFor(ctx: Ctx, object: ImportObject): Promise<ImportField[]> {
  const customObject = customObjectOf(object);
  return importFields(object, customObject ? await listCustomFieldRows(ctx.tx, ctx.workspaceId, customObject) : []);
}

/** An import as the API shows it. */
export async function viewImport(ctx: Ctx, row: ImportRow): Promise<ImportView> {
  return presentImport(row, await fieldsFor(ctx, row.object_type));
}

/** One import of the workspace (an upload still arriving is not one yet). */
export async function getImport(ctx: Ctx, id: string, lock = false): Promise<ImportRow> {
  authorize(ctx, 'imports.read');
  const row = await findImportRow(ctx.tx, ctx.workspaceId, id, lock);
  if (!row || row.status === 'uploading') throw notFound('Import');
  return row;
}

/** The workspace's imports, newest first. */
export async function listImports(ctx: Ctx, limit: number, cursor?: string): Promise<{ rows: ImportRow[]; nextCursor: string | null }> {
  authorize(ctx, 'imports.read');
  const rows = await listImportRows(ctx.tx, ctx.workspaceId, limit + 1, cursor);
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/** Reads the header and first five data rows of an import's file as it is set up now. */
export async function readHead(db: Ctx['tx'], row: Pick<ImportRow, 'workspace_id' | 'id' | 'chunk_count' | 'encoding' | 'delimiter'>) {
  let headers: string[] | undefined;
  const sampleRows: string[][] = [];
  const text = decodeChunks(fileChunks(db, row.workspace_id, row.id, row.chunk_count), row.encoding);
  for await (const r of csvRecords(text, row.delimiter)) {
    if (!headers) headers = r.cells.map((h) => h.trim());
    else sampleRows.push(r.cells);
    if (sampleRows.length >= 5) break;
  }
  return { headers, sampleRows };
}

/** Counts the data rows of an import's file (for progress). */
export async function countRows(db: Ctx['tx'], row: Pick<ImportRow, 'workspace_id' | 'id' | 'chunk_count' | 'encoding' | 'delimiter'>) {
  const counter = new RowCounter(row.delimiter);
  for await (const text of decodeChunks(fileChunks(db, row.workspace_id, row.id, row.chunk_count), row.encoding)) counter.push(text);
  return counter.rows;
}

function notDraft(row: ImportRow): AppError {
  return new AppError('import_not_draft', `The import is ${row.status}; only a draft can be changed or started`);
}

/** Checks a mapping against the headers and fields; 422 naming every bad entry. */
function checkMapping(mapping: { index: number; field: string | null }[], headers: string[], fields: ImportField[]): MappingEntry[] {
  const known = new Set(fields.map((f) => f.key));
  const errors: FieldError[] = [];
  const used = new Map<string, number>();
  mapping.forEach((m, i) => {
    if (m.index >= headers.length)
      errors.push({ field: `body.mapping[${i}].index`, message: `The file has ${headers.length} columns`, code: 'unknown_column' });
    if (m.field === null) return;
    if (!known.has(m.field)) errors.push({ field: `body.mapping[${i}].field`, message: `Unknown field ${m.field}`, code: 'unknown_field' });
    else if (used.has(m.field))
      errors.push({
        field: `body.mapping[${i}].field`,
        message: `${m.field} is already mapped from another column`,
        code: 'duplicate_field',
      });
    used.set(m.field, i);
  });
  if (errors.length > 0) throw new AppError('unprocessable', 'The mapping names columns or fields that do not exist', errors);
  const byIndex = new Map(mapping.map((m) => [m.index, m.field]));
  return headers.map((column, index) => ({ column, index, field: byIndex.get(index) ?? null }));
}

function checkUpsertKey(object: ImportObject, key: string): void {
  if (!allowedUpsertKeys[object].includes(key)) {
    throw new AppError('unprocessable', `An import of ${object} cannot match on ${key}`, [
      { field: 'body.upsertKey', message: `Use one of: ${allowedUpsertKeys[object].join(', ')}`, code: 'unsupported_upsert_key' },
    ]);
  }
}

/** Changes a draft: mapping, upsert key, date format, or how the file is read (encoding, delimiter). */
export async function updateImport(
  ctx: Ctx,
  id: string,
  input: z.infer<typeof patchImportBody>,
  expectedVersion?: number,
): Promise<ImportRow> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id, true);
  if (row.status !== 'draft') throw notDraft(row);
  if (expectedVersion !== undefined && expectedVersion !== row.version) {
    throw new AppError('precondition_failed', `The import changed since you read it (now version ${row.version})`, undefined, {
      etag: `"${row.version}"`,
    });
  }
  if (input.upsertKey) checkUpsertKey(row.object_type, input.upsertKey);
  const fields = await fieldsFor(ctx, row.object_type);
  let { headers, sample_rows: sampleRows, rows_total: rowsTotal } = row;
  let mapping = row.mapping;
  if ((input.encoding && input.encoding !== row.encoding) || (input.delimiter && input.delimiter !== row.delimiter)) {
    const reread = { ...row, encoding: input.encoding ?? row.encoding, delimiter: input.delimiter ?? row.delimiter };
    const head = await readHead(ctx.tx, reread);
    headers = head.headers ?? [];
    sampleRows = head.sampleRows;
    rowsTotal = await countRows(ctx.tx, reread);
    const customObject = customObjectOf(row.object_type);
    mapping = suggestMapping(
      row.object_type,
      headers,
      customObject ? await listCustomFieldRows(ctx.tx, ctx.workspaceId, customObject) : [],
    );
  }
  if (input.mapping) mapping = checkMapping(input.mapping, headers, fields);
  const saved = await updateImportSettings(ctx.tx, ctx.workspaceId, id, {
    encoding: input.encoding,
    delimiter: input.delimiter,
    headers,
    sampleRows,
    rowsTotal,
    mapping,
    upsertKey: input.upsertKey,
    dateFormat: input.dateFormat,
  });
  await auditImport(ctx, row, saved, 'update');
  return saved;
}

/** Audits a change of an import (its settings, not its file or counters). */
export async function auditImport(ctx: Ctx, before: ImportRow | null, after: ImportRow, action: 'create' | 'update'): Promise<void> {
  const shape = (r: ImportRow) => ({
    object: r.object_type,
    status: r.status,
    fileName: r.file_name,
    mapping: r.mapping,
    upsertKey: r.upsert_key,
    dateFormat: r.date_format,
    encoding: r.encoding,
    delimiter: r.delimiter,
  });
  await recordWrite(ctx, { recordType: 'import', recordId: after.id, action, before: before ? shape(before) : null, after: shape(after) });
}

/** What must hold before an import starts: required fields and the upsert key's column mapped. */
function checkStartable(row: ImportRow, fields: ImportField[]): void {
  const mapped = new Set(row.mapping.flatMap((m) => (m.field ? [m.field] : [])));
  const errors: FieldError[] = [];
  for (const f of fields)
    if (f.required && !mapped.has(f.key))
      errors.push({ field: 'mapping', message: `Map a column to ${f.label}`, code: 'missing_required' });
  const keyField = row.upsert_key === 'domain' ? 'domain' : row.upsert_key;
  if (row.upsert_key !== 'none' && !mapped.has(keyField)) {
    errors.push({
      field: 'upsertKey',
      message: `The import matches on ${row.upsert_key}: map a column to it, or choose another key`,
      code: 'missing_key',
    });
  }
  if (errors.length > 0) throw new AppError('unprocessable', 'The import cannot start with this mapping', errors);
}

/** Queues a draft to run as a checkpointed job. */
export async function startImport(ctx: Ctx, queue: Queue, id: string): Promise<ImportRow> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id, true);
  if (row.status !== 'draft') throw notDraft(row);
  checkStartable(row, await fieldsFor(ctx, row.object_type));
  const saved = await setImportStatus(ctx.tx, ctx.workspaceId, id, 'queued');
  await auditImport(ctx, row, saved, 'update');
  await queue.send(IMPORT_QUEUE, { workspaceId: ctx.workspaceId, importId: id }, { tx: ctx.tx });
  return saved;
}

/** Announces that an import stopped (completed, failed or cancelled): one event, not one per record. */
export async function emitImportFinished(ctx: Ctx, row: ImportRow): Promise<void> {
  await emitEvent(ctx, {
    type: 'import.finished',
    recordType: 'import',
    recordId: row.id,
    payload: {
      import: {
        id: row.id,
        object: row.object_type,
        status: row.status,
        fileName: row.file_name,
        rowsTotal: row.rows_total,
        rowsDone: row.rows_done,
        created: row.created,
        updated: row.updated,
        unchanged: row.unchanged,
        failed: row.failed,
        errorsByKind: row.errors_by_kind,
      },
    },
  });
}

/** Stops an import: a running job stops before its next batch; rows already written stay until reverted. */
export async function cancelImport(ctx: Ctx, id: string): Promise<ImportRow> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id, true);
  if (!['draft', 'queued', 'running'].includes(row.status)) {
    throw new AppError('conflict', `The import is ${row.status}; only a draft, queued or running import can be cancelled`);
  }
  const saved = await setImportStatus(ctx.tx, ctx.workspaceId, id, 'cancelled');
  await auditImport(ctx, row, saved, 'update');
  if (row.status !== 'draft') await emitImportFinished(ctx, saved);
  return saved;
}

/** Queues the revert of a finished import: created records go to the trash, changed fields are restored. */
export async function revertImport(ctx: Ctx, queue: Queue, id: string): Promise<ImportRow> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id, true);
  if (!['completed', 'cancelled', 'failed'].includes(row.status)) {
    throw new AppError('conflict', `The import is ${row.status}; only a completed, cancelled or failed import can be reverted`);
  }
  const saved = await setImportStatus(ctx.tx, ctx.workspaceId, id, 'reverting');
  await auditImport(ctx, row, saved, 'update');
  await queue.send(IMPORT_QUEUE, { workspaceId: ctx.workspaceId, importId: id }, { tx: ctx.tx });
  return saved;
}

/** Guesses a custom field type from a column's sample values. */
function guessType(values: string[], dateFormat: ImportRow['date_format']): CustomFieldType {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (filled.length === 0) return 'text';
  if (filled.every((v) => parseNumber(v) !== undefined)) return 'number';
  if (filled.every((v) => parseDate(v, dateFormat) !== undefined)) return 'date';
  if (filled.every((v) => parseBoolean(v) !== undefined)) return 'boolean';
  if (filled.every((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))) return 'email';
  return 'text';
}

/** Makes a custom field from an unmapped column (named after its header) and maps the column to it. */
export async function createFieldFromColumn(
  ctx: Ctx,
  id: string,
  input: z.infer<typeof createImportFieldBody>,
): Promise<{ field: ImportField; row: ImportRow }> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id, true);
  if (row.status !== 'draft') throw notDraft(row);
  const customObject = customObjectOf(row.object_type);
  if (!customObject)
    throw new AppError('unprocessable', `${row.object_type} have no custom fields`, [{ field: 'body.column', message: 'Not supported' }]);
  const header = row.headers[input.column];
  if (header === undefined) {
    throw new AppError('unprocessable', `The file has ${row.headers.length} columns`, [
      { field: 'body.column', message: 'No such column', code: 'unknown_column' },
    ]);
  }
  const label = input.label ?? (header || `Column ${input.column + 1}`);
  const type =
    input.type ??
    guessType(
      row.sample_rows.map((r) => r[input.column] ?? ''),
      row.date_format,
    );
  if (type === 'single_select' || type === 'multi_select') {
    throw new AppError('unprocessable', 'Select fields need options; create them in settings, then map the column', [
      { field: 'body.type', message: 'Not supported here' },
    ]);
  }
  const def = await createCustomField(ctx, { objectType: customObject, label, type, key: keyFromLabel(label) });
  const key = `custom.${def.key}`;
  const mapping = row.mapping.map((m) => (m.index === input.column ? { ...m, field: key } : m.field === key ? { ...m, field: null } : m));
  const saved = await updateImportSettings(ctx.tx, ctx.workspaceId, id, { mapping });
  const field = (await fieldsFor(ctx, row.object_type)).find((f) => f.key === key) as ImportField;
  return { field, row: saved };
}

/** Saves the mapping of an import as a template. */
export async function saveTemplateFromImport(ctx: Ctx, id: string, name: string): Promise<ImportTemplateRow> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id);
  return storeTemplate(ctx, {
    name,
    object: row.object_type,
    mapping: row.mapping.map((m) => ({ column: m.column, field: m.field })),
    upsertKey: row.upsert_key,
    dateFormat: row.date_format,
  });
}

async function storeTemplate(ctx: Ctx, input: z.infer<typeof createTemplateBody>): Promise<ImportTemplateRow> {
  checkUpsertKey(input.object, input.upsertKey);
  const known = new Set((await fieldsFor(ctx, input.object)).map((f) => f.key));
  const errors = input.mapping.flatMap((m, i) =>
    m.field !== null && !known.has(m.field)
      ? [{ field: `body.mapping[${i}].field`, message: `Unknown field ${m.field}`, code: 'unknown_field' }]
      : [],
  );
  if (errors.length > 0) throw new AppError('unprocessable', 'The mapping names fields that do not exist', errors);
  const t = await insertTemplate(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    name: input.name,
    object: input.object,
    mapping: input.mapping,
    upsertKey: input.upsertKey,
    dateFormat: input.dateFormat,
    createdBy: ctx.actor.userId,
  });
  await recordWrite(ctx, {
    recordType: 'import_template',
    recordId: t.id,
    action: 'create',
    before: null,
    after: { name: t.name, object: t.object_type },
  });
  return t;
}

/** Creates a template from a mapping. */
export async function createTemplate(ctx: Ctx, input: z.infer<typeof createTemplateBody>): Promise<ImportTemplateRow> {
  authorize(ctx, 'imports.manage');
  return storeTemplate(ctx, input);
}

/** The workspace's templates. */
export async function getTemplates(ctx: Ctx, object?: ImportObject): Promise<ImportTemplateRow[]> {
  authorize(ctx, 'imports.read');
  return listTemplates(ctx.tx, ctx.workspaceId, object);
}

/** Deletes a template. */
export async function deleteTemplate(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx, 'imports.manage');
  const t = await findTemplate(ctx.tx, ctx.workspaceId, id);
  if (!t || !(await deleteTemplateRow(ctx.tx, ctx.workspaceId, id))) throw notFound('Import template');
  await recordWrite(ctx, {
    recordType: 'import_template',
    recordId: id,
    action: 'delete',
    before: { name: t.name, object: t.object_type },
    after: null,
  });
}

/** A template of the workspace for `object`, to start an import with. */
export async function templateFor(ctx: Ctx, id: string, object: ImportObject): Promise<ImportTemplateRow> {
  const t = await findTemplate(ctx.tx, ctx.workspaceId, id);
  if (!t)
    throw new AppError('unprocessable', 'No such import template', [
      { field: 'body.templateId', message: 'Not found', code: 'unknown_template' },
    ]);
  if (t.object_type !== object) {
    throw new AppError('unprocessable', `The template is for ${t.object_type}`, [
      { field: 'body.templateId', message: 'Another object', code: 'wrong_object' },
    ]);
  }
  return t;
}

/** The mapping a new import starts with: the template's, or one suggested from the headers. */
export async function initialMapping(
  ctx: Ctx,
  object: ImportObject,
  headers: string[],
  template?: ImportTemplateRow,
): Promise<MappingEntry[]> {
  if (template) {
    const known = new Set((await fieldsFor(ctx, object)).map((f) => f.key));
    return mappingFromTemplate(headers, template.mapping).map((m) => (m.field && !known.has(m.field) ? { ...m, field: null } : m));
  }
  const customObject = customObjectOf(object);
  return suggestMapping(object, headers, customObject ? await listCustomFieldRows(ctx.tx, ctx.workspaceId, customObject) : []);
}
