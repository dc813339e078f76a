import type { Queryable } from '../../db/database.ts';
import type { Role } from '../../policies.ts';

/** An invitation row (the link token only as its hash). */
export type InvitationRow = {
  workspace_id: string;
  id: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
};

const columns = 'workspace_id, id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at';

/** Stores an invitation. */
export async function insertInvitation(
  db: Queryable,
  i: { workspaceId: string; id: string; email: string; role: Role; tokenHash: string; invitedBy: string; expiresAt: Date },
): Promise<InvitationRow> {
  const res = await db.query<InvitationRow>(
    `INSERT INTO invitations (workspace_id, id, email, role, token_hash, invited_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
    [i.workspaceId, i.id, i.email, i.role, i.tokenHash, i.invitedBy, i.expiresAt],
  );
  return res.rows[0] as InvitationRow;
}

/** Pending (not accepted, revoked or expired) invitations of a workspace, newest first. */
export async function listPendingInvitations(db: Queryable, workspaceId: string): Promise<InvitationRow[]> {
  const res = await db.query<InvitationRow>(
    `SELECT ${columns} FROM invitations WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
       AND expires_at > now() ORDER BY id DESC`,
    [workspaceId],
  );
  return res.rows;
}

/** A pending invitation by the hash of its link token, with its workspace's name. */
export async function findPendingInvitationByToken(
  db: Queryable,
  tokenHash: string,
): Promise<(InvitationRow & { workspace_name: string }) | undefined> {
  const res = await db.query<InvitationRow & { workspace_name: string }>(
    `SELECT i.workspace_id, i.id, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at,
            w.name AS workspace_name
     FROM invitations i JOIN workspaces w ON w.id = i.workspace_id
     WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()`,
    [tokenHash],
  );
  return res.rows[0];
}

/** Marks an invitation accepted; false if it was no longer pending (accepted twice at once). */
export async function markInvitationAccepted(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const res = await db.query(
    'UPDATE invitations SET accepted_at = now() WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL',
    [workspaceId, id],
  );
  return res.rowCount > 0;
}

/** Revokes a pending invitation; returns it, or undefined if there was none. */
export async function revokeInvitation(db: Queryable, workspaceId: string, id: string): Promise<InvitationRow | undefined> {
  const res = await db.query<InvitationRow>(
    `UPDATE invitations SET revoked_at = now()
     WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING ${columns}`,
    [workspaceId, id],
  );
  return res.rows[0];
}
