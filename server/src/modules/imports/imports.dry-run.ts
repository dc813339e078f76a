import { stringify } from 'csv-stringify/sync';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import { guardFormula } from '../exports/exports.csv.ts';
import { loadImportEnv, type PlannedRow, tallyPlan } from './imports.engine.ts';
import { importEngines } from './imports.engines.ts';
import { indexKeys, recordBatches } from './imports.job.ts';
import { importErrorsPage } from './imports.repo.ts';
import type { DryRun } from './imports.schema.ts';
import { getImport } from './imports.service.ts';

const SHOWN_ROWS = 20;

/** The engine of an object, or a 422 for one Rapport cannot import yet. */
export function engineFor(object: string) {
  const engine = importEngines[object as keyof typeof importEngines];
  if (!engine) throw new AppError('unprocessable', `Importing ${object} is not supported`, [{ field: 'object', message: 'Not supported' }]);
  return engine;
}

/**
 * Plans every row of the file exactly as the import would, without writing: the first rows as
 * they would be stored, and counts by action and by error kind.
 */
export async function dryRunImport(ctx: Ctx, id: string, batchSize: number): Promise<DryRun> {
  authorize(ctx, 'imports.manage');
  const row = await getImport(ctx, id);
  const engine = engineFor(row.object_type);
  const env = await loadImportEnv(ctx, row);
  await indexKeys(ctx.tx, row, engine, env);
  const shown: PlannedRow[] = [];
  const counts = { rows: 0, create: 0, update: 0, unchanged: 0, error: 0 };
  const errorsByKind: Record<string, number> = {};
  for await (const batch of recordBatches(ctx.tx, row, 0, batchSize)) {
    const plan = await engine.plan(ctx, env, batch, { lock: false });
    for (const r of plan.rows) if (shown.length < SHOWN_ROWS) shown.push(r);
    const t = tallyPlan(plan.rows);
    counts.rows += batch.length;
    counts.create += t.created;
    counts.update += t.updated;
    counts.unchanged += t.unchanged;
    counts.error += t.failed;
    for (const [k, n] of Object.entries(t.errorsByKind)) errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
  }
  return { rows: shown, counts, errorsByKind };
}

/**
 * A cell of the error report, safe to open in a spreadsheet: text that would start a formula is
 * guarded like any export's; a plain number (a negative amount, a phone in +44 form) is kept as
 * it was, so the fixed file imports the same values.
 */
function reportCell(value: string): string {
  return /^[+-]?[\d][\d ().,]*$/.test(value) ? value : guardFormula(value);
}

const csvLine = (cells: string[]) => stringify([cells.map(reportCell)], { record_delimiter: '\r\n' });

/**
 * The bad rows of an import as CSV, streamed a page at a time: the file's own columns, then
 * `row` (1-based data row) and `error` (every reason).
 */
export async function* errorsCsv(db: Database, workspaceId: string, importId: string, headers: string[]): AsyncGenerator<string> {
  yield csvLine([...headers, 'row', 'error']);
  let after = 0;
  for (;;) {
    const page = await importErrorsPage(db, workspaceId, importId, after, 1000);
    if (page.length === 0) return;
    let out = '';
    for (const e of page) {
      // One cell per header (a ragged row is padded or cut), so `row` and `error` stay aligned.
      const cells = headers.map((_, i) => e.raw[i] ?? '');
      out += csvLine([...cells, String(e.row), e.message]);
    }
    yield out;
    after = page.at(-1)?.row ?? after;
  }
}
