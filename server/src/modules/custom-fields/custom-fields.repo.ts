import type { Queryable } from '../../db/database.ts';
import type { CustomFieldObject, CustomFieldType } from './custom-fields.schema.ts';

/** A custom field definition row. */
export type CustomFieldRow = {
  workspace_id: string;
  id: string;
  object_type: CustomFieldObject;
  key: string;
  label: string;
  type: CustomFieldType;
  options: { value: string; label: string }[];
  description: string | null;
  position: number;
  archived_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** A workspace's field definitions, optionally of one object type, in display order. */
export async function listCustomFieldRows(db: Queryable, workspaceId: string, objectType?: CustomFieldObject): Promise<CustomFieldRow[]> {
  const res = await db.query<CustomFieldRow>(
    `SELECT * FROM custom_fields WHERE workspace_id = $1 AND ($2::text IS NULL OR object_type = $2) ORDER BY object_type, position, id`,
    [workspaceId, objectType ?? null],
  );
  return res.rows;
}

/** One definition. */
export async function findCustomField(db: Queryable, workspaceId: string, id: string): Promise<CustomFieldRow | undefined> {
  const res = await db.query<CustomFieldRow>('SELECT * FROM custom_fields WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return res.rows[0];
}

/** Stores a new definition. */
export async function insertCustomField(
  db: Queryable,
  f: {
    workspaceId: string;
    id: string;
    objectType: string;
    key: string;
    label: string;
    type: string;
    options: unknown[];
    description: string | null;
    position: number;
  },
): Promise<CustomFieldRow> {
  const res = await db.query<CustomFieldRow>(
    `INSERT INTO custom_fields (workspace_id, id, object_type, key, label, type, options, description, position)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [f.workspaceId, f.id, f.objectType, f.key, f.label, f.type, JSON.stringify(f.options), f.description, f.position],
  );
  return res.rows[0] as CustomFieldRow;
}

/** Saves label, options, description, position and archived state if the version still matches. */
export async function updateCustomFieldRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  f: { label: string; options: unknown[]; description: string | null; position: number; archived: boolean },
): Promise<CustomFieldRow | undefined> {
  const res = await db.query<CustomFieldRow>(
    `UPDATE custom_fields SET label = $4, options = $5, description = $6, position = $7,
       archived_at = CASE WHEN $8 THEN coalesce(archived_at, now()) ELSE NULL END,
       version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING *`,
    [workspaceId, id, version, f.label, JSON.stringify(f.options), f.description, f.position, f.archived],
  );
  return res.rows[0];
}
