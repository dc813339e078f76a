import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchCrm, type CrmResult } from './crm.ts';
import { benchWebFirstLoad, type WebFirstLoad } from './crm-web.ts';
import { type BackendResult, benchFoundation } from './foundation.ts';
import { benchImports, type ImportBenchResult, importsSection } from './imports.ts';
import { ms } from './stats.ts';

/** `npm run bench`: runs each benchmark on PGlite and PostgreSQL and writes docs/performance.md. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function postgresReachable(): Promise<boolean> {
  if (process.env.BENCH_SKIP_POSTGRES === '1') return false;
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

function foundationSection(results: BackendResult[], skipped: string | null): string {
  const lines = [
    '## Foundation: the server stays responsive',
    '',
    'Authenticated point reads (`GET /api/v1/members/{id}` with an API key) over real HTTP, 4 in flight,',
    'beside the same read as raw SQL (the key lookup and the member row) on the same database in the',
    'same run; and how late a 10 ms timer fires on the HTTP thread meanwhile. Milliseconds.',
    '',
    '| backend | condition | HTTP p50 | HTTP p95 | HTTP p99 | HTTP max | raw SQL p99 | p99 ratio | timer lag p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const c of r.conditions) {
      lines.push(
        `| ${r.backend} | ${c.name} | ${ms(c.http.p50)} | ${ms(c.http.p95)} | ${ms(c.http.p99)} | ${ms(c.http.max)} | ${ms(c.raw.p99)} | ${(c.http.p99 / Math.max(c.raw.p99, 0.01)).toFixed(1)}× | ${ms(c.lagMs.p99)} |`,
      );
    }
  }
  lines.push('');
  for (const r of results) lines.push(`- ${r.backend}: the long query alone takes ${ms(r.longQueryMs)} ms.`);
  if (skipped) lines.push(`- PostgreSQL was skipped: ${skipped}.`);
  lines.push(
    '',
    'What it shows: PGlite runs on its own worker thread, so the HTTP thread never stalls — timer lag',
    'stays in milliseconds while a long report runs, and requests that need no database answer at once.',
    'But PGlite has a single connection: a point read that needs the database waits its turn behind a',
    'running statement, so on the embedded database its p99 under a long query is about that query’s',
    'length (the raw SQL read waits the same). PostgreSQL serves reads on other connections and is',
    'unaffected. Short jobs interleave with reads on both. Heavy reporting belongs on PostgreSQL.',
    '',
  );
  return lines.join('\n');
}

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers, keeping the others. */
function writeSection(name: string, body: string): void {
  const file = path.join(root, 'docs', 'performance.md');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const machine = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}.`;
  const block = `${start}\n${body}\n${machine}\n${end}`;
  let doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Performance\n\nFigures from `npm run bench` (see bench/). Machines are noisy: compare ratios, not absolute times.\n\n';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, doc);
}

function crmSection(backend: string, results: CrmResult[], failures: string[]): string {
  const first = results[0];
  const lines = [
    `## CRM core on ${backend === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}: records, lists, search and batch writes`,
    '',
    first
      ? `Seeded at scale ${first.scale}: ${first.counts.contacts.toLocaleString('en')} contacts, ${first.counts.companies.toLocaleString('en')} companies, ${first.counts.deals.toLocaleString('en')} deals, ${first.counts.activities.toLocaleString('en')} activities (the issue's figures are scale 1). Through the authenticated HTTP API, beside the same work as raw SQL. Milliseconds.`
      : '',
    '',
    '| backend | scenario | target | HTTP p50 | HTTP p95 | raw SQL p95 | p95 ratio | raw SQL p95, as the server does it | p95 ratio to it |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const ratio = (a: number, b: number) => `${(a / Math.max(b, 0.01)).toFixed(1)}×`;
  for (const r of results) {
    for (const s of r.scenarios) {
      const asServer = s.rawAsServer ? `| ${ms(s.rawAsServer.p95)} | ${ratio(s.http.p95, s.rawAsServer.p95)} |` : '| — | — |';
      lines.push(
        `| ${r.backend} | ${s.name} | ${s.target} | ${ms(s.http.p50)} | ${ms(s.http.p95)} | ${ms(s.raw.p95)} | ${ratio(s.http.p95, s.raw.p95)} ${asServer}`,
      );
    }
  }
  lines.push('');
  for (const r of results) {
    lines.push(
      `- ${r.backend} seed times${r.seedReused ? ' (of the run that made the kept database, BENCH_REUSE=1)' : ''}: ${Object.entries(
        r.seedMs,
      )
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')}.`,
    );
  }
  for (const r of results) for (const n of r.notes) lines.push(`- ${r.backend}: ${n}.`);
  for (const f of failures) lines.push(`- ${f}.`);
  lines.push('');
  return lines.join('\n');
}

