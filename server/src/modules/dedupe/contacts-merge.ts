import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import { type LifecycleStage, lifecycleStages } from '../../records/record-types.ts';
import { addTimelineEntry } from '../../records/timeline.ts';
import { contactWriteEnv, planContact } from '../contacts/contacts.plan.ts';
import type { ContactView } from '../contacts/contacts.presenter.ts';
import { type ContactRow, type EmailEntry, findContactRow, type PhoneEntry } from '../contacts/contacts.repo.ts';
import type { ContactWrite } from '../contacts/contacts.schema.ts';
import { applyContactWrites, auditFields, contactViews } from '../contacts/contacts.write.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { markMerged, moveRecordReferences } from './merge.repo.ts';
import { checkMergeRequest, fieldReader, type MergeBody, replacingObject, winningMergedValues } from './merge-choices.ts';

/** Plain fields a contact merge chooses between (emails, phones, tags and companies are combined). */
const contactChoiceFields = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'jobTitle',
  'ownerId',
  'lifecycleStage',
  'leadSource',
  'utm',
  'address',
  'timezone',
  'externalId',
] as const;

/** A live contact locked for the merge, or a 404 / 409 naming which id is wrong. */
async function lockLiveContact(ctx: Ctx, id: string, field: string): Promise<ContactRow> {
  const row = await findContactRow(ctx.tx, ctx.workspaceId, id, true);
  if (!row || row.deleted_at) throw new AppError('not_found', 'Contact not found', [{ field, message: 'No such contact' }]);
  if (row.merged_into) {
    throw new AppError('conflict', 'This contact was already merged into another', [
      { field, message: `Already merged into ${row.merged_into}`, code: 'already_merged' },
    ]);
  }
  return row;
}

/** Lifecycle stages only move forward by default: the merge keeps the further of the two. */
function furtherStage(a: string, b: string): LifecycleStage {
  const rank = (s: string) => (s === 'other' ? -1 : lifecycleStages.indexOf(s as LifecycleStage));
  return (rank(b) > rank(a) ? b : a) as LifecycleStage;
}

/** The union of two lists by key, the survivor's first; the primary entry is the chosen side's. */
function combine<T extends { primary: boolean }>(survivor: T[], merged: T[], key: (e: T) => string, mergedPrimary: boolean): T[] {
  const seen = new Set(survivor.map(key));
  const all = [...survivor, ...merged.filter((e) => !seen.has(key(e)))];
  const primaryKey = (mergedPrimary ? merged : survivor).find((e) => e.primary) ?? all.find((e) => e.primary);
  return all.map((e) => ({ ...e, primary: primaryKey !== undefined && key(e) === key(primaryKey) }));
}

/**
 * Merges `mergedId` into `survivorId`: field by field the chosen value wins; emails, phones,
 * tags and company links are combined; consent keeps each channel's latest decision; deals,
 * activities, tasks, timeline and consent history move to the survivor. The merged contact
 * then answers 301 to the survivor. Audited and on the survivor's timeline.
 */
