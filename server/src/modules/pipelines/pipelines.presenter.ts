import type { PipelineRow, StageRow } from './pipelines.repo.ts';

/** A stage as the API shows it. */
export function stageView(s: StageRow) {
  return {
    id: s.id,
    pipelineId: s.pipeline_id,
    name: s.name,
    position: s.position,
    probability: s.probability,
    rottenDays: s.rotten_days,
    requiredFields: s.required_fields,
  };
}

/** A pipeline with its stages (those of other pipelines in `stages` are ignored), in stage order. */
export function pipelineView(p: PipelineRow, stages: StageRow[]) {
  return {
    id: p.id,
    name: p.name,
    position: p.position,
    isDefault: p.is_default,
    stages: stages
      .filter((s) => s.pipeline_id === p.id)
      .sort((a, b) => a.position - b.position)
      .map(stageView),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}
export type PipelineView = ReturnType<typeof pipelineView>;

/** The fields an audit diff of a pipeline compares: its settings and stages, not timestamps. */
export function pipelineAuditFields(view: PipelineView): Record<string, unknown> {
  return {
    name: view.name,
    isDefault: view.isDefault,
    stages: view.stages.map(({ pipelineId: _p, position: _o, ...s }) => s),
  };
}
