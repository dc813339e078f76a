import type { Queryable } from '../../db/database.ts';
import type { FilterGroups } from '../../lib/filters.ts';
import type { Sort } from '../../lib/record-list.ts';
import type { ViewObjectType } from './views.schema.ts';

/** A saved view row. */
export type ViewRow = {
  workspace_id: string;
  id: string;
  object_type: ViewObjectType;
  name: string;
  filter_groups: FilterGroups;
  sort: Sort;
  columns: string[];
  visibility: 'private' | 'workspace';
  owner_id: string;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** The values a write sets. */
export type ViewValues = Pick<ViewRow, 'name' | 'filter_groups' | 'sort' | 'columns' | 'visibility'>;

const bind = (v: ViewValues) => [v.name, JSON.stringify(v.filter_groups), JSON.stringify(v.sort), v.columns, v.visibility];

export async function insertView(
  db: Queryable,
  row: { workspaceId: string; id: string; objectType: ViewObjectType; ownerId: string; values: ViewValues },
): Promise<ViewRow> {
  const res = await db.query<ViewRow>(
    `INSERT INTO saved_views (workspace_id, id, object_type, owner_id, name, filter_groups, sort, columns, visibility)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [row.workspaceId, row.id, row.objectType, row.ownerId, ...bind(row.values)],
  );
  return res.rows[0] as ViewRow;
}

/** A view the user may see: their own, or one shared with the workspace. */
export async function findVisibleView(db: Queryable, workspaceId: string, userId: string | null, id: string): Promise<ViewRow | undefined> {
  const res = await db.query<ViewRow>(
    `SELECT * FROM saved_views WHERE workspace_id = $1 AND id = $2 AND (visibility = 'workspace' OR owner_id = $3)`,
    [workspaceId, id, userId],
  );
  return res.rows[0];
}

/** The views the user may see, shared and own, by name then id, after the cursor id. */
export async function listVisibleViews(
  db: Queryable,
  workspaceId: string,
  userId: string | null,
  q: { objectType?: ViewObjectType; limit: number; after?: string },
): Promise<ViewRow[]> {
  const res = await db.query<ViewRow>(
    `SELECT * FROM saved_views WHERE workspace_id = $1 AND (visibility = 'workspace' OR owner_id = $2)
       AND ($3::text IS NULL OR object_type = $3) AND ($4::uuid IS NULL OR id > $4)
     ORDER BY id LIMIT $5`,
    [workspaceId, userId, q.objectType ?? null, q.after ?? null, q.limit],
  );
  return res.rows;
}

export async function updateView(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: ViewValues,
): Promise<ViewRow | undefined> {
  const res = await db.query<ViewRow>(
    `UPDATE saved_views SET name = $4, filter_groups = $5, sort = $6, columns = $7, visibility = $8, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 AND version = $3 RETURNING *`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

export async function deleteView(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM saved_views WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}
