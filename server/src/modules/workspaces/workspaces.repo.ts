import type { Queryable } from '../../db/database.ts';
import type { Role } from '../../policies.ts';

/** Workspace defaults every record may use. */
export type WorkspaceSettings = { currency: string; phoneRegion: string; timezone: string };

/** A workspace row. */
export type WorkspaceRow = {
  id: string;
  name: string;
  settings: WorkspaceSettings;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** Inserts a workspace. */
export async function insertWorkspace(db: Queryable, w: { id: string; name: string; settings: WorkspaceSettings }): Promise<WorkspaceRow> {
  const res = await db.query<WorkspaceRow>('INSERT INTO workspaces (id, name, settings) VALUES ($1, $2, $3) RETURNING *', [
    w.id,
    w.name,
    JSON.stringify(w.settings),
  ]);
  return res.rows[0] as WorkspaceRow;
}

/** One workspace by id. */
export async function findWorkspace(db: Queryable, id: string): Promise<WorkspaceRow | undefined> {
  const res = await db.query<WorkspaceRow>('SELECT * FROM workspaces WHERE id = $1', [id]);
  return res.rows[0];
}

/** Updates name and settings if the version still matches; returns the new row or undefined. */
export async function updateWorkspace(
  db: Queryable,
  id: string,
  expectedVersion: number,
  patch: { name: string; settings: WorkspaceSettings },
): Promise<WorkspaceRow | undefined> {
  const res = await db.query<WorkspaceRow>(
    `UPDATE workspaces SET name = $3, settings = $4, version = version + 1, updated_at = now()
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, expectedVersion, patch.name, JSON.stringify(patch.settings)],
  );
  return res.rows[0];
}

/** The workspaces a user belongs to, with their role in each, oldest membership first. */
export async function listUserWorkspaces(db: Queryable, userId: string): Promise<{ id: string; name: string; role: Role }[]> {
  const res = await db.query<{ id: string; name: string; role: Role }>(
    `SELECT w.id, w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
     WHERE m.user_id = $1 ORDER BY m.created_at, m.id`,
    [userId],
  );
  return res.rows;
}
