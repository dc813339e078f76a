import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, staleWrite } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import { addTimelineEntry, visibleChanges } from '../../records/timeline.ts';
import { planCompany } from '../companies/companies.plan.ts';
import { companyAuditFields, companyView } from '../companies/companies.presenter.ts';
import { type CompanyRow, companySelect, findCompanyRow, updateCompanyRow } from '../companies/companies.repo.ts';
import type { CompanyWrite } from '../companies/companies.schema.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { markMerged, moveRecordReferences } from './merge.repo.ts';
import { checkMergeRequest, fieldReader, type MergeBody, replacingObject, winningMergedValues } from './merge-choices.ts';

/** Fields a company merge chooses between; annual revenue moves with its currency. */
const companyChoiceFields = [
  'name',
  'domain',
  'industry',
  'employeeCount',
  'annualRevenue',
  'phone',
  'address',
  'parentCompanyId',
  'ownerId',
  'externalId',
] as const;

/** A live company locked for the merge, or a 404 / 409 naming which id is wrong. */
async function lockLiveCompany(ctx: Ctx, id: string, field: string): Promise<CompanyRow> {
  const res = await ctx.tx.query<CompanyRow>(
    `SELECT ${companySelect} FROM companies co WHERE co.workspace_id = $1 AND co.id = $2 FOR UPDATE`,
    [ctx.workspaceId, id],
  );
  const row = res.rows[0];
  if (!row || row.deleted_at) throw new AppError('not_found', 'Company not found', [{ field, message: 'No such company' }]);
  if (row.merged_into) {
    throw new AppError('conflict', 'This company was already merged into another', [
      { field, message: `Already merged into ${row.merged_into}`, code: 'already_merged' },
    ]);
  }
  return row;
}

/**
 * Merges `mergedId` into `survivorId`: field by field the chosen value wins (a domain can move
 * to the survivor); people, deals, child companies, activities, tasks and the timeline move to
 * the survivor. The merged company then answers 301 to the survivor. Audited and on the timeline.
 */
export async function mergeCompanies(ctx: Ctx, body: MergeBody): Promise<CompanyRow> {
  const customDefs = (await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'company')).filter((d) => !d.archived_at);
  const customKeys = customDefs.map((d) => `custom.${d.key}`);
  checkMergeRequest(body, new Set([...companyChoiceFields, ...customKeys]));
  authorize(ctx, 'records.read');
  const [first, second] = [body.survivorId, body.mergedId].sort();
  const locked = new Map<string, CompanyRow>();
  for (const id of [first, second] as string[]) {
    locked.set(id, await lockLiveCompany(ctx, id, id === body.survivorId ? 'body.survivorId' : 'body.mergedId'));
  }
  const survivor = locked.get(body.survivorId) as CompanyRow;
  const merged = locked.get(body.mergedId) as CompanyRow;
  authorize(ctx, 'records.update', { ownerId: survivor.owner_id });
  authorize(ctx, 'records.delete', { ownerId: merged.owner_id });

  const sView = companyView(survivor);
  const mView = companyView(merged);
  const wins = winningMergedValues([...companyChoiceFields, ...customKeys], fieldReader(sView), fieldReader(mView), body.fields);

  const patch: CompanyWrite = {};
  for (const key of ['name', 'domain', 'industry', 'employeeCount', 'phone', 'ownerId', 'externalId'] as const) {
    if (wins.has(key)) patch[key] = wins.get(key) as never;
  }
  if (wins.has('annualRevenue')) {
    patch.annualRevenue = mView.annualRevenue;
    patch.annualRevenueCurrency = mView.annualRevenueCurrency;
  }
  if (wins.has('address')) patch.address = replacingObject(sView.address, mView.address);
  // The survivor cannot end up its own parent, nor keep the merged company as its parent.
  let parent = wins.has('parentCompanyId') ? mView.parentCompanyId : sView.parentCompanyId;
  if (parent === merged.id) parent = merged.parent_company_id;
  if (parent === survivor.id) parent = null;
  if (parent !== sView.parentCompanyId) patch.parentCompanyId = parent;
  const custom = Object.fromEntries(customKeys.filter((k) => wins.has(k)).map((k) => [k.slice(7), wins.get(k)]));
  if (Object.keys(custom).length > 0) patch.custom = custom;

  // The merged company leaves the live set first, so its domain and external id are free to take.
  await markMerged(ctx, 'companies', merged.id, survivor.id);
  const values = await planCompany(ctx, patch, survivor);
  const row = await updateCompanyRow(ctx.tx, ctx.workspaceId, survivor.id, survivor.version, values);
  if (!row) throw staleWrite(survivor.version + 1);
  const { changes } = await recordWrite(ctx, {
    recordType: 'company',
    recordId: survivor.id,
    action: 'update',
    before: companyAuditFields(sView),
    after: companyAuditFields(companyView(row)),
  });
  const shown = visibleChanges(changes);
  if (shown)
    await addTimelineEntry(ctx, [{ recordType: 'company', recordId: survivor.id }], { kind: 'field_change', data: { changes: shown } });

  await moveRecordReferences(ctx, 'company', merged.id, survivor.id);
  await ctx.tx.query('UPDATE companies SET last_activity_at = greatest(last_activity_at, $3) WHERE workspace_id = $1 AND id = $2', [
    ctx.workspaceId,
    survivor.id,
    merged.last_activity_at,
  ]);
  await recordWrite(ctx, {
    recordType: 'company',
    recordId: merged.id,
    action: 'merge',
    before: companyAuditFields(mView),
    after: null,
    payload: { survivorId: survivor.id },
  });
  await addTimelineEntry(ctx, [{ recordType: 'company', recordId: survivor.id }], {
    kind: 'merged',
    data: { mergedId: merged.id, mergedName: merged.name, fromMerged: [...wins.keys()] },
  });
  return (await findCompanyRow(ctx.tx, ctx.workspaceId, survivor.id)) as CompanyRow;
}
