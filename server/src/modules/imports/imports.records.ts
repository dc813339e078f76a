import type { Ctx } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { sameJson } from '../../lib/stable-json.ts';
import { normaliseCurrency, normaliseDomain } from '../companies/companies.normalize.ts';
import { normalisePhone } from '../contacts/contacts.normalize.ts';
import { type CompanyRef, companyRefOf, resolveCompanies } from './imports.company-match.ts';
import {
  type BatchPlan,
  cell,
  customCells,
  errorRow,
  type ImportEngine,
  type ImportEnv,
  markSuperseded,
  memberOf,
  type PlannedRow,
} from './imports.engine.ts';
import type { CsvRecord } from './imports.parse.ts';
import { insertImportErrors, insertImportRecords } from './imports.repo.ts';
import { restoreFields, trashRecords } from './imports.revert.ts';
import { type CellError, parseDate, parseNumber } from './imports.values.ts';

/** A writable column of a record an import sets: its SQL type and API name. */
type Column = { name: string; sql: string; api: string };

type Values = Record<string, unknown>;

/** How a record type without email lists imports (companies, deals): its columns and how a row reads. */
type RecordSpec = {
  recordType: string;
  table: 'companies' | 'deals';
  columns: Column[];
  /** The column each upsert key matches on. */
  keyColumns: Partial<Record<string, string>>;
  /** Prepares what reading rows needs (pipelines …) once per batch. */
  prepare(ctx: Ctx, env: ImportEnv): Promise<unknown>;
  /** Reads a row's cells: the values it sets, and a company it names. */
  read(env: ImportEnv, cells: string[], errors: CellError[], prepared: unknown): { values: Values; company?: CompanyRef };
  /** The values of a new record before the row's are laid over it; an error when a required one is missing. */
  defaults(env: ImportEnv, values: Values, prepared: unknown): Values | CellError;
  /** Rows to add for new records (a deal's first stage stay). */
  afterCreate?(ctx: Ctx, created: Values[]): Promise<void>;
};

