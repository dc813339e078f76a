import type { Ctx } from '../../context.ts';
import { AppError } from '../../lib/errors.ts';

/** Takes a record out of the live set as merged into `survivorId` (it then answers 301). */
export async function markMerged(ctx: Ctx, table: 'contacts' | 'companies', id: string, survivorId: string): Promise<void> {
  const res = await ctx.tx.query(
    `UPDATE ${table} SET merged_into = $3, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND merged_into IS NULL AND deleted_at IS NULL`,
    [ctx.workspaceId, id, survivorId],
  );
  if (res.rowCount !== 1) throw new AppError('conflict', 'The record changed while it was being merged; retry');
}

/**
 * Moves everything that points at record `from` to record `to`: activity links, tasks, timeline
 * entries and notifications, plus a contact's deals, consent history, form submissions and double
 * opt-in links, or a company's people, deals and child companies. Links the survivor already has
 * are not doubled.
 */
export async function moveRecordReferences(ctx: Ctx, type: 'contact' | 'company', from: string, to: string): Promise<void> {
  const args = [ctx.workspaceId, type, from, to];
  const statements = [
    // An activity on both records appears once on the survivor's timeline.
    `DELETE FROM timeline_entries t WHERE t.workspace_id = $1 AND t.record_type = $2 AND t.record_id = $3 AND t.activity_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM timeline_entries x WHERE x.workspace_id = $1 AND x.record_type = $2 AND x.record_id = $4 AND x.activity_id = t.activity_id)`,
    `UPDATE timeline_entries SET record_id = $4 WHERE workspace_id = $1 AND record_type = $2 AND record_id = $3`,
    `UPDATE activity_links al SET record_id = $4 WHERE al.workspace_id = $1 AND al.record_type = $2 AND al.record_id = $3
       AND NOT EXISTS (SELECT 1 FROM activity_links x WHERE x.workspace_id = $1 AND x.activity_id = al.activity_id AND x.record_type = $2 AND x.record_id = $4)`,
    `UPDATE tasks SET record_id = $4, updated_at = now() WHERE workspace_id = $1 AND record_type = $2 AND record_id = $3`,
    `UPDATE notifications SET record_id = $4 WHERE workspace_id = $1 AND record_type = $2 AND record_id = $3`,
  ];
  for (const sql of statements) await ctx.tx.query(sql, args);
  // What is left on the merged record the survivor already has.
  await ctx.tx.query('DELETE FROM activity_links WHERE workspace_id = $1 AND record_type = $2 AND record_id = $3', args.slice(0, 3));
  const pair = [ctx.workspaceId, from, to];
  if (type === 'contact') {
    await ctx.tx.query(
      `UPDATE deal_contacts dc SET contact_id = $3 WHERE dc.workspace_id = $1 AND dc.contact_id = $2
         AND NOT EXISTS (SELECT 1 FROM deal_contacts x WHERE x.workspace_id = $1 AND x.deal_id = dc.deal_id AND x.contact_id = $3)`,
      pair,
    );
    await ctx.tx.query('DELETE FROM deal_contacts WHERE workspace_id = $1 AND contact_id = $2', pair.slice(0, 2));
    await ctx.tx.query('UPDATE consent_events SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2', pair);
    await ctx.tx.query('UPDATE form_submissions SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2', pair);
    // Pending double opt-in links confirm the survivor, which carries the merged consent.
    await ctx.tx.query('UPDATE form_consent_confirmations SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2', pair);
    await ctx.tx.query('DELETE FROM contact_companies WHERE workspace_id = $1 AND contact_id = $2', pair.slice(0, 2));
    return;
  }
  // A person who worked at both keeps one link, primary if either was.
  const doubled = await ctx.tx.query<{ contact_id: string; is_primary: boolean }>(
    `DELETE FROM contact_companies cc WHERE cc.workspace_id = $1 AND cc.company_id = $2
       AND EXISTS (SELECT 1 FROM contact_companies x WHERE x.workspace_id = $1 AND x.contact_id = cc.contact_id AND x.company_id = $3)
     RETURNING cc.contact_id, cc.is_primary`,
    pair,
  );
  const primaries = doubled.rows.filter((r) => r.is_primary).map((r) => r.contact_id);
  if (primaries.length > 0) {
    await ctx.tx.query(
      'UPDATE contact_companies SET is_primary = true WHERE workspace_id = $1 AND company_id = $2 AND contact_id = ANY($3::uuid[])',
      [ctx.workspaceId, to, primaries],
    );
  }
  await ctx.tx.query('UPDATE contact_companies SET company_id = $3 WHERE workspace_id = $1 AND company_id = $2', pair);
  await ctx.tx.query('UPDATE deals SET company_id = $3, updated_at = now() WHERE workspace_id = $1 AND company_id = $2', pair);
  await ctx.tx.query(
    'UPDATE companies SET parent_company_id = $3, updated_at = now() WHERE workspace_id = $1 AND parent_company_id = $2 AND id <> $3',
    pair,
  );
}