export async function mergeContacts(ctx: Ctx, body: MergeBody): Promise<ContactRow> {
  const customDefs = (await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact')).filter((d) => !d.archived_at);
  const customKeys = customDefs.map((d) => `custom.${d.key}`);
  checkMergeRequest(body, new Set([...contactChoiceFields, ...customKeys]));
  authorize(ctx, 'records.read');
  // Lock in id order so two merges of the same pair cannot deadlock.
  const [first, second] = [body.survivorId, body.mergedId].sort();
  const locked = new Map<string, ContactRow>();
  for (const id of [first, second] as string[]) {
    locked.set(id, await lockLiveContact(ctx, id, id === body.survivorId ? 'body.survivorId' : 'body.mergedId'));
  }
  const survivor = locked.get(body.survivorId) as ContactRow;
  const merged = locked.get(body.mergedId) as ContactRow;
  authorize(ctx, 'records.update', { ownerId: survivor.owner_id });
  authorize(ctx, 'records.delete', { ownerId: merged.owner_id });

  const [sView, mView] = (await contactViews(ctx, [survivor, merged])) as [ContactView, ContactView];
  const choices = body.fields ?? {};
  const wins = winningMergedValues([...contactChoiceFields, ...customKeys], fieldReader(sView), fieldReader(mView), choices);

  const patch: ContactWrite = {};
  const plain = ['firstName', 'lastName', 'jobTitle', 'ownerId', 'leadSource', 'timezone', 'externalId'] as const;
  for (const key of plain) if (wins.has(key)) patch[key] = wins.get(key) as never;
  if (wins.has('utm')) patch.utm = replacingObject(sView.utm, mView.utm);
  if (wins.has('address')) patch.address = replacingObject(sView.address, mView.address);
  patch.lifecycleStage = choices.lifecycleStage
    ? choices.lifecycleStage === 'merged'
      ? mView.lifecycleStage
      : sView.lifecycleStage
    : furtherStage(sView.lifecycleStage, mView.lifecycleStage);
  const custom = Object.fromEntries(customKeys.filter((k) => wins.has(k)).map((k) => [k.slice(7), wins.get(k)]));
  if (Object.keys(custom).length > 0) patch.custom = custom;
  patch.companies = combine(sView.companies, mView.companies, (c) => c.companyId, sView.companies.length === 0).map((c) => ({
    companyId: c.companyId,
    title: c.title,
    role: c.role,
    primary: c.primary,
  }));

  // The merged contact leaves the live set first, so the survivor may take its external id.
  await markMerged(ctx, 'contacts', merged.id, survivor.id);
  const plan = planContact(ctx, await contactWriteEnv(ctx, [patch]), patch, survivor);
  const emails = combine<EmailEntry>(survivor.emails, merged.emails, (e) => e.address, wins.has('email'));
  const phones = combine<PhoneEntry>(survivor.phones, merged.phones, (p) => p.number, wins.has('phone'));
  const latest = (channel: 'email' | 'sms') => {
    const s = survivor.consent[channel];
    const m = merged.consent[channel];
    if (!m?.updatedAt) return s;
    return !s?.updatedAt || m.updatedAt > s.updatedAt ? m : s;
  };
  const consent = Object.fromEntries((['email', 'sms'] as const).flatMap((ch) => (latest(ch) ? [[ch, latest(ch)]] : [])));
  Object.assign(plan.values, {
    emails,
    email_list: emails.map((e) => e.address),
    email: emails.find((e) => e.primary)?.address ?? null,
    phones,
    phone_list: phones.map((p) => p.number),
    phone: phones.find((p) => p.primary)?.number ?? null,
    tags: [...new Set([...survivor.tags, ...merged.tags])],
    consent: { ...plan.values.consent, ...consent },
  });
  const [row] = await applyContactWrites(ctx, [{ id: survivor.id, plan, current: survivor }]);

  await moveRecordReferences(ctx, 'contact', merged.id, survivor.id);
  await ctx.tx.query(`UPDATE contacts SET last_activity_at = greatest(last_activity_at, $3) WHERE workspace_id = $1 AND id = $2`, [
    ctx.workspaceId,
    survivor.id,
    merged.last_activity_at,
  ]);
  await recordWrite(ctx, {
    recordType: 'contact',
    recordId: merged.id,
    action: 'merge',
    before: auditFields(mView),
    after: null,
    payload: { survivorId: survivor.id },
  });
  await addTimelineEntry(ctx, [{ recordType: 'contact', recordId: survivor.id }], {
    kind: 'merged',
    data: { mergedId: merged.id, mergedName: mView.name, fromMerged: [...wins.keys()] },
  });
  const fresh = await findContactRow(ctx.tx, ctx.workspaceId, survivor.id);
  if (!fresh || !row) throw notFound('Contact');
  return fresh;
}