/** Builds an import engine for a record type from its spec; the same plan and write as contacts, without email lists. */
function recordEngine(spec: RecordSpec): ImportEngine {
  const fieldNames = Object.fromEntries(spec.columns.map((c) => [c.name, c.api]));
  const select = spec.columns.map((c) => `r.${c.name}`).join(', ');
  const shape = `r (id uuid, ${spec.columns.map((c) => `${c.name} ${c.sql === 'date' ? 'date' : c.sql}`).join(', ')})`;

  const keyOf = (env: ImportEnv, cells: string[]) => {
    const column = spec.keyColumns[env.upsertKey];
    const raw = column ? cell(env, cells, column) : undefined;
    if (raw === undefined) return undefined;
    return column === 'domain' ? normaliseDomain(raw) : raw.slice(0, 1000);
  };

  async function plan(ctx: Ctx, env: ImportEnv, records: CsvRecord[], options: { lock: boolean }): Promise<BatchPlan> {
    const prepared = await spec.prepare(ctx, env);
    const keyColumn = spec.keyColumns[env.upsertKey];
    const work = records.map((record) => {
      const errors: CellError[] = [];
      const { values, company } = spec.read(env, record.cells, errors, prepared);
      const key = keyOf(env, record.cells);
      if (errors.length === 0 && keyColumn && values[keyColumn] === undefined) {
        errors.push({
          field: env.upsertKey,
          code: 'missing_key',
          message: `The row has no ${env.upsertKey.replace('_', ' ')}, which this import matches on`,
        });
      }
      return { record, values, company, errors, key, superseded: false };
    });
    markSuperseded(env, work);
    const live = work.filter((w) => w.errors.length === 0 && !w.superseded);
    const existing = new Map<string, Values & { id: string }>();
    if (keyColumn && live.length > 0) {
      const res = await ctx.tx.query<Values & { id: string }>(
        `SELECT r.id, ${select} FROM ${spec.table} r WHERE r.workspace_id = $1 AND r.${keyColumn} = ANY($2::text[]) AND r.deleted_at IS NULL
         ${spec.table === 'companies' ? 'AND r.merged_into IS NULL' : ''} ORDER BY r.id${options.lock ? ' FOR UPDATE' : ''}`,
        [ctx.workspaceId, live.map((w) => w.key)],
      );
      for (const r of res.rows) if (!existing.has(r[keyColumn] as string)) existing.set(r[keyColumn] as string, normalRow(r));
    }
    // Unique columns other than the key (external id, a company's domain) must not collide.
    for (const unique of ['external_id', 'domain']) {
      if (unique === keyColumn || !spec.columns.some((c) => c.name === unique)) continue;
      const wanted = [...new Set(live.flatMap((w) => (typeof w.values[unique] === 'string' ? [w.values[unique] as string] : [])))];
      if (wanted.length === 0) continue;
      const holders = await ctx.tx.query<{ id: string; v: string }>(
        `SELECT id, ${unique} AS v FROM ${spec.table} WHERE workspace_id = $1 AND ${unique} = ANY($2::text[]) AND deleted_at IS NULL`,
        [ctx.workspaceId, wanted],
      );
      const holder = new Map(holders.rows.map((h) => [h.v, h.id]));
      for (const w of live) {
        const v = w.values[unique] as string | undefined;
        const self = w.key !== undefined ? existing.get(w.key)?.id : undefined;
        const h = v ? holder.get(v) : undefined;
        if (v && h && h !== self)
          w.errors.push({
            field: unique,
            code: `duplicate_${unique}`,
            message: `Another ${spec.recordType} already has the ${unique.replace('_', ' ')} "${v}"`,
          });
        else if (v) holder.set(v, self ?? `row:${w.record.row}`);
      }
    }
    const writable = live.filter((w) => w.errors.length === 0);
    const companies = await resolveCompanies(
      ctx,
      env,
      writable.map((w) => w.company),
      !options.lock,
    );
    writable.forEach((w, i) => {
      const e = companies.errors[i];
      if (e) w.errors.push(e);
      else if (companies.ids[i]) w.values.company_id = companies.ids[i];
    });
    const rows: PlannedRow[] = [];
    const creates: (Values & { id: string })[] = [];
    const updates: { id: string; before: Values; after: Values }[] = [];
    for (const w of work) {
      if (w.errors.length === 0 && !w.superseded) {
        const current = w.key !== undefined ? existing.get(w.key) : undefined;
        if (!current) {
          const base = spec.defaults(env, w.values, prepared);
          if ('code' in base && 'message' in base && typeof base.code === 'string') w.errors.push(base as CellError);
          else {
            const state = { ...(base as Values), ...w.values, custom: w.values.custom ?? {}, id: newId() };
            creates.push(state);
            rows.push({ row: w.record.row, action: 'create', values: state, errors: [] });
            continue;
          }
        } else {
          const { id, ...before } = current;
          const after: Values = { ...before, ...w.values, custom: { ...(before.custom as Values), ...(w.values.custom as Values) } };
          const changed = spec.columns.some((c) => !sameJson(before[c.name] ?? null, after[c.name] ?? null));
          if (changed) updates.push({ id, before, after });
          rows.push({ row: w.record.row, action: changed ? 'update' : 'unchanged', values: after, errors: [] });
          continue;
        }
      }
      if (w.errors.length > 0) rows.push({ row: w.record.row, action: 'error', values: {}, errors: w.errors });
      else rows.push({ row: w.record.row, action: 'unchanged', values: {}, errors: [] });
    }
    const errors = work.filter((w) => w.errors.length > 0).map((w) => errorRow(w.record, w.errors));
    return {
      rows,
      errors,
      async write(wctx) {
        const payload = (list: Values[]) =>
          JSON.stringify(list.map((v) => Object.fromEntries([['id', v.id], ...spec.columns.map((c) => [c.name, v[c.name] ?? null])])));
        if (creates.length > 0) {
          await wctx.tx.query(
            `INSERT INTO ${spec.table} (workspace_id, id, ${spec.columns.map((c) => c.name).join(', ')})
             SELECT $1, r.id, ${select} FROM jsonb_to_recordset($2::jsonb) AS ${shape}`,
            [wctx.workspaceId, payload(creates)],
          );
          await spec.afterCreate?.(wctx, creates);
        }
        if (updates.length > 0) {
          await wctx.tx.query(
            `UPDATE ${spec.table} t SET ${spec.columns.map((c) => `${c.name} = r.${c.name}`).join(', ')}, version = t.version + 1, updated_at = now()
             FROM jsonb_to_recordset($2::jsonb) AS ${shape} WHERE t.workspace_id = $1 AND t.id = r.id`,
            [wctx.workspaceId, payload(updates.map((u) => ({ ...u.after, id: u.id })))],
          );
          await wctx.tx.query(
            `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
             SELECT $1, r.id, $2, r.record_id, 'update', $3, $4, r.changes, $5 FROM jsonb_to_recordset($6::jsonb) AS r (id uuid, record_id uuid, changes jsonb)`,
            [
              wctx.workspaceId,
              spec.recordType,
              wctx.actor.type,
              wctx.actor.id,
              env.requestId,
              JSON.stringify(
                updates.map((u) => ({
                  id: newId(),
                  record_id: u.id,
                  changes: Object.fromEntries(
                    spec.columns
                      .filter((c) => !sameJson(u.before[c.name] ?? null, u.after[c.name] ?? null))
                      .map((c) => [c.api, { from: u.before[c.name] ?? null, to: u.after[c.name] ?? null }]),
                  ),
                })),
              ),
            ],
          );
        }
        await insertImportRecords(
          wctx.tx,
          wctx.workspaceId,
          env.importId,
          spec.recordType,
          'c',
          creates.map((c) => c.id),
        );
        await insertImportRecords(
          wctx.tx,
          wctx.workspaceId,
          env.importId,
          spec.recordType,
          'u',
          updates.map((u) => u.id),
        );
        await insertImportErrors(wctx.tx, wctx.workspaceId, env.importId, errors);
      },
    };
  }

  return {
    recordType: spec.recordType,
    key: keyOf,
    plan,
    async revert(ctx, env, records) {
      await trashRecords(
        ctx,
        spec.table,
        records.filter((r) => r.action === 'c').map((r) => r.record_id),
      );
      await restoreFields(
        ctx,
        env,
        spec.recordType,
        spec.table,
        fieldNames,
        records.filter((r) => r.action === 'u').map((r) => r.record_id),
      );
    },
  };
}

