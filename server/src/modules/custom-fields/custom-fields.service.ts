import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, notFound, staleWrite } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import {
  type CustomFieldRow,
  findCustomField,
  insertCustomField,
  listCustomFieldRows,
  updateCustomFieldRow,
} from './custom-fields.repo.ts';
import type { CustomFieldObject, createCustomFieldBody, customFieldSchema, updateCustomFieldBody } from './custom-fields.schema.ts';

/** A definition as the API shows it. */
export function presentCustomField(f: CustomFieldRow): z.infer<typeof customFieldSchema> {
  return {
    id: f.id,
    objectType: f.object_type,
    key: f.key,
    label: f.label,
    type: f.type,
    options: f.options,
    description: f.description,
    position: f.position,
    archived: f.archived_at !== null,
    createdAt: f.created_at.toISOString(),
    updatedAt: f.updated_at.toISOString(),
  };
}

/** An API name derived from a label: "Annual Plan (USD)" → "annual_plan_usd". */
export function keyFromLabel(label: string): string {
  const k = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  return /^[a-z]/.test(k) ? k : `field_${k}`.slice(0, 63);
}

const selectTypes = new Set(['single_select', 'multi_select']);

function checkOptions(type: string, options: { value: string }[] | undefined): void {
  if (selectTypes.has(type) && (!options || options.length === 0)) {
    throw new AppError('validation_failed', 'Select fields need options', [{ field: 'body.options', message: 'Give at least one option' }]);
  }
  if (options && new Set(options.map((o) => o.value)).size !== options.length) {
    throw new AppError('validation_failed', 'Option values must be unique', [{ field: 'body.options', message: 'Duplicate option value' }]);
  }
}

/** The definitions of a workspace (or of one object type), archived ones optionally included. */
export async function listCustomFields(
  ctx: Ctx,
  input: { objectType?: CustomFieldObject; includeArchived?: boolean },
): Promise<CustomFieldRow[]> {
  authorize(ctx, 'records.read');
  const rows = await listCustomFieldRows(ctx.tx, ctx.workspaceId, input.objectType);
  return input.includeArchived ? rows : rows.filter((r) => r.archived_at === null);
}

/** Defines a new custom field (admins). No DDL: values live in the record's `custom` JSON. */
export async function createCustomField(ctx: Ctx, input: z.infer<typeof createCustomFieldBody>): Promise<CustomFieldRow> {
  authorize(ctx, 'custom_fields.manage');
  checkOptions(input.type, input.options);
  const key = input.key ?? keyFromLabel(input.label);
  try {
    const row = await insertCustomField(ctx.tx, {
      workspaceId: ctx.workspaceId,
      id: newId(),
      objectType: input.objectType,
      key,
      label: input.label,
      type: input.type,
      options: input.options ?? [],
      description: input.description ?? null,
      position: input.position ?? 0,
    });
    await recordWrite(ctx, {
      recordType: 'custom_field',
      recordId: row.id,
      action: 'create',
      before: null,
      after: presentCustomField(row),
    });
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('conflict', `A ${input.objectType} field with the key ${key} already exists`, [
        { field: 'body.key', message: 'Already used' },
      ]);
    }
    throw err;
  }
}

/** Renames, re-orders, edits options of, archives or restores a definition; values are never lost. */
export async function updateCustomField(
  ctx: Ctx,
  input: { id: string; patch: z.infer<typeof updateCustomFieldBody>; expectedVersion?: number },
): Promise<CustomFieldRow> {
  authorize(ctx, 'custom_fields.manage');
  const current = await findCustomField(ctx.tx, ctx.workspaceId, input.id);
  if (!current) throw notFound('Custom field');
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const p = input.patch;
  if (p.options) checkOptions(current.type, p.options);
  const row = await updateCustomFieldRow(ctx.tx, ctx.workspaceId, current.id, current.version, {
    label: p.label ?? current.label,
    options: p.options ?? current.options,
    description: p.description === undefined ? current.description : p.description,
    position: p.position ?? current.position,
    archived: p.archived ?? current.archived_at !== null,
  });
  if (!row) throw staleWrite(current.version + 1);
  await recordWrite(ctx, {
    recordType: 'custom_field',
    recordId: row.id,
    action: 'update',
    before: presentCustomField(current),
    after: presentCustomField(row),
  });
  return row;
}
