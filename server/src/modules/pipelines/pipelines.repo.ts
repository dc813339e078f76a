import type { Queryable } from '../../db/database.ts';

/** A pipeline row. */
export type PipelineRow = {
  workspace_id: string;
  id: string;
  name: string;
  position: number;
  is_default: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
};

/** A stage row. */
export type StageRow = {
  workspace_id: string;
  id: string;
  pipeline_id: string;
  name: string;
  position: number;
  probability: number;
  rotten_days: number | null;
  required_fields: string[];
};

const stageSelect = 's.workspace_id, s.id, s.pipeline_id, s.name, s.position, s.probability, s.rotten_days, s.required_fields';

/** Inserts a pipeline after the workspace's others. */
export async function insertPipelineRow(
  db: Queryable,
  workspaceId: string,
  p: { id: string; name: string; isDefault: boolean },
): Promise<PipelineRow> {
  const res = await db.query<PipelineRow>(
    `INSERT INTO pipelines (workspace_id, id, name, is_default, position)
     VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position) + 1, 0) FROM pipelines WHERE workspace_id = $1)) RETURNING *`,
    [workspaceId, p.id, p.name, p.isDefault],
  );
  return res.rows[0] as PipelineRow;
}

/** Inserts stages of one pipeline, in one statement. */
export async function insertStageRows(
  db: Queryable,
  workspaceId: string,
  pipelineId: string,
  stages: { id: string; name: string; position: number; probability: number; rotten_days: number | null; required_fields: string[] }[],
): Promise<void> {
  await db.query(
    `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability, rotten_days, required_fields)
     SELECT $1, r.id, $2, r.name, r.position, r.probability, r.rotten_days, ARRAY(SELECT jsonb_array_elements_text(r.required_fields))
     FROM jsonb_to_recordset($3::jsonb) AS r (id uuid, name text, position integer, probability integer, rotten_days integer, required_fields jsonb)`,
    [workspaceId, pipelineId, JSON.stringify(stages)],
  );
}

/** The workspace's pipelines in display order. */
export async function listPipelineRows(db: Queryable, workspaceId: string): Promise<PipelineRow[]> {
  const res = await db.query<PipelineRow>('SELECT * FROM pipelines WHERE workspace_id = $1 ORDER BY position, id', [workspaceId]);
  return res.rows;
}

/** One pipeline; `lock` holds it until the transaction ends, so stage edits of one pipeline are serialised. */
export async function findPipelineRow(db: Queryable, workspaceId: string, id: string, lock = false): Promise<PipelineRow | undefined> {
  const res = await db.query<PipelineRow>(`SELECT * FROM pipelines WHERE workspace_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [
    workspaceId,
    id,
  ]);
  return res.rows[0];
}

/** The workspace's default pipeline. */
export async function findDefaultPipelineRow(db: Queryable, workspaceId: string): Promise<PipelineRow | undefined> {
  const res = await db.query<PipelineRow>(
    'SELECT * FROM pipelines WHERE workspace_id = $1 ORDER BY is_default DESC, position, id LIMIT 1',
    [workspaceId],
  );
  return res.rows[0];
}

/** The stages of the given pipelines (all of the workspace's when omitted), in pipeline and stage order. */
export async function listStageRows(db: Queryable, workspaceId: string, pipelineIds?: string[]): Promise<StageRow[]> {
  const res = await db.query<StageRow>(
    `SELECT ${stageSelect} FROM pipeline_stages s WHERE s.workspace_id = $1 AND ($2::uuid[] IS NULL OR s.pipeline_id = ANY($2::uuid[]))
     ORDER BY s.pipeline_id, s.position, s.id`,
    [workspaceId, pipelineIds ?? null],
  );
  return res.rows;
}

/** Stages by id. */
export async function findStageRows(db: Queryable, workspaceId: string, ids: string[]): Promise<StageRow[]> {
  if (ids.length === 0) return [];
  const res = await db.query<StageRow>(
    `SELECT ${stageSelect} FROM pipeline_stages s WHERE s.workspace_id = $1 AND s.id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  return res.rows;
}

/** Renames a pipeline and/or bumps its version (every change to it or its stages does). */
export async function savePipelineRow(db: Queryable, workspaceId: string, id: string, name: string): Promise<PipelineRow> {
  const res = await db.query<PipelineRow>(
    'UPDATE pipelines SET name = $3, version = version + 1, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING *',
    [workspaceId, id, name],
  );
  return res.rows[0] as PipelineRow;
}

/** Makes one pipeline the workspace's only default. */
export async function setDefaultPipeline(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('UPDATE pipelines SET is_default = (id = $2) WHERE workspace_id = $1 AND is_default IS DISTINCT FROM (id = $2)', [
    workspaceId,
    id,
  ]);
}

/** Deletes a pipeline and (by cascade) its stages. */
export async function deletePipelineRow(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM pipelines WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** Saves a stage's settings. */
export async function updateStageRow(
  db: Queryable,
  workspaceId: string,
  stage: Pick<StageRow, 'id' | 'name' | 'probability' | 'rotten_days' | 'required_fields'>,
): Promise<void> {
  await db.query(
    `UPDATE pipeline_stages SET name = $3, probability = $4, rotten_days = $5, required_fields = $6::text[], updated_at = now()
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, stage.id, stage.name, stage.probability, stage.rotten_days, stage.required_fields],
  );
}

/** Sets the positions of a pipeline's stages to their order in `ids` (0-based). */
export async function setStagePositions(db: Queryable, workspaceId: string, pipelineId: string, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE pipeline_stages s SET position = o.n - 1, updated_at = now()
     FROM unnest($3::uuid[]) WITH ORDINALITY AS o (id, n)
     WHERE s.workspace_id = $1 AND s.pipeline_id = $2 AND s.id = o.id AND s.position <> o.n - 1`,
    [workspaceId, pipelineId, ids],
  );
}

/** Deletes one stage. */
export async function deleteStageRow(db: Queryable, workspaceId: string, id: string): Promise<void> {
  await db.query('DELETE FROM pipeline_stages WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
}

/** How many deals (trashed ones too: they still point at it) are in these stages. */
export async function countDealsInStages(db: Queryable, workspaceId: string, stageIds: string[]): Promise<number> {
  const res = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM deals WHERE workspace_id = $1 AND stage_id = ANY($2::uuid[])', [
    workspaceId,
    stageIds,
  ]);
  return res.rows[0]?.n ?? 0;
}
