import type { Ctx } from '../../context.ts';
import { type CustomFieldRow, listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { applyCustomValues } from '../custom-fields/custom-fields.values.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { customObjectOf } from './imports.fields.ts';
import type { CsvRecord } from './imports.parse.ts';
import type { ImportErrorRow, ImportRow } from './imports.repo.ts';
import type { DateFormat } from './imports.schema.ts';
import { type CellError, parseBoolean, parseDate, parseDateTime, parseNumber, splitList } from './imports.values.ts';

/** What converting and matching rows needs from the workspace, loaded once per run. */
export type ImportEnv = {
  importId: string;
  upsertKey: string;
  dateFormat: DateFormat;
  /** Field key → column index. */
  columns: Map<string, number>;
  currency: string;
  phoneRegion: string;
  /** Member ids, and member emails (lower-case) → id. */
  memberIds: Set<string>;
  memberByEmail: Map<string, string>;
  customDefs: CustomFieldRow[];
  actorUserId: string | null;
  /** The request id of every audit row the import writes, so a revert finds them. */
  requestId: string;
  /** The last data row of each key in the whole file (by key hash), when the file was indexed. */
  lastRowOfKey?: LastRowIndex;
};

/** Loads the environment of an import. */
export async function loadImportEnv(ctx: Ctx, imp: ImportRow): Promise<ImportEnv> {
  const workspace = await findWorkspace(ctx.tx, ctx.workspaceId);
  const settings = { ...defaultWorkspaceSettings, ...workspace?.settings };
  const members = await ctx.tx.query<{ user_id: string; email: string }>(
    'SELECT m.user_id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1',
    [ctx.workspaceId],
  );
  const customObject = customObjectOf(imp.object_type);
  const customDefs = customObject ? (await listCustomFieldRows(ctx.tx, ctx.workspaceId, customObject)).filter((d) => !d.archived_at) : [];
  const columns = new Map<string, number>();
  for (const m of imp.mapping) if (m.field && !columns.has(m.field)) columns.set(m.field, m.index);
  return {
    importId: imp.id,
    upsertKey: imp.upsert_key,
    dateFormat: imp.date_format,
    columns,
    currency: settings.currency,
    phoneRegion: settings.phoneRegion,
    memberIds: new Set(members.rows.map((m) => m.user_id)),
    memberByEmail: new Map(members.rows.map((m) => [m.email.toLowerCase(), m.user_id])),
    customDefs,
    actorUserId: ctx.actor.userId,
    requestId: `import:${imp.id}`,
  };
}

/** The trimmed, non-empty cell mapped to `field`, if any. */
export function cell(env: ImportEnv, cells: string[], field: string): string | undefined {
  const i = env.columns.get(field);
  if (i === undefined) return undefined;
  const v = cells[i]?.trim();
  return v ? v : undefined;
}

/** A workspace member named by email (or id) in a cell. */
export function memberOf(env: ImportEnv, raw: string): string | undefined {
  const s = raw.trim();
  return env.memberByEmail.get(s.toLowerCase()) ?? (env.memberIds.has(s) ? s : undefined);
}

/** Reads the custom field cells of a row to validated values (and cell errors). */
export function customCells(env: ImportEnv, cells: string[], errors: CellError[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const def of env.customDefs) {
    const field = `custom.${def.key}`;
    const raw = cell(env, cells, field);
    if (raw === undefined) continue;
    const bad = (code: string, message: string) => errors.push({ field, code, message });
    const option = (s: string) =>
      def.options.find((o) => o.value.toLowerCase() === s.toLowerCase() || o.label.toLowerCase() === s.toLowerCase())?.value;
    switch (def.type) {
      case 'number': {
        const n = parseNumber(raw);
        if (n === undefined) bad('invalid_number', `${def.label}: "${raw}" is not a number`);
        else patch[def.key] = n;
        break;
      }
      case 'currency': {
        const n = parseNumber(raw);
        if (n === undefined) bad('invalid_number', `${def.label}: "${raw}" is not an amount`);
        else patch[def.key] = Math.round(n * 100);
        break;
      }
      case 'date': {
        const d = parseDate(raw, env.dateFormat);
        if (!d) bad('invalid_date', `${def.label}: "${raw}" is not a date (${env.dateFormat})`);
        else patch[def.key] = d;
        break;
      }
      case 'datetime': {
        const d = parseDateTime(raw, env.dateFormat);
        if (!d) bad('invalid_date', `${def.label}: "${raw}" is not a date and time`);
        else patch[def.key] = d;
        break;
      }
      case 'boolean': {
        const b = parseBoolean(raw);
        if (b === undefined) bad('invalid_boolean', `${def.label}: "${raw}" is not yes or no`);
        else patch[def.key] = b;
        break;
      }
      case 'single_select': {
        const v = option(raw);
        if (!v) bad('invalid_option', `${def.label}: "${raw}" is not one of the options`);
        else patch[def.key] = v;
        break;
      }
      case 'multi_select': {
        const values = splitList(raw).map((s) => [s, option(s)] as const);
        const unknown = values.filter(([, v]) => !v).map(([s]) => s);
        if (unknown.length > 0) bad('invalid_option', `${def.label}: ${unknown.map((s) => `"${s}"`).join(', ')} not among the options`);
        else patch[def.key] = values.map(([, v]) => v);
        break;
      }
      case 'user': {
        const id = memberOf(env, raw);
        if (!id) bad('unknown_user', `${def.label}: "${raw}" is not a member of this workspace`);
        else patch[def.key] = id;
        break;
      }
      default:
        patch[def.key] = raw;
    }
  }
  if (Object.keys(patch).length === 0) return patch;
  const checked = applyCustomValues(env.customDefs, {}, patch, {
    currency: env.currency,
    phoneRegion: env.phoneRegion,
    memberIds: env.memberIds,
  });
  for (const e of checked.errors) {
    const key = e.field.replace(/^body\.custom\./, '');
    const def = env.customDefs.find((d) => d.key === key);
    const code = def?.type === 'email' ? 'invalid_email' : def?.type === 'phone' ? 'invalid_phone' : 'invalid_value';
    errors.push({ field: `custom.${key}`, code, message: `${def?.label ?? key}: ${e.message}` });
  }
  return checked.values;
}

/** Thrown by a batch's write when a record changed after the batch was planned; the batch is planned again. */
export class StaleBatch extends Error {
  constructor() {
    super('A record changed while the batch was planned');
  }
}

/** One row of a planned batch: what will happen to it and the values it stores. */
export type PlannedRow = {
  row: number;
  action: 'create' | 'update' | 'unchanged' | 'error';
  values: Record<string, unknown>;
  errors: CellError[];
};

/** A planned batch: every row's fate, the bad rows to keep, and a write that applies it. */
export type BatchPlan = {
  rows: PlannedRow[];
  errors: ImportErrorRow[];
  /** Applies the plan in the caller's transaction. */
  write(ctx: Ctx): Promise<void>;
};

/** How one object type imports: plans a batch of records (read-only) that a write then applies. */
export type ImportEngine = {
  recordType: string;
  /** The upsert key of a row's cells, normalised as matching compares it (undefined: none). */
  key(env: ImportEnv, cells: string[]): string | undefined;
  /**
   * Optional: reads and checks a batch's rows ahead of `plan` (no database), so a runner can do
   * that for the next batch while the database writes the current one.
   */
  prepare?(env: ImportEnv, records: CsvRecord[]): Promise<void>;
  plan(ctx: Ctx, env: ImportEnv, records: CsvRecord[], options: { lock: boolean }): Promise<BatchPlan>;
  /** Reverts a page of records the import touched: removes those it created, restores fields it changed. */
  revert(ctx: Ctx, env: ImportEnv, records: { record_id: string; action: string }[]): Promise<void>;
};

/** The error row kept for a refused record: the first error's kind, every message. */
export function errorRow(record: CsvRecord, errors: CellError[]): ImportErrorRow {
  return {
    row: record.row,
    kind: errors[0]?.code ?? 'invalid_value',
    message: errors.map((e) => e.message).join('; '),
    raw: record.cells,
  };
}

/** Counts a batch's rows by action and its errors by kind. */
export function tallyPlan(rows: PlannedRow[]): {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errorsByKind: Record<string, number>;
} {
  const t = { created: 0, updated: 0, unchanged: 0, failed: 0, errorsByKind: {} as Record<string, number> };
  for (const r of rows) {
    if (r.action === 'create') t.created++;
    else if (r.action === 'update') t.updated++;
    else if (r.action === 'unchanged') t.unchanged++;
    else {
      t.failed++;
      for (const e of r.errors) t.errorsByKind[e.code] = (t.errorsByKind[e.code] ?? 0) + 1;
    }
  }
  return t;
}

/**
 * A 53-bit hash of a key (cyrb53): the file index keeps one number per key instead of the key,
 * so a million emails fit in tens of megabytes. Two keys colliding (odds about 1 in 10^4 for a
 * million keys) would only make the earlier of the two rows count as superseded.
 */
export function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The last row of each key hash, in open addressing over two typed arrays (12 bytes a slot, at
 * most half full): a million keys take 24 MB, where a `Map` of numbers took about four times
 * that and doubled it for a moment at each growth. Rows are numbered from 1; 0 marks a free slot.
 */
export class LastRowIndex {
  private hashes = new Float64Array(1 << 12);
  private rows = new Int32Array(1 << 12);
  private count = 0;

  /** Records `row` as the last row of `hash`. */
  set(hash: number, row: number): void {
    if ((this.count + 1) * 2 > this.rows.length) this.grow();
    const at = this.slot(this.hashes, this.rows, hash);
    if (this.rows[at] === 0) this.count++;
    this.hashes[at] = hash;
    this.rows[at] = row;
  }

  /** The last row recorded for `hash`, if any. */
  get(hash: number): number | undefined {
    const row = this.rows[this.slot(this.hashes, this.rows, hash)];
    return row ? row : undefined;
  }

  get size(): number {
    return this.count;
  }

  /** The slot holding `hash`, or the free slot where it would go (linear probing from its low bits). */
  private slot(hashes: Float64Array, rows: Int32Array, hash: number): number {
    const mask = rows.length - 1;
    let at = (hash >>> 0) & mask;
    while (rows[at] !== 0 && hashes[at] !== hash) at = (at + 1) & mask;
    return at;
  }

  private grow(): void {
    const { hashes, rows } = this;
    this.hashes = new Float64Array(rows.length * 2);
    this.rows = new Int32Array(rows.length * 2);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === 0) continue;
      const at = this.slot(this.hashes, this.rows, hashes[i] as number);
      this.hashes[at] = hashes[i] as number;
      this.rows[at] = rows[i] as number;
    }
  }
}

/**
 * Marks the rows a later row of the same key replaces (the later row wins): across the whole
 * file when it was indexed, else within the batch. Deterministic whatever the batch boundaries.
 */
export function markSuperseded(env: ImportEnv, work: { record: CsvRecord; key?: string; superseded?: boolean }[]): void {
  const last = new Map<string, number>();
  for (const w of work) if (w.key !== undefined) last.set(w.key, w.record.row);
  for (const w of work) {
    if (w.key === undefined) continue;
    const lastRow = env.lastRowOfKey ? env.lastRowOfKey.get(keyHash(w.key)) : last.get(w.key);
    if (lastRow !== undefined && lastRow !== w.record.row) w.superseded = true;
  }
}
