import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Ctx } from '../../context.ts';
import { DatabaseError } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import type { BackupManifest } from './exports.backup.ts';
import { recordDataTransfer } from './exports.repo.ts';
import {
  deletePipelines,
  insertBackupRows,
  membersByEmail,
  nonEmptyTables,
  restoreSettings,
  setCompanyParents,
  writableColumns,
} from './exports.restore.repo.ts';
import { adaptRows, type RestoreState } from './exports.restore.rows.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, backupTables, jsonlName, OLDEST_FORMAT_VERSION } from './exports.tables.ts';

const BATCH = 1000;

/** What a restore did: rows per table, and how the backup's people were matched to this workspace's members. */
export type RestoreReport = {
  source: { workspaceId: string; name: string; exportedAt: string };
  restored: Record<string, number>;
  users: { mapped: { email: string; name: string }[]; missing: { email: string; name: string }[] };
  /** Saved views whose owner is not a member here; they now belong to the person restoring. */
  viewsReassigned: number;
  /** Webhook subscriptions restored disabled with a new secret (a backup carries none). */
  webhooksDisabled: number;
  /** Forms whose public id another form on this server has: they got a new one. */
  formsWithNewPublicId: { id: string; name: string; publicId: string }[];
};

const badBackup = (message: string, detail = message) => new AppError('validation_failed', message, [{ field: 'body', message: detail }]);

type Zip = { entries: Map<string, yauzl.Entry>; open: (name: string) => Promise<Readable> };

/** The entries of a zip held in memory, and a way to read each. */
function openZip(bytes: Buffer): Promise<Zip> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(badBackup('The file is not a zip archive', err?.message ?? 'Not a zip'));
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.on('error', (e: Error) => reject(badBackup('The zip archive is damaged', e.message)));
      zip.on('end', () =>
        resolve({
          entries,
          open: (name) =>
            new Promise((res, rej) => {
              const entry = entries.get(name);
              if (!entry) return rej(badBackup(`The backup has no ${name}`));
              zip.openReadStream(entry, (e, stream) => (e || !stream ? rej(badBackup(`Cannot read ${name}`, e?.message)) : res(stream)));
            }),
        }),
      );
      zip.readEntry();
    });
  });
}

