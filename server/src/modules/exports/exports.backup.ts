import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { Ctx } from '../../context.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { exportObjects } from './exports.columns.ts';
import { csvChunks } from './exports.csv.ts';
import { allRecordsCsv, objectPlural } from './exports.list.ts';
import { backupUsers, readTableRows } from './exports.repo.ts';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, backupTables, jsonlName, omittedFromBackup } from './exports.tables.ts';

const PAGE = 1000;

/** What manifest.json says: the format, where and when the backup was taken, and how many rows each file holds. */
export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  rapportVersion: string;
  exportedAt: string;
  workspace: { id: string; name: string };
  counts: Record<string, number>;
  files: { csv: string[]; jsonl: string[] };
  /** What the backup leaves out on purpose, and why (format 2 on). */
  omitted?: { what: string; why: string }[];
};

const text = (value: string) => Buffer.from(value, 'utf8');

/** README.txt: what the zip holds and what it leaves out, for whoever opens it without Rapport. */
function backupReadme(workspaceName: string, exportedAt: string): string {
  const lines = [
    `Rapport workspace backup of "${workspaceName}", taken ${exportedAt}.`,
    '',
    'manifest.json     the format, its version and how many rows each file holds',
    'workspace.json    the workspace name and settings',
    '*.csv             live records per type, labelled columns, for spreadsheets',
    'data/*.jsonl      every row of each table (trash included), one JSON object a line',
    'data/users.jsonl  the people the data names; a restore matches them to members by email',
    '',
    'Restore it into an empty workspace: Settings > Data, or POST /api/v1/workspace/import.',
    '',
    'Left out on purpose:',
    ...omittedFromBackup.map((o) => `- ${o.what}: ${o.why}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** A table's rows as JSON Lines, a page at a time; counts them as they go. */
async function* tableLines(ctx: Ctx, spec: (typeof backupTables)[number], counts: Record<string, number>): AsyncGenerator<Buffer> {
  let after: unknown[] | null = null;
  counts[spec.table] = 0;
  do {
    const page = await readTableRows(ctx.tx, ctx.workspaceId, spec, after, PAGE);
    counts[spec.table] = (counts[spec.table] ?? 0) + page.json.length;
    if (page.json.length > 0) yield text(`${page.json.join('\n')}\n`);
    after = page.lastKey;
  } while (after);
}

/** An object's live records as CSV, every column, for people and spreadsheets; read only when the zip reaches it. */
function recordsCsv(ctx: Ctx, object: (typeof exportObjects)[number]): Readable {
  return Readable.from(
    csvChunks(
      (async function* () {
        yield* await allRecordsCsv(ctx, object);
      })(),
    ),
  );
}

/**
 * Writes a whole workspace as a zip to `out`: per record type a CSV (live records, labelled
 * columns), per table a JSON Lines file of every row (trashed ones too, custom values, links,
 * stage history, consent history, timeline, views), the users it names (users.jsonl, for
 * mapping by email), the workspace's settings, and manifest.json last with the counts. Entries
 * are produced one after the other as the zip is read, so memory holds one page at a time.
 * Runs in `ctx`'s transaction, which the caller makes a snapshot.
 */
export async function writeWorkspaceBackup(ctx: Ctx, out: Writable, rapportVersion: string): Promise<BackupManifest> {
  const workspace = await findWorkspace(ctx.tx, ctx.workspaceId);
  const zip = new ZipFile();
  const counts: Record<string, number> = {};
  const output = zip.outputStream as Readable;
  const fail = (err: Error) => output.destroy(err);
  const add = (stream: Readable, name: string) => {
    stream.on('error', fail);
    zip.addReadStream(stream, name);
  };
  const users = await backupUsers(ctx.tx, ctx.workspaceId);
  counts.users = users.length;
  zip.addBuffer(text(users.map((u) => JSON.stringify(u)).join('\n') + (users.length > 0 ? '\n' : '')), 'data/users.jsonl');
  const exportedAt = new Date().toISOString();
  zip.addBuffer(text(backupReadme(workspace?.name ?? '', exportedAt)), 'README.txt');
  zip.addBuffer(text(JSON.stringify({ name: workspace?.name ?? '', settings: workspace?.settings ?? {} }, null, 2)), 'workspace.json');
  const csvFiles = exportObjects.map((o) => `${objectPlural[o]}.csv`);
  for (const object of exportObjects) add(recordsCsv(ctx, object), `${objectPlural[object]}.csv`);
  for (const spec of backupTables) add(Readable.from(tableLines(ctx, spec, counts)), jsonlName(spec.table));
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    rapportVersion,
    exportedAt,
    workspace: { id: ctx.workspaceId, name: workspace?.name ?? '' },
    counts,
    files: { csv: csvFiles, jsonl: ['data/users.jsonl', ...backupTables.map((s) => jsonlName(s.table))] },
    omitted: omittedFromBackup,
  };
  // Read after every other entry, so the counts are complete.
  add(
    Readable.from(
      (async function* () {
        yield text(JSON.stringify(manifest, null, 2));
      })(),
    ),
    'manifest.json',
  );
  zip.end();
  await pipeline(output, out);
  return manifest;
}
