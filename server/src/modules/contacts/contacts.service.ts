import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, notFound, staleWrite } from '../../lib/errors.ts';
import type { FieldDef, FilterGroups } from '../../lib/filters.ts';
import { newId } from '../../lib/ids.ts';
import { EXACT_TOTAL_UP_TO, type ListPage, listRecords, type Sort } from '../../lib/record-list.ts';
import type { SqlParams } from '../../lib/sql-params.ts';
import { authorize } from '../../policies.ts';
import { contactType } from '../../records/record-types.ts';
import { addTimelineEntry } from '../../records/timeline.ts';
import { type Trashable, trashByIds, trashRows } from '../../records/trash.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { customFieldDefs } from '../custom-fields/custom-fields.values.ts';
import { prefixQuery, wordsOf } from '../search/search.query.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { normaliseEmail, normalisePhone } from './contacts.normalize.ts';
import { contactWriteEnv, planContact } from './contacts.plan.ts';
import type { ContactView } from './contacts.presenter.ts';
import {
  type ContactRow,
  contactSelect,
  findContactRow,
  findContactRowWithLinks,
  findLiveContactRows,
  setContactsDeleted,
} from './contacts.repo.ts';
import type { ContactWrite } from './contacts.schema.ts';
import { applyContactWrites, auditFields, contactViews } from './contacts.write.ts';

/** The view of one contact. */
export async function presentContact(ctx: Ctx, row: ContactRow): Promise<ContactView> {
  const [view] = await contactViews(ctx, [row]);
  return view as ContactView;
}

/** Creates a contact. */
export async function createContact(ctx: Ctx, input: ContactWrite): Promise<ContactRow> {
  authorize(ctx, 'records.create');
  if (input.ownerId && input.ownerId !== ctx.actor.userId) authorize(ctx, 'records.reassign');
  const plan = planContact(ctx, await contactWriteEnv(ctx, [input]), input);
  const [row] = await applyContactWrites(ctx, [{ id: newId(), plan }]);
  return row as ContactRow;
}

/** A live contact, or not_found; a merged-away contact answers with where it went. */
export async function getContact(ctx: Ctx, id: string): Promise<ContactRow> {
  authorize(ctx, 'records.read');
  const row = await findContactRowWithLinks(ctx.tx, ctx.workspaceId, id);
  if (!row || row.deleted_at) throw notFound('Contact');
  if (row.merged_into) {
    throw new AppError('moved_permanently', 'This contact was merged into another', undefined, {
      location: `/api/v1/contacts/${row.merged_into}`,
    });
  }
  return row;
}

/** Updates a contact; `expectedVersion` (If-Match) refuses a stale write. */
export async function updateContact(ctx: Ctx, input: { id: string; patch: ContactWrite; expectedVersion?: number }): Promise<ContactRow> {
  const current = await getContact(ctx, input.id);
  authorize(ctx, 'records.update', { ownerId: current.owner_id });
  if (input.patch.ownerId !== undefined && input.patch.ownerId !== current.owner_id) authorize(ctx, 'records.reassign');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const plan = planContact(ctx, await contactWriteEnv(ctx, [input.patch]), input.patch, current);
  const [row] = await applyContactWrites(ctx, [{ id: current.id, plan, current }]);
  return row as ContactRow;
}

/** Moves a contact to the trash (restorable for 30 days). */
export async function deleteContact(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  const current = await getContact(ctx, input.id);
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  await trashRows(ctx, contactTrash, [current]);
}

/** How contacts move to the trash in bulk. */
const contactTrash: Trashable<ContactRow> = {
  recordType: 'contact',
  findLive: (ctx, ids) => findLiveContactRows(ctx.tx, ctx.workspaceId, ids),
  setDeleted: (ctx, ids) => setContactsDeleted(ctx.tx, ctx.workspaceId, ids, true),
  auditFields: async (ctx, rows) => (await contactViews(ctx, rows)).map(auditFields),
};

/** Moves the live contacts among `ids` that the caller may delete to the trash; reports the others. */
export function deleteContacts(ctx: Ctx, ids: string[]): Promise<{ deleted: string[]; failed: { id: string; code: string }[] }> {
  return trashByIds(ctx, contactTrash, ids);
}

/** Takes a contact back out of the trash. */
export async function restoreContact(ctx: Ctx, id: string): Promise<ContactRow> {
  const current = await findContactRow(ctx.tx, ctx.workspaceId, id);
  if (!current?.deleted_at || current.merged_into) throw notFound('Deleted contact');
  authorize(ctx, 'records.delete', { ownerId: current.owner_id });
  const [row] = await setContactsDeleted(ctx.tx, ctx.workspaceId, [id], false);
  if (!row) throw notFound('Deleted contact');
  const [view] = await contactViews(ctx, [row]);
  await recordWrite(ctx, { recordType: 'contact', recordId: id, action: 'restore', before: null, after: auditFields(view) });
  await addTimelineEntry(ctx, [{ recordType: 'contact', recordId: id }], { kind: 'restored' });
  return row;
}

/** The fields contacts can be filtered and sorted on in this workspace (standard + custom). */
export async function contactFields(ctx: Ctx): Promise<FieldDef[]> {
  return [...contactType.fields, ...customFieldDefs(await listCustomFieldRows(ctx.tx, ctx.workspaceId, 'contact'), contactType.alias)];
}

/** A page of contacts matching filter groups, sorted, with the total. `q` matches name, email or phone. */
export async function searchContacts(
  ctx: Ctx,
  input: { filterGroups: FilterGroups; sort: Sort; limit: number; cursor?: string; q?: string },
): Promise<ListPage<ContactRow>> {
  authorize(ctx, 'records.read');
  const q = input.q?.trim();
  const region = q ? ((await findWorkspace(ctx.tx, ctx.workspaceId))?.settings.phoneRegion ?? defaultWorkspaceSettings.phoneRegion) : '';
  return listRecords<ContactRow>(ctx.tx, {
    type: contactType,
    fields: await contactFields(ctx),
    workspaceId: ctx.workspaceId,
    filterGroups: input.filterGroups,
    sort: input.sort,
    limit: input.limit,
    cursor: input.cursor,
    select: contactSelect,
    withTotal: true,
    exactTotalUpTo: EXACT_TOTAL_UP_TO,
    where: q ? (params: SqlParams) => quickMatch(q, region, params) : undefined,
  });
}

/** The `q` condition of a contact list: an email, a phone number, or words matching a name, email or title by prefix. */
function quickMatch(q: string, region: string, params: SqlParams): string {
  const email = normaliseEmail(q);
  if (email) return `c.email_list @> ARRAY[${params.add(email)}]::text[]`;
  const phone = /^[+\d\s().-]{6,}$/.test(q) ? normalisePhone(q, region) : undefined;
  const words = wordsOf(q);
  const byWords = words.length > 0 ? `c.search @@ to_tsquery('simple', ${params.add(prefixQuery(words))})` : 'false';
  return phone ? `(${byWords} OR c.phone_list @> ARRAY[${params.add(phone)}]::text[])` : byWords;
}
