import type { Ctx } from '../../context.ts';
import { sameJson } from '../../lib/stable-json.ts';
import type { ImportEnv } from './imports.engine.ts';

const tables = new Set(['contacts', 'companies', 'deals', 'activities']);

/** Moves records an import created to the trash (restorable like any deleted record). */
export async function trashRecords(ctx: Ctx, table: string, ids: string[]): Promise<void> {
  if (ids.length === 0 || !tables.has(table)) return;
  await ctx.tx.query(
    `UPDATE ${table} SET deleted_at = now()${table === 'activities' ? '' : ', version = version + 1'}, updated_at = now()
     WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
    [ctx.workspaceId, ids],
  );
}

/** Columns kept in step with another column when it is restored. */
const derived: Record<string, (v: unknown) => [string, unknown]> = {
  emails: (v) => ['email_list', ((v as { address: string }[] | null) ?? []).map((e) => e.address)],
  phones: (v) => ['phone_list', ((v as { number: string }[] | null) ?? []).map((p) => p.number)],
};

/**
 * Restores the fields an import changed on records that existed before it, from the import's
 * record_changes rows: each field gets back the value it had before the import's first change,
 * unless someone changed it again after the import (then their value stays).
 */
export async function restoreFields(
  ctx: Ctx,
  env: ImportEnv,
  recordType: string,
  table: string,
  fieldNames: Record<string, string>,
  ids: string[],
): Promise<void> {
  if (ids.length === 0 || !tables.has(table)) return;
  const columnOf = new Map(Object.entries(fieldNames).map(([col, api]) => [api, col]));
  const changes = await ctx.tx.query<{ record_id: string; changes: Record<string, { from: unknown; to: unknown }> }>(
    `SELECT record_id, changes FROM record_changes
     WHERE workspace_id = $1 AND record_type = $2 AND record_id = ANY($3::uuid[]) AND request_id = $4 ORDER BY id`,
    [ctx.workspaceId, recordType, ids, env.requestId],
  );
  const firstFrom = new Map<string, Map<string, unknown>>();
  const lastTo = new Map<string, Map<string, unknown>>();
  for (const c of changes.rows) {
    const from = firstFrom.get(c.record_id) ?? new Map<string, unknown>();
    const to = lastTo.get(c.record_id) ?? new Map<string, unknown>();
    for (const [field, change] of Object.entries(c.changes)) {
      if (!from.has(field)) from.set(field, change.from);
      to.set(field, change.to);
    }
    firstFrom.set(c.record_id, from);
    lastTo.set(c.record_id, to);
  }
  const columns = [...columnOf.values()];
  const current = await ctx.tx.query<Record<string, unknown> & { id: string }>(
    `SELECT id, ${columns.join(', ')} FROM ${table} WHERE workspace_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE`,
    [ctx.workspaceId, [...firstFrom.keys()]],
  );
  const patches: { id: string; patch: Record<string, unknown> }[] = [];
  for (const row of current.rows) {
    const patch: Record<string, unknown> = {};
    for (const [field, before] of firstFrom.get(row.id) ?? []) {
      const col = columnOf.get(field);
      if (!col) continue;
      if (!sameJson(normal(row[col]), normal(lastTo.get(row.id)?.get(field)))) continue;
      patch[col] = before;
      const d = derived[col];
      if (d) {
        const [dcol, dval] = d(before);
        patch[dcol] = dval;
      }
    }
    if (Object.keys(patch).length > 0) patches.push({ id: row.id, patch });
  }
  if (patches.length === 0) return;
  const set = [...new Set(patches.flatMap((p) => Object.keys(p.patch)))];
  await ctx.tx.query(
    `UPDATE ${table} t SET (${set.join(', ')}) = (SELECT ${set.map((c) => `p.${c}`).join(', ')} FROM jsonb_populate_record(t, r.patch) AS p),
       version = t.version + 1, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, patch jsonb)
     WHERE t.workspace_id = $1 AND t.id = r.id`,
    [ctx.workspaceId, JSON.stringify(patches)],
  );
  await ctx.tx.query(
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     SELECT $1, rapport_uuid_v7(), $2, r.id, 'update', $3, $4, r.changes, $5 FROM jsonb_to_recordset($6::jsonb) AS r (id uuid, changes jsonb)`,
    [
      ctx.workspaceId,
      recordType,
      ctx.actor.type,
      ctx.actor.id,
      `${env.requestId}:revert`,
      JSON.stringify(
        patches.map((p) => ({
          id: p.id,
          changes: Object.fromEntries(
            Object.entries(p.patch)
              .filter(([col]) => fieldNames[col])
              .map(([col, v]) => [fieldNames[col], { from: lastTo.get(p.id)?.get(fieldNames[col] as string), to: v }]),
          ),
        })),
      ),
    ],
  );
}

/** Values as JSON compares them (dates as ISO strings). */
function normal(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v === undefined ? null : v;
}
