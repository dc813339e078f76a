import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, openAsBlob, readFileSync, renameSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { parse } from 'csv-parse';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../server/src/db/database.ts';
import { batchSizeFor } from '../server/src/modules/imports/imports.job.ts';
import { benchDatabaseUrl, benchSession, removeBenchDatabase, startServerProcess, withBenchNode } from './harness.ts';

/** What one backend measured: seconds and rows per second of each step, and the peak memory. */
export type ImportBenchResult = {
  backend: 'pglite' | 'postgres';
  rows: number;
  fileBytes: number;
  copySeconds: number;
  /** The same rows written by hand-written SQL into the same schema (triggers and indexes), in the import's batches. */
  rawSqlSeconds: number;
  importSeconds: number;
  uploadSeconds: number;
  reimportSeconds: number;
  reimportUnchanged: number;
  created: number;
  failed: number;
  peakRssMb: number;
  baselineRssMb: number;
  notes: string[];
};

const customFields = [
  { label: 'Plan', type: 'single_select', options: ['free', 'pro', 'team', 'enterprise'].map((v) => ({ value: v, label: v })) },
  { label: 'Seats', type: 'number' },
  { label: 'Renewal', type: 'date' },
  { label: 'Newsletter', type: 'boolean' },
  { label: 'Region', type: 'text' },
];

const firstNames = [
  'Anna',
  'Ben',
  'Chloé',
  'David',
  'Emma',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Mia',
  'Noah',
  'Olga',
];
const lastNames = ['Müller', 'Smith', 'García', 'Rossi', 'Nowak', 'Dubois', 'Jensen', 'Silva', 'Kowalski', 'Brown', 'Tanaka', 'Olsen'];
const regions = ['EMEA', 'NA', 'LATAM', 'APAC'];

/** Writes a contacts CSV of `rows` rows to `file` (email, names, company on a third, five custom columns), streaming. */
export async function writeContactsCsv(file: string, rows: number): Promise<void> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  out.write('Email,First Name,Last Name,Company,Plan,Seats,Renewal,Newsletter,Region\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const first = firstNames[i % firstNames.length];
    const last = lastNames[(i * 7) % lastNames.length];
    const company = i % 3 === 0 ? `Company ${i % 2000}` : '';
    const day = String(1 + (i % 28)).padStart(2, '0');
    buf += `person${i}@example${i % 97}.com,${first},${last},${company},${['free', 'pro', 'team', 'enterprise'][i % 4]},${1 + (i % 500)},2026-${String(1 + (i % 12)).padStart(2, '0')}-${day},${i % 2 === 0 ? 'yes' : 'no'},${regions[i % 4]}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
  renameSync(partial, file);
}

const bareTable = `CREATE TABLE bare_contacts (email text, first_name text, last_name text, company text, plan text, seats text, renewal text, newsletter text, region text)`;

/** A raw COPY of the file into a bare table, the floor any import is compared with. */
async function rawCopy(backend: 'pglite' | 'postgres', adminUrl: string, file: string): Promise<number> {
  if (backend === 'postgres') {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query('DROP TABLE IF EXISTS bare_contacts');
      await c.query(bareTable);
      const t0 = performance.now();
      await c.query(`COPY bare_contacts FROM '${file}' WITH (FORMAT csv, HEADER true)`);
      const s = (performance.now() - t0) / 1000;
      await c.query('DROP TABLE bare_contacts');
      return s;
    } finally {
      await c.end();
    }
  }
  const db = await PGlite.create();
  try {
    await db.exec(bareTable);
    const blob = await openAsBlob(file);
    const t0 = performance.now();
    await db.query(`COPY bare_contacts FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob });
    return (performance.now() - t0) / 1000;
  } finally {
    await db.close();
  }
}

/**
 * The same work as the import, as raw SQL: the file's rows (loaded first, untimed, into a bare
 * table of the node's database, ids made beforehand like the import makes them) written into the
 * contacts of a new workspace with the same five custom fields, the companies they name created
 * once each and linked, in the import's batch size, one transaction and one statement per table
 * per batch. The triggers keep search words and typed custom values as for any write. What it
 * leaves out is what the import adds on top: reading and checking cells, matching, and
 * remembering what it did (for a revert) and how far it got (for a resume).
 */
