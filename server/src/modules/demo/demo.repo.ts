import type { Queryable } from '../../db/database.ts';

/**
 * Locks the workspace row (so two demo loads cannot race) and tells whether it has any contact,
 * live or in the trash.
 */
export async function lockWorkspaceHasContacts(tx: Queryable, workspaceId: string): Promise<boolean> {
  await tx.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
  const res = await tx.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM contacts WHERE workspace_id = $1) AS found', [workspaceId]);
  return res.rows[0]?.found === true;
}

/** Moves when deals entered their current stage (and the open stay in their stage history) into the past. */
export async function backdateStageEntry(tx: Queryable, workspaceId: string, deals: { id: string; at: Date }[]): Promise<void> {
  if (deals.length === 0) return;
  const json = JSON.stringify(deals.map((d) => ({ id: d.id, at: d.at.toISOString() })));
  await tx.query(
    `UPDATE deals d SET stage_entered_at = r.at
     FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, at timestamptz)
     WHERE d.workspace_id = $1 AND d.id = r.id`,
    [workspaceId, json],
  );
  await tx.query(
    `UPDATE deal_stage_history h SET entered_at = r.at
     FROM jsonb_to_recordset($2::jsonb) AS r (id uuid, at timestamptz)
     WHERE h.workspace_id = $1 AND h.deal_id = r.id AND h.left_at IS NULL`,
    [workspaceId, json],
  );
}