function webSection(results: WebFirstLoad[], failures: string[]): string {
  const lines = [
    '## Web app: first load of the contacts list in Chromium',
    '',
    'The contacts list opened in Debian Chromium by a browser that signed in before (its session',
    'cookie and remembered workspace, nothing in its HTTP cache), from navigation start to the first',
    'record’s row on screen, on the CRM benchmark’s seeded workspace (on PGlite without its',
    'activities, which the first screen does not read); beside it, the list’s first page query as raw',
    'SQL. Milliseconds.',
    '',
    '| backend | contacts | target | p50 | p95 | raw SQL p95 | p95 ratio | load average (1 min) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.backend} | ${r.counts.contacts.toLocaleString('en')} (scale ${r.scale}) | ≤ 1 s | ${ms(r.http.p50)} | ${ms(r.http.p95)} | ${ms(r.raw.p95)} | ${(r.http.p95 / Math.max(r.raw.p95, 0.01)).toFixed(1)}× | ${r.load.map((l) => l.toFixed(1)).join(' → ')} |`,
    );
  }
  lines.push('');
  for (const r of results)
    lines.push(`- ${r.backend}: requests before the first rows (last load): ${r.requests.map((u) => `\`${u}\``).join(', ')}.`);
  for (const f of failures) lines.push(`- ${f}.`);
  lines.push('');
  return lines.join('\n');
}

const only = process.env.BENCH_ONLY;
const pgOk = await postgresReachable();
const skipped = pgOk ? null : `no PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//')}`;
if (!only || only === 'foundation') {
  const results: BackendResult[] = [await benchFoundation('pglite', adminUrl)];
  if (pgOk) results.push(await benchFoundation('postgres', adminUrl));
  const section = foundationSection(results, skipped);
  console.log(section);
  writeSection('foundation', section);
}
if (!only || only === 'crm') {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  // PostgreSQL first: at full scale the embedded run takes longest, and each finished backend is written at once.
  const backends = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as ('postgres' | 'pglite')[];
  // One section per backend, so each can be measured at the scale its run time allows.
  for (const backend of backends) {
    const results: CrmResult[] = [];
    const failures: string[] = [];
    if (backend === 'postgres' && !pgOk) failures.push(`postgres: skipped, ${skipped}`);
    else {
      try {
        results.push(await benchCrm(backend, adminUrl, scale));
      } catch (err) {
        failures.push(`${backend}: failed, ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const section = crmSection(backend, results, failures);
    console.log(section);
    writeSection(`crm-${backend}`, section);
  }
}
if (only === 'imports' || !only) {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
  const results: ImportBenchResult[] = [];
  const failures: string[] = [];
  for (const backend of (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as ('postgres' | 'pglite')[]) {
    if (backend === 'postgres' && !pgOk) {
      failures.push(`postgres: skipped, ${skipped}`);
      continue;
    }
    try {
      results.push(await benchImports(backend, adminUrl, rows));
    } catch (err) {
      failures.push(`${backend}: failed, ${err instanceof Error ? err.message : String(err)}`);
    }
    const section = importsSection(results, failures);
    console.log(section);
    writeSection('imports', section);
  }
}
if (!only || only === 'crm-web') {
  // The seed is the CRM benchmark's: BENCH_REUSE=1 opens the kept database of BENCH_SCALE (per backend:
  // BENCH_WEB_SCALE_PGLITE, since the embedded seed takes longest).
  const results: WebFirstLoad[] = [];
  const failures: string[] = [];
  for (const backend of (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',') as ('postgres' | 'pglite')[]) {
    if (backend === 'postgres' && !pgOk) {
      failures.push(`postgres: skipped, ${skipped}`);
      continue;
    }
    const scale = Number((backend === 'pglite' ? process.env.BENCH_WEB_SCALE_PGLITE : undefined) ?? process.env.BENCH_SCALE ?? 1);
    try {
      results.push(await benchWebFirstLoad(backend, adminUrl, scale));
    } catch (err) {
      failures.push(`${backend}: failed, ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    const section = webSection(results, failures);
    console.log(section);
    writeSection('crm-web', section);
  }
}
console.log('Wrote docs/performance.md');
process.exit(0);
