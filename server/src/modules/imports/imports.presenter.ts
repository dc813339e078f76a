import type { z } from 'zod';
import type { ImportRow, ImportTemplateRow } from './imports.repo.ts';
import type { ImportField, ImportView, importTemplateSchema } from './imports.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An import as the API shows it, with live progress: rows per second of the current run and the time left. */
export function presentImport(row: ImportRow, fields: ImportField[]): ImportView {
  let rowsPerSecond: number | null = null;
  let etaSeconds: number | null = null;
  if (row.status === 'running' && row.run_started_at && row.progress_at) {
    const seconds = (row.progress_at.getTime() - row.run_started_at.getTime()) / 1000;
    const rows = row.rows_done - row.run_start_rows;
    if (seconds > 0 && rows > 0) {
      rowsPerSecond = Math.round(rows / seconds);
      if (row.rows_total !== null) etaSeconds = Math.max(0, Math.round((row.rows_total - row.rows_done) / (rows / seconds)));
    }
  }
  return {
    id: row.id,
    object: row.object_type,
    status: row.status as ImportView['status'],
    fileName: row.file_name,
    fileSize: Number(row.file_size),
    encoding: row.encoding,
    delimiter: row.delimiter,
    headers: row.headers,
    sampleRows: row.sample_rows,
    mapping: row.mapping,
    upsertKey: row.upsert_key,
    dateFormat: row.date_format,
    templateId: row.template_id,
    fields,
    progress: {
      rowsTotal: row.rows_total,
      rowsDone: row.rows_done,
      created: row.created,
      updated: row.updated,
      unchanged: row.unchanged,
      failed: row.failed,
      rowsPerSecond,
      etaSeconds,
    },
    errorsByKind: row.errors_by_kind,
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    cancelledAt: iso(row.cancelled_at),
    revertedAt: iso(row.reverted_at),
    version: row.version,
  };
}

/** A template as the API shows it. */
export function presentTemplate(t: ImportTemplateRow): z.infer<typeof importTemplateSchema> {
  return {
    id: t.id,
    name: t.name,
    object: t.object_type,
    mapping: t.mapping,
    upsertKey: t.upsert_key,
    dateFormat: t.date_format,
    createdBy: t.created_by,
    createdAt: t.created_at.toISOString(),
  };
}
