import type { TimelineKind } from '../../records/timeline.ts';
import type { ActivityView } from '../activities/activities.presenter.ts';
import type { TimelineRow } from './timeline.repo.ts';

/** A timeline entry as the API shows it, with its activity when it is one. */
export function timelineEntryView(r: TimelineRow, activity: ActivityView | null) {
  return {
    id: r.id,
    kind: r.kind as TimelineKind,
    occurredAt: r.occurred_at.toISOString(),
    recordType: r.record_type,
    recordId: r.record_id,
    actor: { type: r.actor_type, id: r.actor_id },
    data: r.data,
    activity,
    taskId: r.task_id,
  };
}
