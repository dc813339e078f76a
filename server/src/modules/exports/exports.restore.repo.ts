import type { Queryable } from '../../db/database.ts';
import { tablesThatMustBeEmpty } from './exports.tables.ts';

/** Which of the tables a restore fills (records, trash included, custom fields, forms, webhooks) already hold rows. */
export async function nonEmptyTables(db: Queryable, workspaceId: string): Promise<string[]> {
  const res = await db.query<Record<string, boolean>>(
    `SELECT ${tablesThatMustBeEmpty.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE workspace_id = $1) AS "${t}"`).join(', ')}`,
    [workspaceId],
  );
  const row = res.rows[0] ?? {};
  return tablesThatMustBeEmpty.filter((t) => row[t]);
}

/** The workspace's members by lower-cased email. */
export async function membersByEmail(db: Queryable, workspaceId: string): Promise<Map<string, string>> {
  const res = await db.query<{ id: string; email: string }>(
    'SELECT u.id, lower(u.email) AS email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1',
    [workspaceId],
  );
  return new Map(res.rows.map((r) => [r.email, r.id]));
}

/** The columns a restore writes into a table: all but workspace_id and generated ones. */
export async function writableColumns(db: Queryable, table: string): Promise<string[]> {
  const res = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' AND column_name <> 'workspace_id'
     ORDER BY ordinal_position`,
    [table],
  );
  return res.rows.map((r) => r.column_name);
}

/** Inserts rows as they were exported (JSON objects of the table's columns) into the workspace. */
export async function insertBackupRows(
  db: Queryable,
  workspaceId: string,
  table: string,
  columns: string[],
  rows: Record<string, unknown>[],
  skipExisting = false,
): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = columns.map((c) => `"${c}"`);
  const res = await db.query(
    `INSERT INTO ${table} (workspace_id, ${cols.join(', ')})
     SELECT $1, ${cols.map((c) => `r.${c}`).join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $2::jsonb) r
     ${skipExisting ? 'ON CONFLICT DO NOTHING' : ''}`,
    [workspaceId, JSON.stringify(rows)],
  );
  return res.rowCount;
}

/** Sets parent companies once every company exists (a parent may come after its child in the file). */
export async function setCompanyParents(db: Queryable, workspaceId: string, parents: { id: string; parent: string }[]): Promise<void> {
  if (parents.length === 0) return;
  await db.query(
    `UPDATE companies c SET parent_company_id = r.parent FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, parent uuid)
     WHERE c.workspace_id = $1 AND c.id = r.id`,
    [workspaceId, JSON.stringify(parents)],
  );
}

/** Removes the workspace's pipelines (a new workspace's default one) before the backup's take their place. */
export async function deletePipelines(db: Queryable, workspaceId: string): Promise<void> {
  await db.query('DELETE FROM pipelines WHERE workspace_id = $1', [workspaceId]);
}

/** Puts the backup's workspace settings (currency, phone region, time zone) on the workspace. */
export async function restoreSettings(db: Queryable, workspaceId: string, settings: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE workspaces SET settings = settings || $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1', [
    workspaceId,
    JSON.stringify(settings),
  ]);
}

/** Which of these form public ids a form of any workspace already has (they are unique server-wide, as public URLs). */
export async function takenPublicIds(db: Queryable, publicIds: string[]): Promise<Set<string>> {
  if (publicIds.length === 0) return new Set();
  const res = await db.query<{ public_id: string }>('SELECT public_id FROM forms WHERE public_id = ANY($1::text[])', [publicIds]);
  return new Set(res.rows.map((r) => r.public_id));
}
