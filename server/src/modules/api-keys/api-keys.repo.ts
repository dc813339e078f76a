import type { Queryable } from '../../db/database.ts';
import type { Role } from '../../policies.ts';

/** An API key row (the secret itself is never stored, only its hash). */
export type ApiKeyRow = {
  workspace_id: string;
  id: string;
  name: string;
  prefix: string;
  scope: 'read' | 'read_write';
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const columns = 'workspace_id, id, name, prefix, scope, created_by, created_at, last_used_at, revoked_at';

/** A live key by hash with the role its creator holds in the key's workspace (null once they left), in one round trip. */
export async function findApiKeyWithRole(db: Queryable, keyHash: string): Promise<(ApiKeyRow & { member_role: Role | null }) | undefined> {
  const res = await db.query<ApiKeyRow & { member_role: Role | null }>(
    `SELECT ${columns.replace(/(\w+)/g, 'k.$1')}, m.role AS member_role
     FROM api_keys k LEFT JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [keyHash],
    { prepare: true },
  );
  return res.rows[0];
}

/** Records that a key was used, at most once a minute. */
export async function touchApiKey(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
     WHERE workspace_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [workspaceId, id],
  );
}

/** Stores a new key. */
export async function insertApiKey(
  db: Queryable,
  k: { workspaceId: string; id: string; name: string; prefix: string; keyHash: string; scope: string; createdBy: string },
): Promise<ApiKeyRow> {
  const res = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (workspace_id, id, name, prefix, key_hash, scope, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
    [k.workspaceId, k.id, k.name, k.prefix, k.keyHash, k.scope, k.createdBy],
  );
  return res.rows[0] as ApiKeyRow;
}

/** A workspace's keys, revoked ones included, newest first. */
export async function listApiKeys(db: Queryable, workspaceId: string): Promise<ApiKeyRow[]> {
  const res = await db.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE workspace_id = $1 ORDER BY id DESC`, [workspaceId]);
  return res.rows;
}

/** One key of a workspace. */
export async function findApiKey(db: Queryable, workspaceId: string, id: string): Promise<ApiKeyRow | undefined> {
  const res = await db.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
  return res.rows[0];
}

/** Revokes a key; returns the revoked row, or undefined if it was not live. */
export async function revokeApiKey(db: Queryable, workspaceId: string, id: string): Promise<ApiKeyRow | undefined> {
  const res = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = now() WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING ${columns}`,
    [workspaceId, id],
  );
  return res.rows[0];
}
