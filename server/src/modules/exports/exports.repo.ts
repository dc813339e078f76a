import type { Ctx } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Names, Refs } from './exports.columns.ts';
import { backupTables, type TableSpec } from './exports.tables.ts';

const byId = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));

/** What the referenced ids of a page are called: one query per kind that has any. */
export async function namesOf(db: Queryable, workspaceId: string, refs: Refs): Promise<Names> {
  const ids = (set: Set<string>) => [...set];
  const named = async (sql: string, set: Set<string>) =>
    set.size === 0 ? new Map<string, string>() : byId((await db.query<{ id: string; name: string }>(sql, [workspaceId, ids(set)])).rows);
  const users =
    refs.users.size === 0
      ? []
      : (
          await db.query<{ id: string; name: string; email: string }>('SELECT id, name, email FROM users WHERE id = ANY($1::uuid[])', [
            ids(refs.users),
          ])
        ).rows;
  return {
    users: new Map(users.map((u) => [u.id, { name: u.name, email: u.email }])),
    companies: await named('SELECT id, name FROM companies WHERE workspace_id = $1 AND id = ANY($2::uuid[])', refs.companies),
    contacts: await named(
      `SELECT id, coalesce(nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), email, phone, '') AS name
       FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      refs.contacts,
    ),
    deals: await named('SELECT id, name FROM deals WHERE workspace_id = $1 AND id = ANY($2::uuid[])', refs.deals),
    stages: await named('SELECT id, name FROM pipeline_stages WHERE workspace_id = $1 AND id = ANY($2::uuid[])', refs.stages),
    pipelines: await named('SELECT id, name FROM pipelines WHERE workspace_id = $1 AND id = ANY($2::uuid[])', refs.pipelines),
  };
}

/**
 * Records an export or a restore in the audit log (`record_changes`, action `export` or
 * `import`): who did it, and what it took or brought, as the entry's `changes`.
 */
export async function recordDataTransfer(
  ctx: Ctx,
  entry: { recordType: string; action: 'export' | 'import'; details: Record<string, unknown> },
): Promise<void> {
  const changes = Object.fromEntries(Object.entries(entry.details).map(([k, v]) => [k, { from: null, to: v }]));
  await ctx.tx.query(
    `INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, actor_id, changes, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
    [
      ctx.workspaceId,
      newId(),
      entry.recordType,
      ctx.workspaceId,
      entry.action,
      ctx.actor.type,
      ctx.actor.id,
      JSON.stringify(changes),
      ctx.requestId ?? null,
    ],
  );
}

/** A page of a table's rows as JSON text (without workspace_id, search vectors and omitted columns), and the key of the last. */
export async function readTableRows(
  db: Queryable,
  workspaceId: string,
  spec: Pick<TableSpec, 'table' | 'key' | 'omit'>,
  after: unknown[] | null,
  limit: number,
): Promise<{ json: string[]; lastKey: unknown[] | null }> {
  const keys = spec.key.map((k) => `t.${k}`).join(', ');
  const params: unknown[] = [workspaceId, limit, ['workspace_id', 'search', ...(spec.omit ?? [])]];
  const afterSql = after
    ? `AND (${keys}) > (${after.map((v) => {
        params.push(v);
        return `$${params.length}`;
      })})`
    : '';
  const res = await db.query<{ row: string } & Record<string, unknown>>(
    `SELECT (to_jsonb(t) - $3::text[])::text AS row, ${spec.key.map((k) => `t.${k}::text AS "k_${k}"`).join(', ')}
     FROM ${spec.table} t WHERE t.workspace_id = $1 ${afterSql} ORDER BY ${keys} LIMIT $2`,
    params,
  );
  const last = res.rows.at(-1);
  return {
    json: res.rows.map((r) => r.row),
    lastKey: res.rows.length === limit && last ? spec.key.map((k) => last[`k_${k}`]) : null,
  };
}

/** A user a backup refers to: the workspace's members, and anyone its records name. */
export type BackupUser = { id: string; email: string; name: string; role: string | null };

/**
 * The members of a workspace and every other user its data names (the user columns of every
 * backed-up table), so a restore can map each by email.
 */
export async function backupUsers(db: Queryable, workspaceId: string): Promise<BackupUser[]> {
  const named = backupTables.flatMap((spec) => spec.userColumns.map((col) => `SELECT ${col} FROM ${spec.table} WHERE workspace_id = $1`));
  const res = await db.query<BackupUser>(
    `SELECT u.id, u.email, u.name, m.role FROM users u
     LEFT JOIN memberships m ON m.workspace_id = $1 AND m.user_id = u.id
     WHERE m.id IS NOT NULL OR u.id IN (${named.join(' UNION ')})
     ORDER BY u.email`,
    [workspaceId],
  );
  return res.rows;
}