async function rawSameWork(db: Database, file: string, batch: number): Promise<number> {
  await db.query(`CREATE TABLE bench_rows (n integer PRIMARY KEY, id uuid, email text, first_name text, last_name text, company text,
    plan text, seats text, renewal text, newsletter text, region text)`);
  try {
    let chunk: string[][] = [];
    let n = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const col = (i: number) => chunk.map((r) => r[i] || null);
      await db.query(
        `INSERT INTO bench_rows SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::text[])`,
        [
          chunk.map((_, i) => n - chunk.length + i + 1),
          chunk.map(() => uuidv7()),
          col(0),
          col(1),
          col(2),
          col(3),
          col(4),
          col(5),
          col(6),
          col(7),
          col(8),
        ],
      );
      chunk = [];
    };
    for await (const record of createReadStream(file).pipe(parse({ from_line: 2 }))) {
      chunk.push(record as string[]);
      n++;
      if (chunk.length >= 10_000) await flush();
    }
    await flush();
    const ws = uuidv7();
    await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'raw SQL baseline')`, [ws]);
    await db.query(
      `INSERT INTO custom_fields (workspace_id, id, object_type, key, label, type, options, position)
       SELECT $1, rapport_uuid_v7(), 'contact', f.key, f.label, f.type, f.options::jsonb, f.pos FROM jsonb_to_recordset($2::jsonb)
         AS f (key text, label text, type text, options text, pos int)`,
      [
        ws,
        JSON.stringify(
          customFields.map((f, pos) => ({
            key: f.label.toLowerCase(),
            label: f.label,
            type: f.type,
            options: JSON.stringify(f.options ?? []),
            pos,
          })),
        ),
      ],
    );
    await db.query('ANALYZE bench_rows');
    const t0 = performance.now();
    for (let from = 1; from <= n; from += batch) {
      const range = [ws, from, from + batch - 1];
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO companies (workspace_id, id, name)
           SELECT $1, rapport_uuid_v7(), x.company FROM (SELECT DISTINCT company FROM bench_rows WHERE n BETWEEN $2 AND $3 AND company IS NOT NULL) x
           WHERE NOT EXISTS (SELECT 1 FROM companies c WHERE c.workspace_id = $1 AND lower(c.name) = lower(x.company))`,
          range,
        );
        await tx.query(
          `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, email_list, custom)
           SELECT $1, r.id, r.first_name, r.last_name, lower(r.email),
             jsonb_build_array(jsonb_build_object('address', lower(r.email), 'label', NULL, 'primary', true)), ARRAY[lower(r.email)],
             jsonb_build_object('plan', r.plan, 'seats', r.seats::numeric, 'renewal', r.renewal, 'newsletter', r.newsletter = 'yes', 'region', r.region)
           FROM bench_rows r WHERE r.n BETWEEN $2 AND $3`,
          range,
        );
        await tx.query(
          `INSERT INTO contact_companies (workspace_id, contact_id, company_id, is_primary)
           SELECT $1, r.id, c.id, true FROM bench_rows r JOIN companies c ON c.workspace_id = $1 AND lower(c.name) = lower(r.company)
           WHERE r.n BETWEEN $2 AND $3`,
          range,
        );
      });
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await db.query('DROP TABLE bench_rows');
  }
}

type ImportView = {
  id: string;
  status: string;
  progress: { rowsDone: number; created: number; updated: number; unchanged: number; failed: number };
};

/** Uploads the file (streamed from disk), starts the import and waits for it to finish. */
async function runImport(
  base: string,
  key: string,
  file: string,
): Promise<{ view: ImportView; uploadSeconds: number; totalSeconds: number }> {
  const auth = { authorization: `Bearer ${key}` };
  const t0 = performance.now();
  const form = new FormData();
  form.append('object', 'contacts');
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const up = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
  const draft = (await up.json()) as ImportView;
  const uploadSeconds = (performance.now() - t0) / 1000;
  const started = await fetch(`${base}/api/v1/imports/${draft.id}/start`, { method: 'POST', headers: auth });
  if (started.status !== 202) throw new Error(`start answered ${started.status}: ${await started.text()}`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const view = (await (await fetch(`${base}/api/v1/imports/${draft.id}`, { headers: auth })).json()) as ImportView;
    if (['completed', 'failed', 'cancelled'].includes(view.status)) {
      if (view.status !== 'completed') throw new Error(`the import ended ${view.status}`);
      return { view, uploadSeconds, totalSeconds: (performance.now() - t0) / 1000 };
    }
  }
}

/**
 * The import benchmark on one backend: a raw COPY; the same work as raw SQL (in this process,
 * on a node that migrated the database); then, on the same database, a full import into an empty
 * workspace and a re-import, through `rapport serve` running in a process of its own, as
 * `npm start` runs it, whose memory is measured apart from the benchmark that drives it.
 */
