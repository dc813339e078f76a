import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, type FieldError, forbidden, notFound, staleWrite } from '../../lib/errors.ts';
import { compileFilters, type FieldDef } from '../../lib/filters.ts';
import { newId } from '../../lib/ids.ts';
import { SqlParams } from '../../lib/sql-params.ts';
import { authorize, can } from '../../policies.ts';
import { recordTypes } from '../../records/record-types.ts';
import { listCustomFieldRows } from '../custom-fields/custom-fields.repo.ts';
import { customFieldDefs } from '../custom-fields/custom-fields.values.ts';
import { deleteView, findVisibleView, insertView, listVisibleViews, updateView, type ViewRow, type ViewValues } from './views.repo.ts';
import type { ViewCreate, ViewObjectType, ViewUpdate } from './views.schema.ts';

/** Columns a list can show beyond its filterable fields (lists, computed values, names). */
const displayOnly: Record<ViewObjectType, string[]> = {
  contact: ['name', 'emails', 'phones', 'companies', 'address', 'utm', 'consent'],
  company: ['address'],
  deal: ['weightedAmount', 'rotten', 'contacts', 'probabilityOverridden'],
  activity: ['links', 'bodyHtml', 'emailFrom', 'emailTo', 'meetingEndAt', 'meetingLocation'],
  task: ['notes'],
};

/** The fields a view of `objectType` may filter, sort and show: standard and custom. */
async function fieldsFor(ctx: Ctx, objectType: ViewObjectType): Promise<FieldDef[]> {
  const type = recordTypes[objectType];
  if (objectType !== 'contact' && objectType !== 'company' && objectType !== 'deal') return type.fields;
  return [...type.fields, ...customFieldDefs(await listCustomFieldRows(ctx.tx, ctx.workspaceId, objectType), type.alias)];
}

/** Refuses filters, a sort or columns the object does not have, naming each (the filter compiler checks operators and values). */
async function checkView(ctx: Ctx, objectType: ViewObjectType, v: ViewValues): Promise<void> {
  const fields = await fieldsFor(ctx, objectType);
  compileFilters(recordTypes[objectType], fields, v.filter_groups, new SqlParams([ctx.workspaceId]), 'body.filterGroups');
  const errors: FieldError[] = [];
  const sort = v.sort[0];
  if (sort && sort.field !== 'id' && !fields.some((f) => f.key === sort.field && f.sortable !== false)) {
    errors.push({ field: 'body.sort[0].field', message: `Cannot sort ${objectType}s by ${sort.field}` });
  }
  const known = new Set([...fields.map((f) => f.key), ...displayOnly[objectType]]);
  v.columns.forEach((c, i) => {
    if (!known.has(c)) errors.push({ field: `body.columns[${i}]`, message: `${objectType}s have no field ${c}` });
  });
  if (errors.length > 0) throw new AppError('validation_failed', 'The view is not valid', errors);
}

/** Saving views is a write: refused to read-only API keys; sharing with the workspace needs a role that creates records. */
function mayWrite(ctx: Ctx, view: { visibility: string; ownerId?: string }): void {
  if (ctx.actor.type === 'api_key' && ctx.actor.scope === 'read') throw forbidden('This API key is read-only');
  if (view.visibility === 'workspace' && !can(ctx, 'records.create')) throw forbidden(`Your role (${ctx.role}) cannot share views`);
  // Someone else's shared view is the workspace's: only admins change it.
  if (view.ownerId && view.ownerId !== ctx.actor.userId) authorize(ctx, 'workspace.update');
}

function auditFieldsOf(r: ViewRow) {
  return {
    name: r.name,
    objectType: r.object_type,
    filterGroups: r.filter_groups,
    sort: r.sort,
    columns: r.columns,
    visibility: r.visibility,
  };
}

export async function createView(ctx: Ctx, input: ViewCreate): Promise<ViewRow> {
  authorize(ctx, 'records.read');
  mayWrite(ctx, { visibility: input.visibility });
  if (!ctx.actor.userId) throw forbidden('Views belong to a user');
  const values: ViewValues = {
    name: input.name,
    filter_groups: input.filterGroups,
    sort: input.sort,
    columns: input.columns,
    visibility: input.visibility,
  };
  await checkView(ctx, input.objectType, values);
  const row = await insertView(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    objectType: input.objectType,
    ownerId: ctx.actor.userId,
    values,
  });
  await recordWrite(ctx, { recordType: 'saved_view', recordId: row.id, action: 'create', before: null, after: auditFieldsOf(row) });
  return row;
}

export async function getView(ctx: Ctx, id: string): Promise<ViewRow> {
  authorize(ctx, 'records.read');
  const row = await findVisibleView(ctx.tx, ctx.workspaceId, ctx.actor.userId, id);
  if (!row) throw notFound('View');
  return row;
}

export async function listViews(ctx: Ctx, q: { objectType?: ViewObjectType; limit: number; after?: string }): Promise<ViewRow[]> {
  authorize(ctx, 'records.read');
  return listVisibleViews(ctx.tx, ctx.workspaceId, ctx.actor.userId, q);
}

export async function changeView(ctx: Ctx, input: { id: string; patch: ViewUpdate; expectedVersion?: number }): Promise<ViewRow> {
  const current = await getView(ctx, input.id);
  mayWrite(ctx, { visibility: input.patch.visibility ?? current.visibility, ownerId: current.owner_id });
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const p = input.patch;
  const values: ViewValues = {
    name: p.name ?? current.name,
    filter_groups: p.filterGroups ?? current.filter_groups,
    sort: p.sort ?? current.sort,
    columns: p.columns ?? current.columns,
    visibility: p.visibility ?? current.visibility,
  };
  await checkView(ctx, current.object_type, values);
  const row = await updateView(ctx.tx, ctx.workspaceId, current.id, current.version, values);
  if (!row) throw staleWrite(current.version + 1);
  await recordWrite(ctx, {
    recordType: 'saved_view',
    recordId: row.id,
    action: 'update',
    before: auditFieldsOf(current),
    after: auditFieldsOf(row),
  });
  return row;
}

export async function removeView(ctx: Ctx, id: string): Promise<void> {
  const current = await getView(ctx, id);
  mayWrite(ctx, { visibility: current.visibility, ownerId: current.owner_id });
  await deleteView(ctx.tx, ctx.workspaceId, id);
  await recordWrite(ctx, { recordType: 'saved_view', recordId: id, action: 'delete', before: auditFieldsOf(current), after: null });
}
