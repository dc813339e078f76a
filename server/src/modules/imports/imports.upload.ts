import iconv from 'iconv-lite';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { defaultUpsertKey } from './imports.fields.ts';
import { detectEncoding, RowCounter, sniffDelimiter } from './imports.parse.ts';
import {
  deleteImportRow,
  findImportRow,
  type ImportRow,
  type ImportTemplateRow,
  insertFileChunk,
  insertUploadingImport,
  updateImportSettings,
} from './imports.repo.ts';
import type { ImportObject } from './imports.schema.ts';
import { auditImport, initialMapping, readHead, templateFor } from './imports.service.ts';

/** Size of the pieces a file is stored in. */
export const CHUNK_BYTES = 1024 * 1024;

/** A new import's file as it arrives. */
export type UploadInput = { object: ImportObject; templateId?: string; fileName: string; file: AsyncIterable<Buffer> };

/**
 * Stores an uploaded CSV in the database piece by piece as it streams in (memory holds one
 * piece), detecting its encoding from the first bytes and counting its rows on the way; then
 * reads the header and first rows, suggests a mapping (or applies the template) and shows the
 * import as a draft. Each piece is its own statement, so the single embedded connection is never
 * held for the whole upload; a failed upload deletes what it stored.
 */
export async function uploadImport(db: Database, base: Omit<Ctx, 'tx'>, input: UploadInput): Promise<ImportRow> {
  const id = newId();
  let template: ImportTemplateRow | undefined;
  await db.transaction(async (tx) => {
    const ctx = { ...base, tx };
    authorize(ctx, 'imports.manage');
    if (input.templateId) template = await templateFor(ctx, input.templateId, input.object);
    await insertUploadingImport(tx, {
      workspaceId: base.workspaceId,
      id,
      object: input.object,
      fileName: input.fileName.slice(0, 500),
      upsertKey: template?.upsert_key ?? defaultUpsertKey[input.object],
      createdBy: base.actor.userId,
      actorType: base.actor.type,
      actorId: base.actor.id,
    });
  });
  try {
    const stored = await storeFile(db, base.workspaceId, id, input.file);
    if (stored.size === 0) throw emptyFile('The file is empty');
    return await db.transaction(async (tx) => {
      const ctx = { ...base, tx };
      const head = await readHead(tx, { workspace_id: base.workspaceId, id, ...stored });
      if (!head.headers || head.headers.every((h) => h === '')) throw emptyFile('The file has no header row');
      const mapping = await initialMapping(ctx, input.object, head.headers, template);
      await updateImportSettings(tx, base.workspaceId, id, {
        status: 'draft',
        fileSize: stored.size,
        chunkCount: stored.chunkCount,
        encoding: stored.encoding,
        delimiter: stored.delimiter,
        headers: head.headers,
        sampleRows: head.sampleRows,
        mapping,
        rowsTotal: stored.rows,
        dateFormat: template?.date_format,
        templateId: template?.id ?? null,
      });
      const row = (await findImportRow(tx, base.workspaceId, id)) as ImportRow;
      await auditImport(ctx, null, row, 'create');
      return row;
    });
  } catch (err) {
    await deleteImportRow(db, base.workspaceId, id).catch(() => {});
    throw err;
  }
}

function emptyFile(message: string): AppError {
  return new AppError('unprocessable', message, [{ field: 'body.file', message, code: 'empty_file' }]);
}

/** Writes the file in pieces; returns its size, pieces, detected encoding and delimiter, and data rows. */
async function storeFile(db: Database, workspaceId: string, importId: string, file: AsyncIterable<Buffer>) {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let size = 0;
  let encoding: string | undefined;
  let delimiter: string | undefined;
  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  let counter: RowCounter | undefined;
  const count = (text: string) => {
    if (!delimiter) delimiter = sniffDelimiter(text);
    counter ??= new RowCounter(delimiter);
    counter.push(text);
  };
  const flush = async () => {
    if (pendingBytes === 0) return;
    const piece = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!encoding) {
      encoding = detectEncoding(piece);
      decoder = iconv.getDecoder(encoding);
    }
    count(decoder?.write(piece) ?? '');
    await insertFileChunk(db, workspaceId, importId, seq, piece);
    seq++;
  };
  for await (const data of file) {
    size += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(CHUNK_BYTES - pendingBytes, data.length - offset);
      pending.push(data.subarray(offset, offset + take));
      pendingBytes += take;
      offset += take;
      if (pendingBytes === CHUNK_BYTES) await flush();
    }
  }
  await flush();
  const rest = decoder?.end();
  if (rest) count(rest);
  return { size, chunk_count: seq, encoding: encoding ?? 'utf-8', delimiter: delimiter ?? ',', rows: counter?.rows ?? 0, chunkCount: seq };
}
