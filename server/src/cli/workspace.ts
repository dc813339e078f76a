import { readFile } from 'node:fs/promises';
import { CliError, call, type RemoteOptions, saveBody } from './export.ts';

/** `rapport export workspace [--out FILE]`: the whole workspace as a backup zip, streamed to stdout or the file. */
export async function runWorkspaceExport(options: RemoteOptions & { out?: string }): Promise<void> {
  if (!options.out && process.stdout.isTTY)
    throw new CliError('a zip would go to the terminal: pass --out FILE or redirect, e.g. > backup.zip');
  const res = await call(options, 'GET', '/workspace/export');
  await saveBody(res, options.out);
}

type RestoreReport = {
  source: { name: string; exportedAt: string };
  restored: Record<string, number>;
  users: { mapped: { email: string }[]; missing: { email: string }[] };
  viewsReassigned: number;
  webhooksDisabled: number;
  formsWithNewPublicId: { name: string; publicId: string }[];
};

/**
 * `rapport import workspace FILE.zip`: restores a backup into the (empty) workspace of the API
 * key, and prints what came back; people who are not members here are listed.
 */
export async function runWorkspaceImport(file: string, options: RemoteOptions): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const res = await call(options, 'POST', '/workspace/import', new Uint8Array(bytes), 'application/zip');
  const report = (await res.json()) as RestoreReport;
  const rows = Object.entries(report.restored).map(([table, n]) => `  ${table}: ${n}`);
  const missing = report.users.missing.map((u) => u.email);
  return [
    `Restored "${report.source.name}" (exported ${report.source.exportedAt}):`,
    ...rows,
    `People matched by email: ${report.users.mapped.length}`,
    ...(missing.length > 0 ? [`Not members here (their records have no owner now): ${missing.join(', ')}`] : []),
    ...(report.viewsReassigned > 0 ? [`Saved views now yours: ${report.viewsReassigned}`] : []),
    ...(report.webhooksDisabled > 0
      ? [`Webhooks restored disabled (a backup has no signing secrets; rotate, share, enable): ${report.webhooksDisabled}`]
      : []),
    ...report.formsWithNewPublicId.map((f) => `Form "${f.name}" has a new public id (the old one is taken here): ${f.publicId}`),
  ].join('\n');
}
