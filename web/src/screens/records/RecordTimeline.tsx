import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { formatRelative } from '../contacts/format';
import { useMembers } from '../deals/deals.api';
import { ActivityComposer, type ComposerControl, type ComposerPeople } from './ActivityComposer';
import { entryIcons } from './entryIcons';
import { type RecordType, recordKeys, useRecordCustomFields } from './records.api';
import { activityFacts, type ChangeContext, changeFacts, entryIcon, entryTitle, isLongBody, type TimelineEntry } from './timelineEntry';

const PAGE_SIZE = 30;

function timelinePage(recordType: RecordType, id: string, cursor: string | undefined) {
  const params = { path: { id }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } };
  if (recordType === 'deal') return unwrap(api.GET('/api/v1/deals/{id}/timeline', { params }));
  if (recordType === 'company') return unwrap(api.GET('/api/v1/companies/{id}/timeline', { params }));
  return unwrap(api.GET('/api/v1/contacts/{id}/timeline', { params }));
}

/** An activity's body: Markdown rendered by the API for notes, plain text otherwise; long ones start folded. */
function EntryBody({ html, text }: { html: string | null | undefined; text: string | null | undefined }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const long = isLongBody(text);
  if (!html && !text) return null;
  return (
    <>
      {html ? (
        // The API renders notes from Markdown and sanitises them (no scripts, styles or unsafe links).
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side, see docs/api.md "Activities"
        <div id={id} className="timeline-card" data-folded={(long && !open) || undefined} dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <div id={id} className="timeline-card timeline-text" data-folded={(long && !open) || undefined}>
          {text}
        </div>
      )}
      {long ? (
        <button type="button" className="link-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : 'Show more'}
        </button>
      ) : null}
    </>
  );
}

function TimelineItem({
  entry,
  memberEmails,
  changeContext,
  showSource,
}: {
  entry: TimelineEntry;
  memberEmails: ReadonlySet<string>;
  changeContext: ChangeContext;
  showSource: boolean;
}) {
  const activity = entry.activity;
  const kind = entryIcon(entry);
  const facts = activity ? activityFacts(activity) : changeFacts(entry, changeContext);
  return (
    <li className="timeline-item" data-kind={kind}>
      <span className="timeline-icon" aria-hidden="true">
        {entryIcons[kind]}
      </span>
      <div style={{ minWidth: 0 }}>
        <div className="timeline-title">{entryTitle(entry, memberEmails, changeContext)}</div>
        <div className="timeline-meta">
          <time dateTime={entry.occurredAt}>{formatRelative(entry.occurredAt)}</time>
          {showSource ? <span> · on a {entry.recordType}</span> : null}
        </div>
        {facts.map((fact) => (
          <div key={fact} className="timeline-fact">
            {fact}
          </div>
        ))}
        {activity ? <EntryBody html={activity.bodyHtml} text={activity.body} /> : null}
      </div>
    </li>
  );
}

/**
 * What happened with a record, newest first and a page at a time, under the composer that adds
 * notes and logs calls, meetings and emails. A company's timeline also shows its people's and
 * deals' entries, each saying where it was written.
 */
export function RecordTimeline({
  recordType,
  recordId,
  composer,
  people,
}: {
  recordType: RecordType;
  recordId: string;
  composer: ComposerControl;
  people: ComposerPeople;
}) {
  const timeline = useInfiniteQuery({
    queryKey: recordKeys.timeline(recordType, recordId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => timelinePage(recordType, recordId, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const members = useMembers();
  const memberEmails = useMemo(() => new Set([...(members.data?.values() ?? [])].map((m) => m.email.toLowerCase())), [members.data]);
  // A company's timeline holds its people's and deals' changes too, each named by its own fields;
  // a contact's or a deal's holds only its own.
  const rollsUp = recordType === 'company';
  const contactFields = useRecordCustomFields('contact', rollsUp || recordType === 'contact');
  const companyFields = useRecordCustomFields('company', rollsUp);
  const dealFields = useRecordCustomFields('deal', rollsUp || recordType === 'deal');
  const changeContext = useMemo<ChangeContext>(
    () => ({
      memberNames: new Map([...(members.data?.values() ?? [])].map((m) => [m.userId, m.name || m.email])),
      customFields: { contact: contactFields.data, company: companyFields.data, deal: dealFields.data },
    }),
    [members.data, contactFields.data, companyFields.data, dealFields.data],
  );
  const entries = timeline.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <section className="record-timeline" aria-labelledby="timeline-title">
      <div className="panel">
        <h3 id="timeline-title" className="panel-title">
          Activity
        </h3>
        <div className="panel-body">
          <ActivityComposer control={composer} link={{ recordType, recordId }} people={people} />
        </div>
      </div>
      {timeline.isPending ? (
        <Loading label="Loading timeline…" />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : entries.length === 0 ? (
        <Empty title="Nothing here yet">Notes, calls, meetings, emails and changes show up here.</Empty>
      ) : (
        <ol className="timeline" aria-label="Timeline">
          {entries.map((entry) => (
            <TimelineItem
              key={entry.id}
              entry={entry}
              memberEmails={memberEmails}
              changeContext={changeContext}
              showSource={recordType === 'company' && entry.recordType !== 'company'}
            />
          ))}
        </ol>
      )}
      {timeline.hasNextPage ? (
        <Button size="sm" onClick={() => void timeline.fetchNextPage()} busy={timeline.isFetchingNextPage} className="timeline-more">
          Show older
        </Button>
      ) : null}
    </section>
  );
}
