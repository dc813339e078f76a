import type { Queryable } from '../../db/database.ts';

/** A double opt-in link as stored (its token only as a hash), with whether it has expired by the database's clock. */
export type ConfirmationRow = {
  workspace_id: string;
  id: string;
  form_id: string;
  contact_id: string;
  submission_id: string;
  text_version: string | null;
  expires_at: Date;
  confirmed_at: Date | null;
  expired: boolean;
};

/** Stores a link sent to confirm a submission's consent, valid for `ttlDays`. */
export async function insertConfirmation(
  db: Queryable,
  c: {
    workspaceId: string;
    id: string;
    tokenHash: string;
    formId: string;
    contactId: string;
    submissionId: string;
    textVersion: string | null;
    ttlDays: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO form_consent_confirmations (workspace_id, id, token_hash, form_id, contact_id, submission_id, text_version, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $8))`,
    [c.workspaceId, c.id, c.tokenHash, c.formId, c.contactId, c.submissionId, c.textVersion, c.ttlDays],
  );
}

/**
 * The link with this token hash (any workspace: the token is what the visitor's email names).
 * `lock` holds its row until the transaction ends, so two clicks at once confirm once.
 */
export async function findConfirmation(db: Queryable, tokenHash: string, lock = false): Promise<ConfirmationRow | undefined> {
  const res = await db.query<ConfirmationRow>(
    `SELECT workspace_id, id, form_id, contact_id, submission_id, text_version, expires_at, confirmed_at, expires_at <= now() AS expired
     FROM form_consent_confirmations WHERE token_hash = $1${lock ? ' FOR UPDATE' : ''}`,
    [tokenHash],
  );
  return res.rows[0];
}

/** Marks a link used; false when it was used already. */
export async function markConfirmed(db: Queryable, workspaceId: string, id: string, ip: string | null): Promise<boolean> {
  const res = await db.query(
    `UPDATE form_consent_confirmations SET confirmed_at = now(), confirmed_ip = $3
     WHERE workspace_id = $1 AND id = $2 AND confirmed_at IS NULL`,
    [workspaceId, id, ip],
  );
  return res.rowCount === 1;
}