/** Dates as the JSON of an update compares them. */
function normalRow<T extends Values>(r: T): T {
  for (const [k, v] of Object.entries(r)) if (v instanceof Date) (r as Values)[k] = v.toISOString().slice(0, 10);
  return r;
}

function textCells(env: ImportEnv, cells: string[], values: Values, fields: string[]): void {
  for (const f of fields) {
    const v = cell(env, cells, f);
    if (v !== undefined) values[f] = v.slice(0, 1000);
  }
}

function ownerCell(env: ImportEnv, cells: string[], values: Values, errors: CellError[]): void {
  const owner = cell(env, cells, 'owner_email');
  if (owner === undefined) return;
  const id = memberOf(env, owner);
  if (id) values.owner_id = id;
  else errors.push({ field: 'owner_email', code: 'unknown_owner', message: `"${owner}" is not a member of this workspace` });
}

/** Companies: matched by domain (normalised like the API does) or external id. */
export const companiesEngine = recordEngine({
  recordType: 'company',
  table: 'companies',
  columns: [
    { name: 'name', sql: 'text', api: 'name' },
    { name: 'domain', sql: 'text', api: 'domain' },
    { name: 'industry', sql: 'text', api: 'industry' },
    { name: 'employee_count', sql: 'integer', api: 'employeeCount' },
    { name: 'phone', sql: 'text', api: 'phone' },
    { name: 'owner_id', sql: 'uuid', api: 'ownerId' },
    { name: 'external_id', sql: 'text', api: 'externalId' },
    { name: 'custom', sql: 'jsonb', api: 'custom' },
  ],
  keyColumns: { domain: 'domain', external_id: 'external_id' },
  prepare: async () => undefined,
  read(env, cells, errors) {
    const values: Values = { custom: customCells(env, cells, errors) };
    textCells(env, cells, values, ['name', 'industry', 'external_id']);
    const domain = cell(env, cells, 'domain');
    if (domain !== undefined) {
      const d = normaliseDomain(domain);
      if (d) values.domain = d;
      else errors.push({ field: 'domain', code: 'invalid_domain', message: `"${domain}" is not a website domain` });
    }
    const employees = cell(env, cells, 'employee_count');
    if (employees !== undefined) {
      const n = parseNumber(employees);
      if (n === undefined || n < 0 || !Number.isInteger(n))
        errors.push({ field: 'employee_count', code: 'invalid_number', message: `"${employees}" is not a number of employees` });
      else values.employee_count = n;
    }
    const phone = cell(env, cells, 'phone');
    if (phone !== undefined) {
      const p = normalisePhone(phone, env.phoneRegion);
      if (p) values.phone = p;
      else errors.push({ field: 'phone', code: 'invalid_phone', message: `"${phone}" is not a valid phone number` });
    }
    ownerCell(env, cells, values, errors);
    return { values };
  },
  defaults(env, values) {
    if (!values.name) return { field: 'name', code: 'missing_required', message: 'A company needs a name' };
    return { owner_id: env.actorUserId };
  },
});

type Pipelines = { id: string; name: string; is_default: boolean; stages: { id: string; name: string; position: number }[] }[];

