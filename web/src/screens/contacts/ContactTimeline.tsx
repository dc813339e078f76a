import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { ActivityComposer } from './ActivityComposer';
import { formatRelative, lifecycleLabel } from './format';

type TimelineEntry = components['schemas']['TimelineEntry'];
type TimelineRecord = 'contact' | 'deal';

function callSummary(call: NonNullable<components['schemas']['Activity']['call']>): string {
  const minutes = call.durationSeconds ? ` · ${Math.max(1, Math.round(call.durationSeconds / 60))} min` : '';
  return `${call.direction === 'inbound' ? 'Inbound' : 'Outbound'} call${call.outcome ? ` · ${call.outcome}` : ''}${minutes}`;
}

/** One line saying what an entry is, in words. */
export function entryTitle(entry: TimelineEntry): string {
  const data = entry.data as Record<string, unknown>;
  switch (entry.kind) {
    case 'created':
      return `${entry.recordType === 'deal' ? 'Deal' : entry.recordType === 'company' ? 'Company' : 'Contact'} created`;
    case 'activity': {
      const a = entry.activity;
      if (!a) return 'Activity';
      if (a.kind === 'call' && a.call) return callSummary(a.call);
      if (a.kind === 'note') return 'Note';
      return a.subject ?? (a.kind === 'email' ? 'Email' : 'Meeting');
    }
    case 'lifecycle_change':
      return `Lifecycle stage changed to ${lifecycleLabel(String(data.to ?? ''))}`;
    case 'stage_change': {
      const stage = (end: unknown) => (end as { name?: string | null } | undefined)?.name ?? 'a removed stage';
      return `Moved from ${stage(data.from)} to ${stage(data.to)}`;
    }
    case 'status_change':
      if (data.to === 'won') return 'Marked won';
      if (data.to === 'lost') return data.lostReason ? `Marked lost: ${String(data.lostReason)}` : 'Marked lost';
      return 'Reopened';
    case 'field_change':
      return `Changed ${Object.keys((data.changes as Record<string, unknown>) ?? {}).join(', ') || 'fields'}`;
    case 'task_created':
      return `Task created: ${String(data.title ?? '')}`;
    case 'task_completed':
      return `Task completed: ${String(data.title ?? '')}`;
    default:
      return entry.kind.replace('_', ' ').replace(/^./, (ch) => ch.toUpperCase());
  }
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  const activity = entry.activity;
  const icon = activity?.kind === 'call' ? icons.call : activity ? icons.note : icons.dot;
  return (
    <li className="timeline-item">
      <span className="timeline-icon" aria-hidden="true">
        {icon}
      </span>
      <div style={{ minWidth: 0 }}>
        <div className="timeline-title">{entryTitle(entry)}</div>
        <time className="timeline-meta" dateTime={entry.occurredAt}>
          {formatRelative(entry.occurredAt)}
        </time>
        {activity?.bodyHtml ? (
          // The API renders notes from Markdown and sanitises them (no scripts, styles or unsafe links).
          // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side, see docs/api.md "Activities"
          <div className="timeline-card" dangerouslySetInnerHTML={{ __html: activity.bodyHtml }} />
        ) : activity?.body ? (
          <div className="timeline-card">{activity.body}</div>
        ) : null}
      </div>
    </li>
  );
}

function timelinePage(recordType: TimelineRecord, id: string, cursor: string | undefined) {
  const params = { path: { id }, query: { limit: 50, ...(cursor ? { cursor } : {}) } };
  return unwrap(
    recordType === 'deal' ? api.GET('/api/v1/deals/{id}/timeline', { params }) : api.GET('/api/v1/contacts/{id}/timeline', { params }),
  );
}

/** What happened with a contact, newest first, with the composer to add a note or log a call. */
export function ContactTimeline({ contactId }: { contactId: string }) {
  return <RecordTimeline recordType="contact" recordId={contactId} />;
}

/**
 * What happened with a record, newest first, with the composer to add a note or log a call.
 * Queried as [records, 'timeline', id] (contactKeys.timeline, dealKeys.timeline).
 */
export function RecordTimeline({ recordType, recordId }: { recordType: TimelineRecord; recordId: string }) {
  const timeline = useInfiniteQuery({
    queryKey: [`${recordType}s`, 'timeline', recordId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => timelinePage(recordType, recordId, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = timeline.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <section aria-labelledby="timeline-title">
      <div className="panel">
        <h3 id="timeline-title" className="panel-title">
          Activity
        </h3>
        <div className="panel-body">
          <ActivityComposer link={{ recordType, recordId }} />
        </div>
      </div>
      {timeline.isPending ? (
        <Loading label="Loading timeline…" />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : entries.length === 0 ? (
        <Empty title="Nothing here yet">Notes, calls and changes show up here.</Empty>
      ) : (
        <ol className="timeline" aria-label="Timeline" style={{ listStyle: 'none', padding: 0 }}>
          {entries.map((entry) => (
            <TimelineItem key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
      {timeline.hasNextPage ? (
        <Button size="sm" onClick={() => void timeline.fetchNextPage()} busy={timeline.isFetchingNextPage} style={{ marginTop: 16 }}>
          Show older
        </Button>
      ) : null}
    </section>
  );
}
