import { existsSync, openAsBlob, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, call, type RemoteOptions, remote, saveBody } from './export.ts';

/** What `rapport import <object> <file>` takes besides the connection. */
export type ImportOptions = RemoteOptions & { upsert?: string; template?: string; dryRun?: boolean; dateFormat?: string; errors?: string };

type ImportView = {
  id: string;
  status: string;
  encoding: string;
  delimiter: string;
  mapping: { column: string; field: string | null }[];
  progress: {
    rowsTotal: number | null;
    rowsDone: number;
    created: number;
    updated: number;
    unchanged: number;
    failed: number;
    rowsPerSecond: number | null;
    etaSeconds: number | null;
  };
  errorsByKind: Record<string, number>;
  error: string | null;
};

const objects = ['contacts', 'companies', 'deals', 'activities'];
const n = (x: number) => x.toLocaleString('en');

/** A duration as people read it: 1h02m, 3m05s, 12s. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One line of progress: a bar, done/total, rows per second and the time left. */
export function progressLine(p: ImportView['progress']): string {
  const width = 24;
  const share = p.rowsTotal ? Math.min(1, p.rowsDone / p.rowsTotal) : 0;
  const bar = `${'#'.repeat(Math.round(share * width))}${'-'.repeat(width - Math.round(share * width))}`;
  const total = p.rowsTotal === null ? '?' : n(p.rowsTotal);
  const rate = p.rowsPerSecond === null ? '' : `  ${n(p.rowsPerSecond)} rows/s`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${duration(p.etaSeconds)}`;
  return `[${bar}] ${n(p.rowsDone)}/${total} rows${rate}${eta}`;
}

/** Uploads the file as multipart (streamed from disk), answering the draft import. */
async function upload(object: string, file: string, opts: ImportOptions): Promise<ImportView> {
  const { base, headers } = remote(opts);
  const form = new FormData();
  form.append('object', object);
  if (opts.template) form.append('templateId', opts.template);
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers, body: form });
  } catch (err) {
    throw new CliError(`cannot reach Rapport at ${base}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as ImportView & { detail?: string; errors?: { field: string; message: string }[] };
  if (res.status !== 201) {
    throw new CliError(
      `${body.detail ?? `${res.status} ${res.statusText}`}${(body.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join('')}`,
    );
  }
  return body;
}

const json = (body: unknown) => [JSON.stringify(body), 'application/json'] as const;

/**
 * `rapport import <object> FILE.csv`: uploads the file to a running Rapport, applies the options,
 * then either prints a dry run or starts the import and shows its progress on stderr until it
 * finishes. Returns the summary line; throws CliError when the import cannot run or ends badly.
 */
export async function runImportCommand(object: string, file: string, opts: ImportOptions): Promise<string> {
  if (!objects.includes(object)) throw new CliError(`cannot import ${object}: choose one of ${objects.join(', ')}`);
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`no such file: ${file}`);
  const err = process.stderr;
  let imp = await upload(object, file, opts);
  const patch = { ...(opts.upsert ? { upsertKey: opts.upsert } : {}), ...(opts.dateFormat ? { dateFormat: opts.dateFormat } : {}) };
  if (Object.keys(patch).length > 0) imp = (await (await call(opts, 'PATCH', `/imports/${imp.id}`, ...json(patch))).json()) as ImportView;
  const delimiter = imp.delimiter === '\t' ? 'tab' : imp.delimiter;
  err.write(`Read ${path.basename(file)}: ${imp.encoding}, delimiter ${delimiter}, ${n(imp.progress.rowsTotal ?? 0)} rows\n`);
  for (const m of imp.mapping) err.write(`  ${m.column} → ${m.field ?? '(skipped)'}\n`);
  if (opts.dryRun) {
    const dry = (await (await call(opts, 'POST', `/imports/${imp.id}/dry-run`)).json()) as {
      counts: { rows: number; create: number; update: number; unchanged: number; error: number };
      errorsByKind: Record<string, number>;
    };
    const kinds = Object.entries(dry.errorsByKind).map(([k, v]) => `${k} ${n(v)}`);
    return `Dry run of ${n(dry.counts.rows)} rows: ${n(dry.counts.create)} to create, ${n(dry.counts.update)} to update, ${n(dry.counts.unchanged)} unchanged, ${n(dry.counts.error)} with errors${kinds.length ? ` (${kinds.join(', ')})` : ''}. Nothing was written; the draft is import ${imp.id}.`;
  }
  imp = (await (await call(opts, 'POST', `/imports/${imp.id}/start`)).json()) as ImportView;
  const cancel = () => {
    err.write('\nCancelling…\n');
    void call(opts, 'POST', `/imports/${imp.id}/cancel`).finally(() => process.exit(130));
  };
  process.once('SIGINT', cancel);
  const tty = Boolean(err.isTTY);
  let lastLine = 0;
  try {
    while (!['completed', 'failed', 'cancelled'].includes(imp.status)) {
      await sleep(500);
      imp = (await (await call(opts, 'GET', `/imports/${imp.id}`)).json()) as ImportView;
      if (tty) err.write(`\r${progressLine(imp.progress)}\x1b[K`);
      else if (Date.now() - lastLine > 5000) {
        err.write(`${progressLine(imp.progress)}\n`);
        lastLine = Date.now();
      }
    }
  } finally {
    process.removeListener('SIGINT', cancel);
  }
  err.write(`${tty ? '\r' : ''}${progressLine(imp.progress)}\n`);
  const p = imp.progress;
  if (imp.status !== 'completed')
    throw new CliError(`the import ${imp.status}${imp.error ? `: ${imp.error}` : ''} after ${n(p.rowsDone)} rows`);
  const kinds = Object.entries(imp.errorsByKind).map(([k, v]) => `${k} ${n(v)}`);
  let summary = `Imported ${n(p.rowsDone)} rows: ${n(p.created)} created, ${n(p.updated)} updated, ${n(p.unchanged)} unchanged, ${n(p.failed)} failed${kinds.length ? ` (${kinds.join(', ')})` : ''}.`;
  if (p.failed > 0) {
    if (opts.errors) {
      await saveBody(await call(opts, 'GET', `/imports/${imp.id}/errors.csv`), opts.errors);
      summary += ` The bad rows are in ${opts.errors}.`;
    } else summary += ` Get the bad rows with --errors FILE, or from /api/v1/imports/${imp.id}/errors.csv.`;
  }
  return summary;
}