/** Deals: pipeline and stage by name (the default pipeline and its first stage otherwise), amount in the currency's units. */
export const dealsEngine = recordEngine({
  recordType: 'deal',
  table: 'deals',
  columns: [
    { name: 'name', sql: 'text', api: 'name' },
    { name: 'pipeline_id', sql: 'uuid', api: 'pipelineId' },
    { name: 'stage_id', sql: 'uuid', api: 'stageId' },
    { name: 'amount', sql: 'bigint', api: 'amount' },
    { name: 'currency', sql: 'text', api: 'currency' },
    { name: 'expected_close_date', sql: 'date', api: 'expectedCloseDate' },
    { name: 'owner_id', sql: 'uuid', api: 'ownerId' },
    { name: 'company_id', sql: 'uuid', api: 'companyId' },
    { name: 'external_id', sql: 'text', api: 'externalId' },
    { name: 'custom', sql: 'jsonb', api: 'custom' },
  ],
  keyColumns: { external_id: 'external_id' },
  async prepare(ctx) {
    const res = await ctx.tx.query<{ id: string; name: string; is_default: boolean; stages: Pipelines[number]['stages'] }>(
      `SELECT p.id, p.name, p.is_default, coalesce((SELECT jsonb_agg(jsonb_build_object('id', s.id, 'name', s.name, 'position', s.position) ORDER BY s.position)
         FROM pipeline_stages s WHERE s.workspace_id = p.workspace_id AND s.pipeline_id = p.id), '[]'::jsonb) AS stages
       FROM pipelines p WHERE p.workspace_id = $1 ORDER BY p.is_default DESC, p.position, p.id`,
      [ctx.workspaceId],
    );
    return res.rows;
  },
  read(env, cells, errors, prepared) {
    const pipelines = prepared as Pipelines;
    const values: Values = { custom: customCells(env, cells, errors) };
    textCells(env, cells, values, ['name', 'external_id']);
    const pipelineName = cell(env, cells, 'pipeline');
    const pipeline = pipelineName ? pipelines.find((p) => p.name.toLowerCase() === pipelineName.toLowerCase()) : pipelines[0];
    if (pipelineName && !pipeline)
      errors.push({ field: 'pipeline', code: 'unknown_pipeline', message: `No pipeline is called "${pipelineName}"` });
    const stageName = cell(env, cells, 'stage');
    if (pipeline && (pipelineName || stageName)) {
      values.pipeline_id = pipeline.id;
      const stage = stageName ? pipeline.stages.find((s) => s.name.toLowerCase() === stageName.toLowerCase()) : pipeline.stages[0];
      if (!stage) errors.push({ field: 'stage', code: 'unknown_stage', message: `${pipeline.name} has no stage "${stageName}"` });
      else values.stage_id = stage.id;
    }
    const amount = cell(env, cells, 'amount');
    if (amount !== undefined) {
      const n = parseNumber(amount.replace(/^[^\d-]+/, ''));
      if (n === undefined || n < 0) errors.push({ field: 'amount', code: 'invalid_number', message: `"${amount}" is not an amount` });
      else values.amount = Math.round(n * 100);
    }
    const currency = cell(env, cells, 'currency');
    if (currency !== undefined) {
      const c = normaliseCurrency(currency);
      if (c) values.currency = c;
      else errors.push({ field: 'currency', code: 'invalid_currency', message: `"${currency}" is not a currency code` });
    }
    const close = cell(env, cells, 'expected_close_date');
    if (close !== undefined) {
      const d = parseDate(close, env.dateFormat);
      if (d) values.expected_close_date = d;
      else errors.push({ field: 'expected_close_date', code: 'invalid_date', message: `"${close}" is not a date (${env.dateFormat})` });
    }
    ownerCell(env, cells, values, errors);
    return { values, company: companyRefOf((f) => cell(env, cells, f), errors) };
  },
  defaults(env, values, prepared) {
    if (!values.name) return { field: 'name', code: 'missing_required', message: 'A deal needs a name' };
    const pipeline = (prepared as Pipelines)[0];
    if (!values.pipeline_id && !pipeline?.stages[0])
      return { field: 'pipeline', code: 'unknown_pipeline', message: 'The workspace has no pipeline' };
    return { pipeline_id: pipeline?.id, stage_id: pipeline?.stages[0]?.id, currency: env.currency, owner_id: env.actorUserId };
  },
  async afterCreate(ctx, created) {
    await ctx.tx.query(
      `INSERT INTO deal_stage_history (workspace_id, id, deal_id, pipeline_id, stage_id, entered_at, actor_type, actor_id)
       SELECT $1, rapport_uuid_v7(), d.id, d.pipeline_id, d.stage_id, now(), $3, $4 FROM jsonb_to_recordset($2::jsonb) AS d (id uuid, pipeline_id uuid, stage_id uuid)`,
      [
        ctx.workspaceId,
        JSON.stringify(created.map((d) => ({ id: d.id, pipeline_id: d.pipeline_id, stage_id: d.stage_id }))),
        ctx.actor.type,
        ctx.actor.userId,
      ],
    );
  },
});
