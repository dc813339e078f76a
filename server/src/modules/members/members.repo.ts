import type { Queryable } from '../../db/database.ts';
import type { Role } from '../../policies.ts';

/** A membership joined with its user's public fields. */
export type MemberRow = {
  workspace_id: string;
  id: string;
  user_id: string;
  role: Role;
  version: number;
  created_at: Date;
  updated_at: Date;
  name: string;
  email: string;
};

const selectMember = `SELECT m.workspace_id, m.id, m.user_id, m.role, m.version, m.created_at, m.updated_at, u.name, u.email
  FROM memberships m JOIN users u ON u.id = m.user_id`;

/** Adds a user to a workspace with a role. */
export async function insertMembership(db: Queryable, m: { workspaceId: string; id: string; userId: string; role: Role }): Promise<void> {
  await db.query('INSERT INTO memberships (workspace_id, id, user_id, role) VALUES ($1, $2, $3, $4)', [
    m.workspaceId,
    m.id,
    m.userId,
    m.role,
  ]);
}

/** A user's membership in a workspace, if any. */
export async function findMembershipOfUser(db: Queryable, workspaceId: string, userId: string): Promise<MemberRow | undefined> {
  const res = await db.query<MemberRow>(`${selectMember} WHERE m.workspace_id = $1 AND m.user_id = $2`, [workspaceId, userId]);
  return res.rows[0];
}

/** One member of a workspace by membership id. */
export async function findMember(db: Queryable, workspaceId: string, id: string): Promise<MemberRow | undefined> {
  const res = await db.query<MemberRow>(`${selectMember} WHERE m.workspace_id = $1 AND m.id = $2`, [workspaceId, id]);
  return res.rows[0];
}

/** A page of members in join order, after the keyset position `afterId`. */
export async function listMembers(db: Queryable, workspaceId: string, limit: number, afterId: string | null): Promise<MemberRow[]> {
  const res = await db.query<MemberRow>(
    `${selectMember} WHERE m.workspace_id = $1 AND ($2::uuid IS NULL OR m.id > $2::uuid) ORDER BY m.id LIMIT $3`,
    [workspaceId, afterId, limit],
  );
  return res.rows;
}

/** Number of members in a workspace. */
export async function countMembers(db: Queryable, workspaceId: string): Promise<number> {
  const res = await db.query<{ n: number }>('SELECT count(*) AS n FROM memberships WHERE workspace_id = $1', [workspaceId]);
  return res.rows[0]?.n ?? 0;
}

/** Number of owners of a workspace. */
export async function countOwners(db: Queryable, workspaceId: string): Promise<number> {
  const res = await db.query<{ n: number }>("SELECT count(*) AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'", [
    workspaceId,
  ]);
  return res.rows[0]?.n ?? 0;
}

/** Changes a member's role if the version still matches; returns whether it did. */
export async function updateMemberRole(
  db: Queryable,
  workspaceId: string,
  id: string,
  expectedVersion: number,
  role: Role,
): Promise<boolean> {
  const res = await db.query(
    `UPDATE memberships SET role = $4, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND version = $3`,
    [workspaceId, id, expectedVersion, role],
  );
  return res.rowCount > 0;
}

/** Removes a membership. */
export async function deleteMembership(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM memberships WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}
