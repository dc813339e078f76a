import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** How the CLI reaches a running Rapport: its URL and an API key (flags, else RAPPORT_URL / RAPPORT_API_KEY). */
export type RemoteOptions = { url?: string; apiKey?: string };

/** A failure the CLI reports in one line (no stack trace). */
export class CliError extends Error {}

/** The base URL and authorization header of the Rapport the CLI talks to. */
export function remote(options: RemoteOptions): { base: string; headers: Record<string, string> } {
  const url = options.url ?? process.env.RAPPORT_URL ?? 'http://localhost:3000';
  const apiKey = options.apiKey ?? process.env.RAPPORT_API_KEY;
  if (!apiKey) throw new CliError('an API key is needed: pass --api-key or set RAPPORT_API_KEY (create one in Settings → API keys)');
  return { base: url.replace(/\/+$/, ''), headers: { authorization: `Bearer ${apiKey}` } };
}

/** Sends a request to the API; a problem+json answer becomes a CliError naming the offending fields. */
export async function call(
  options: RemoteOptions,
  method: string,
  path: string,
  body?: string | Uint8Array,
  type?: string,
): Promise<Response> {
  const { base, headers } = remote(options);
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, { method, body, headers: { ...headers, ...(type ? { 'content-type': type } : {}) } });
  } catch (err) {
    throw new CliError(`cannot reach Rapport at ${base}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  if (res.ok) return res;
  const text = await res.text();
  let message = `${res.status} ${res.statusText}`;
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string; errors?: { field: string; message: string }[] };
    const fields = (problem.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join('');
    message = `${problem.detail ?? problem.title ?? message}${fields}`;
  } catch {
    // Not problem+json: the status says enough.
  }
  throw new CliError(message);
}

/** Streams a response body to a file, or to stdout when none is named. */
export async function saveBody(res: Response, out?: string): Promise<void> {
  if (!res.body) throw new CliError('the server sent no body');
  const target: Writable = out ? createWriteStream(out) : process.stdout;
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), target, { end: Boolean(out) });
}

const plurals = ['contacts', 'companies', 'deals', 'activities', 'tasks'] as const;

/** What `rapport export <records>` takes besides the connection. */
export type ListExportOptions = RemoteOptions & { view?: string; filter?: string; sort?: string; columns?: string; out?: string };

/** `--filter` as filter groups: a JSON list of groups (`[{"filters":[…]}]`), or of filters, which make one group. */
function filterGroups(filter: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(filter);
  } catch {
    throw new CliError('--filter must be JSON, e.g. \'[{"field":"lifecycleStage","operator":"eq","value":"customer"}]\'');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const isFilter = (x: unknown) => typeof x === 'object' && x !== null && 'field' in x;
  return list.every(isFilter) ? [{ filters: list }] : list;
}

/**
 * `rapport export contacts --view ID --filter JSON --sort -createdAt --columns a,b [--out FILE]`:
 * a list as CSV, streamed from the server to stdout or the file as it is read.
 */
export async function runListExport(records: string, options: ListExportOptions): Promise<void> {
  if (!plurals.includes(records as (typeof plurals)[number])) {
    throw new CliError(`cannot export "${records}": choose one of ${plurals.join(', ')}, or workspace`);
  }
  const body: Record<string, unknown> = {};
  if (options.filter) body.filterGroups = filterGroups(options.filter);
  if (options.sort) {
    const desc = options.sort.startsWith('-');
    body.sort = [{ field: desc ? options.sort.slice(1) : options.sort, direction: desc ? 'desc' : 'asc' }];
  }
  if (options.columns)
    body.columns = options.columns
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
  const query = options.view ? `?view=${encodeURIComponent(options.view)}` : '';
  const res = await call(options, 'POST', `/${records}/export${query}`, JSON.stringify(body), 'application/json');
  await saveBody(res, options.out);
}