export async function benchImports(backend: 'pglite' | 'postgres', adminUrl: string, rows: number): Promise<ImportBenchResult> {
  const file = path.join(os.tmpdir(), `imports-bench-${rows}.csv`);
  if (!existsSync(file)) await writeContactsCsv(file, rows);
  const fileBytes = statSync(file).size;
  const notes: string[] = [];
  const copySeconds = await rawCopy(backend, adminUrl, file);
  const name = `rapport_bench_imports_${randomBytes(4).toString('hex')}`;
  try {
    const rawSqlSeconds = await withBenchNode(backend, adminUrl, { worker: false, reuse: name }, (b) =>
      rawSameWork(b.raw, file, batchSizeFor(b.db)),
    );
    const server = await startServerProcess(
      backend === 'postgres' ? { databaseUrl: benchDatabaseUrl(adminUrl, name) } : { dataDir: path.join(os.tmpdir(), name, 'data') },
    );
    try {
      const s = await benchSession(server.base);
      for (const f of customFields) {
        const res = await fetch(`${server.base}/api/v1/custom-fields`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ objectType: 'contact', ...f }),
        });
        if (res.status !== 201) throw new Error(`custom field answered ${res.status}`);
      }
      const baselineRssMb = server.memory().rssMb;
      const first = await runImport(server.base, s.key, file);
      const again = await runImport(server.base, s.key, file);
      const peakRssMb = server.memory().peakMb;
      notes.push(`load average ${os.loadavg()[0]?.toFixed(1)} at the end (other work shares the machine)`);
      return {
        backend,
        rows,
        fileBytes,
        copySeconds,
        rawSqlSeconds,
        importSeconds: first.totalSeconds,
        uploadSeconds: first.uploadSeconds,
        reimportSeconds: again.totalSeconds,
        reimportUnchanged: again.view.progress.unchanged,
        created: first.view.progress.created,
        failed: first.view.progress.failed,
        peakRssMb,
        baselineRssMb,
        notes,
      };
    } finally {
      await server.stop();
    }
  } finally {
    await removeBenchDatabase(backend, adminUrl, name);
  }
}

/**
 * The table rows and notes an earlier run wrote for backends this run did not measure, so the
 * backends can be measured in separate runs (at a size each one's run time allows).
 */
function earlierLines(measured: string[]): { rows: string[]; notes: string[] } {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'performance.md');
  if (!existsSync(file)) return { rows: [], notes: [] };
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf('<!-- bench:imports -->');
  const end = doc.indexOf('<!-- /bench:imports -->');
  if (start < 0 || end < start) return { rows: [], notes: [] };
  const lines = doc.slice(start, end).split('\n');
  const other = (prefix: string) => (l: string) =>
    ['pglite', 'postgres'].some((b) => !measured.includes(b) && l.startsWith(`${prefix}${b}`));
  return { rows: lines.filter(other('| ')), notes: lines.filter(other('- ')) };
}

/** The `<!-- bench:imports -->` section of docs/performance.md. */
export function importsSection(results: ImportBenchResult[], failures: string[]): string {
  const earlier = earlierLines(results.map((r) => r.backend));
  const lines = [
    '## CSV import: contacts with five custom fields, upsert by email',
    '',
    "A generated contacts CSV (email, first and last name, a company on a third of the rows, five custom-field columns: single select, number, date, boolean, text) uploaded through `POST /api/v1/imports` (multipart, streamed from disk) and run as a job to completion, into an empty workspace, then the same file again (every row unchanged). Beside it, in the same run: a raw `COPY` of the file into a bare table of text columns, and the same rows written by raw SQL into the real schema (contacts with their custom fields, companies created once and linked, in the import's batch size; the triggers and indexes every write pays), into another empty workspace of the same database. The import runs in `rapport serve` started as `npm start` starts it (the built server, in a process of its own, the benchmark driving it over HTTP); peak memory is that process's peak resident set (`VmHWM`), idle is its resident set before the upload.",
    '',
    '| backend | rows | file | raw COPY | raw SQL, same work | import (upload + job) | rows/s | × COPY | × raw SQL | of which upload | re-import (unchanged) | peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.backend} | ${r.rows.toLocaleString('en')} | ${(r.fileBytes / 2 ** 20).toFixed(0)} MB | ${r.copySeconds.toFixed(1)} s | ${r.rawSqlSeconds.toFixed(1)} s | ${r.importSeconds.toFixed(1)} s | ${Math.round(r.rows / r.importSeconds).toLocaleString('en')} | ${(r.importSeconds / r.copySeconds).toFixed(1)}× | ${(r.importSeconds / r.rawSqlSeconds).toFixed(2)}× | ${r.uploadSeconds.toFixed(1)} s | ${r.reimportSeconds.toFixed(1)} s (${r.reimportUnchanged.toLocaleString('en')} unchanged) | ${r.peakRssMb} MB (idle ${r.baselineRssMb} MB) |`,
    );
  }
  lines.push(...earlier.rows, '');
  lines.push(...earlier.notes);
  for (const r of results) {
    lines.push(`- ${r.backend}: ${r.created.toLocaleString('en')} created, ${r.failed} failed; ${r.notes.join('; ')}.`);
  }
  for (const f of failures) lines.push(`- ${f}.`);
  lines.push('');
  return lines.join('\n');
}
