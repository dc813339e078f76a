import type { StageRow } from '../pipelines/pipelines.repo.ts';
import type { DealContactRow, DealRow, StageStayRow } from './deals.repo.ts';

const DAY_MS = 86_400_000;

/** round(amount × probability / 100), in the amount's minor units; null without an amount. */
export function weightedAmount(amount: number | null, probability: number): number | null {
  return amount === null ? null : Math.round((amount * probability) / 100);
}

/**
 * Whether an open deal has sat idle in its stage — no stage change and no activity — for longer
 * than the stage's rotten-after days. The `rotten` filter field in record-types.ts says the same in SQL.
 */
export function isRotten(
  deal: Pick<DealRow, 'status' | 'stage_entered_at' | 'last_activity_at'>,
  rottenDays: number | null,
  now = Date.now(),
): boolean {
  if (deal.status !== 'open' || rottenDays === null) return false;
  const idleSince = Math.max(deal.stage_entered_at.getTime(), deal.last_activity_at?.getTime() ?? 0);
  return now - idleSince > rottenDays * DAY_MS;
}

/** A deal as the API shows it, given its stage and its contacts. */
export function dealView(r: DealRow, stage: Pick<StageRow, 'probability' | 'rotten_days'>, contacts: DealContactRow[]) {
  const probability = r.probability ?? stage.probability;
  return {
    id: r.id,
    name: r.name,
    pipelineId: r.pipeline_id,
    stageId: r.stage_id,
    amount: r.amount,
    currency: r.currency,
    expectedCloseDate: r.expected_close_date,
    probability,
    probabilityOverridden: r.probability !== null,
    weightedAmount: weightedAmount(r.amount, probability),
    ownerId: r.owner_id,
    companyId: r.company_id,
    contacts: contacts.map((c) => ({ contactId: c.contact_id, role: c.role })),
    status: r.status,
    lostReason: r.lost_reason,
    closedAt: r.closed_at?.toISOString() ?? null,
    stageEnteredAt: r.stage_entered_at.toISOString(),
    rotten: isRotten(r, stage.rotten_days),
    externalId: r.external_id,
    custom: r.custom,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastActivityAt: r.last_activity_at?.toISOString() ?? null,
  };
}
export type DealView = ReturnType<typeof dealView>;

/** The fields an audit diff compares: what was written, not derived values, timestamps or bookkeeping. */
export function dealAuditFields(view: DealView | undefined): Record<string, unknown> {
  if (!view) return {};
  const {
    id: _id,
    createdAt: _c,
    updatedAt: _u,
    lastActivityAt: _l,
    stageEnteredAt: _s,
    rotten: _r,
    weightedAmount: _w,
    probability,
    probabilityOverridden,
    ...rest
  } = view;
  return { ...rest, probability: probabilityOverridden ? probability : null };
}

/** One stay in a deal's stage history. */
export function stageStayView(s: StageStayRow) {
  return {
    id: s.id,
    pipelineId: s.pipeline_id,
    stageId: s.stage_id,
    stageName: s.stage_name,
    enteredAt: s.entered_at.toISOString(),
    leftAt: s.left_at?.toISOString() ?? null,
    durationSeconds: s.duration_seconds,
    actorType: s.actor_type,
    actorId: s.actor_id,
  };
}