/** The JSON objects of a JSON Lines entry, a batch at a time; a line that is not JSON is named in the error. */
async function* jsonLines(zip: Zip, name: string): AsyncGenerator<Record<string, unknown>[]> {
  const lines = createInterface({ input: await zip.open(name), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: Record<string, unknown>[] = [];
  let n = 0;
  try {
    for await (const line of lines) {
      n += 1;
      if (line.trim() === '') continue;
      try {
        batch.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        throw badBackup(`${name} is damaged`, `${name} line ${n} is not JSON`);
      }
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    throw err instanceof AppError ? err : badBackup(`${name} is damaged`, (err as Error).message);
  }
  if (batch.length > 0) yield batch;
}

async function readJson<T>(zip: Zip, name: string): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.open(name)) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch {
    throw badBackup(`${name} is not JSON`);
  }
}

/** The tables a backup of this manifest's format version holds. */
const tablesOf = (manifest: BackupManifest) => backupTables.filter((spec) => (spec.since ?? 1) <= manifest.formatVersion);

/** Checks what the backup says it is before anything is written. */
async function readManifest(zip: Zip): Promise<BackupManifest> {
  if (!zip.entries.has('manifest.json')) throw badBackup('This is not a Rapport workspace backup', 'The zip has no manifest.json');
  const manifest = await readJson<BackupManifest>(zip, 'manifest.json');
  if (manifest?.format !== BACKUP_FORMAT)
    throw badBackup('This is not a Rapport workspace backup', 'manifest.json format is not rapport-workspace');
  const version = manifest.formatVersion;
  if (!Number.isInteger(version) || version < OLDEST_FORMAT_VERSION || version > BACKUP_FORMAT_VERSION) {
    throw badBackup(
      `This backup is format version ${version}; this Rapport restores versions ${OLDEST_FORMAT_VERSION} to ${BACKUP_FORMAT_VERSION}`,
      `Unsupported formatVersion ${version}`,
    );
  }
  const missing = ['data/users.jsonl', ...tablesOf(manifest).map((s) => jsonlName(s.table))].filter((f) => !zip.entries.has(f));
  if (missing.length > 0) throw badBackup('The backup is incomplete', `Missing ${missing.join(', ')}`);
  return manifest;
}

/**
 * Restores a workspace backup (the zip of GET /workspace/export, format 1 or 2) into this
 * workspace, which must hold no records, custom fields, forms or webhooks (409 otherwise). Rows
 * keep their ids; people are matched to this workspace's members by email, and those who are not
 * members leave their records without an owner (reported). The backup's pipelines replace the
 * workspace's default one, and its settings are applied. Webhook subscriptions come back disabled
 * with a new secret; forms keep their public id unless another form on this server has it. Runs in the caller's transaction: a bad file or a refused row rolls
 * back everything, so nothing is half restored.
 */
export async function restoreWorkspace(ctx: Ctx, bytes: Buffer): Promise<RestoreReport> {
  authorize(ctx, 'workspace.import');
  const zip = await openZip(bytes);
  const manifest = await readManifest(zip);
  const occupied = await nonEmptyTables(ctx.tx, ctx.workspaceId);
  if (occupied.length > 0) {
    throw new AppError(
      'conflict',
      'A backup is restored into an empty workspace; this one already has data',
      occupied.map((t) => ({ field: t, message: 'Has rows' })),
    );
  }

  const members = await membersByEmail(ctx.tx, ctx.workspaceId);
  const state: RestoreState = {
    ctx,
    sourceWorkspaceId: manifest.workspace.id,
    users: new Map(),
    userFields: new Map(),
    parents: [],
    viewsReassigned: 0,
    webhooksDisabled: 0,
    formsWithNewPublicId: [],
  };
  const users: RestoreReport['users'] = { mapped: [], missing: [] };
  for await (const batch of jsonLines(zip, 'data/users.jsonl')) {
    for (const u of batch as { id: string; email: string; name: string }[]) {
      const id = members.get(String(u.email).toLowerCase()) ?? null;
      state.users.set(u.id, id);
      (id ? users.mapped : users.missing).push({ email: u.email, name: u.name });
    }
  }

  await deletePipelines(ctx.tx, ctx.workspaceId);
  const restored: Record<string, number> = {};
  for (const spec of tablesOf(manifest)) {
    const file = jsonlName(spec.table);
    const columns = await writableColumns(ctx.tx, spec.table);
    let count = 0;
    for await (const batch of jsonLines(zip, file)) {
      await adaptRows(spec, batch, state);
      try {
        count += await insertBackupRows(ctx.tx, ctx.workspaceId, spec.table, columns, batch, spec.table === 'saved_views');
      } catch (err) {
        if (err instanceof DatabaseError) throw badBackup(`The backup's ${file} could not be restored`, `${file}: ${err.message}`);
        throw err;
      }
    }
    const expected = manifest.counts[spec.table];
    if (expected !== undefined && expected !== count && spec.table !== 'saved_views') {
      throw badBackup('The backup is incomplete', `${file} holds ${count} rows; the manifest says ${expected}`);
    }
    restored[spec.table] = count;
  }
  await setCompanyParents(ctx.tx, ctx.workspaceId, state.parents);
  if (zip.entries.has('workspace.json')) {
    const workspace = await readJson<{ settings?: Record<string, unknown> }>(zip, 'workspace.json');
    if (workspace.settings && typeof workspace.settings === 'object') await restoreSettings(ctx.tx, ctx.workspaceId, workspace.settings);
  }
  const report: RestoreReport = {
    source: { workspaceId: manifest.workspace.id, name: manifest.workspace.name, exportedAt: manifest.exportedAt },
    restored,
    users,
    viewsReassigned: state.viewsReassigned,
    webhooksDisabled: state.webhooksDisabled,
    formsWithNewPublicId: state.formsWithNewPublicId,
  };
  await recordDataTransfer(ctx, {
    recordType: 'workspace',
    action: 'import',
    details: { source: report.source, restored: report.restored, missingUsers: report.users.missing.map((u) => u.email) },
  });
  return report;
}
