import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../ui/Button';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { formatDate } from '../contacts/format';
import { TopBar } from '../shell/AppShell';
import { initials } from '../shell/UserMenu';
import { duplicateKeys, mergeRecords, type PairPage, useDuplicatePairs, withoutRecord } from './duplicates.api';
import { MergeDialog } from './MergeDialog';
import {
  type DuplicateObject,
  type DuplicatePair,
  type DuplicateReason,
  type DuplicateRecord,
  type MergeRequest,
  movedRecords,
  objectNoun,
  reasonLabels,
} from './merge';
import './duplicates.css';

const objects: { value: DuplicateObject; label: string }[] = [
  { value: 'contacts', label: 'Contacts' },
  { value: 'companies', label: 'Companies' },
];

/** Which fact of a record a reason is about, so the matching one stands out (names are read side by side anyway). */
const reasonFacts: Record<DuplicateReason, 'email' | 'phone' | 'domain' | 'company' | null> = {
  same_email: 'email',
  same_phone: 'phone',
  same_domain: 'domain',
  same_name: null,
  similar_name: null,
  similar_name_same_company: 'company',
};

/**
 * The facts to mark in both records: those a reason is about and which read the same on both
 * sides (a pair found on a secondary email shows differing primary ones, left unmarked).
 */
function matchedFacts(pair: DuplicatePair): Set<string> {
  const alike = (x: string | null, y: string | null) => {
    if (!x || !y) return false;
    const [a, b] = [x.toLowerCase(), y.toLowerCase()];
    return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
  };
  const facts = pair.reasons.map((r) => reasonFacts[r]).filter((f) => f !== null);
  return new Set(facts.filter((f) => alike(pair.a[f], pair.b[f])));
}

function RecordFacts({ object, record, matched }: { object: DuplicateObject; record: DuplicateRecord; matched: Set<string> }) {
  const name = record.name || 'Unnamed';
  const moved = movedRecords(record.related);
  const fact = (key: string, value: string | null) =>
    value ? (
      <li className="dup-fact">
        <span className="visually-hidden">{key}: </span>
        {matched.has(key) ? <span className="dup-match-value">{value}</span> : value}
      </li>
    ) : null;
  return (
    <div className="dup-record">
      <span className="avatar" aria-hidden="true">
        {initials(name)}
      </span>
      <div className="dup-record-main">
        <Link to={`/${object}/${record.id}`} className="dup-name">
          {name}
        </Link>
        <ul className="dup-facts">
          {fact('email', record.email)}
          {fact('domain', record.domain)}
          {fact('phone', record.phone)}
          {fact('company', record.company)}
          <li className="dup-fact muted">
            Added {formatDate(record.createdAt)}
            {moved.length > 0 ? ` · ${moved.join(', ')}` : ''}
          </li>
        </ul>
      </div>
    </div>
  );
}

function PairCard({ object, pair, onReview }: { object: DuplicateObject; pair: DuplicatePair; onReview: () => void }) {
  const matched = matchedFacts(pair);
  const label = `${pair.a.name || 'Unnamed'} and ${pair.b.name || 'Unnamed'}`;
  return (
    <li className="dup-pair" aria-label={label}>
      <div className="dup-pair-head">
        <ul className="dup-reasons" aria-label="Why they match">
          {pair.reasons.map((r) => (
            <li key={r} className="dup-reason">
              {reasonLabels[r]}
            </li>
          ))}
        </ul>
        <Button size="sm" variant="primary" onClick={onReview} aria-label={`Review & merge ${label}`}>
          Review &amp; merge
        </Button>
      </div>
      <div className="dup-records">
        <RecordFacts object={object} record={pair.a} matched={matched} />
        <RecordFacts object={object} record={pair.b} matched={matched} />
      </div>
    </li>
  );
}

/** The tabs between contacts and companies; the record filter does not carry over. */
function ObjectTabs({ object }: { object: DuplicateObject }) {
  return (
    <nav className="dup-tabs" aria-label="Record type">
      {objects.map((o) => (
        <Link key={o.value} to={`/duplicates?object=${o.value}`} className="dup-tab" aria-current={o.value === object ? 'page' : undefined}>
          {o.label}
        </Link>
      ))}
    </nav>
  );
}

/** The name of the record a deep link narrows to, read from its pairs. */
function recordName(pages: InfiniteData<PairPage> | undefined, id: string): string | undefined {
  const pair = pages?.pages[0]?.data[0];
  if (!pair) return undefined;
  return (pair.a.id === id ? pair.a : pair.b).name || undefined;
}

/**
 * Duplicate review: candidate pairs of contacts or companies side by side with why they match,
 * each opening the merge dialog. `?object=companies` picks the tab, `&record=<id>` keeps only
 * the pairs of one record (the record pages link here).
 */
export function DuplicatesScreen() {
  const [params] = useSearchParams();
  const object: DuplicateObject = params.get('object') === 'companies' ? 'companies' : 'contacts';
  const recordId = params.get('record');
  const pairs = useDuplicatePairs(object, recordId);
  const [reviewing, setReviewing] = useState<DuplicatePair | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();
  const noun = objectNoun[object];

  const merge = async (body: MergeRequest) => {
    const survivor = await mergeRecords(object, body);
    setReviewing(null);
    // The retired record's pairs leave at once; the lists and records reload behind.
    for (const [key, pages] of queryClient.getQueriesData<InfiniteData<PairPage>>({ queryKey: duplicateKeys.all(object) })) {
      queryClient.setQueryData(key, withoutRecord(pages, body.mergedId));
    }
    void queryClient.invalidateQueries({ queryKey: [object] });
    const name = String(survivor.name || `the ${noun}`);
    toast(`Merged into ${name}`, 'info', { label: `Open ${name}`, to: `/${object}/${survivor.id}` });
  };

  const list = pairs.data?.pages.flatMap((p) => p.data) ?? [];
  const narrowedTo = recordId ? (recordName(pairs.data, recordId) ?? `this ${noun}`) : null;

  return (
    <>
      <TopBar title="Duplicates" />
      <div className="content">
        <div className="dup-screen">
          <div className="dup-toolbar">
            <ObjectTabs object={object} />
            {narrowedTo ? (
              <p className="dup-narrowed">
                Showing possible duplicates of <strong>{narrowedTo}</strong>. <Link to={`/duplicates?object=${object}`}>Show all</Link>
              </p>
            ) : null}
          </div>
          {pairs.isPending ? (
            <Loading label="Looking for duplicates…" />
          ) : pairs.isError ? (
            <ErrorState error={pairs.error} onRetry={() => pairs.refetch()} />
          ) : list.length === 0 ? (
            <Empty title="No duplicates found">
              {recordId
                ? `Nothing else looks like ${narrowedTo}.`
                : `No two ${object} share an email, a phone or a name closely enough to look like the same ${noun}.`}
            </Empty>
          ) : (
            <>
              <ul className="dup-list" aria-label={`Possible duplicate ${object}`}>
                {list.map((pair) => (
                  <PairCard key={`${pair.a.id}:${pair.b.id}`} object={object} pair={pair} onReview={() => setReviewing(pair)} />
                ))}
              </ul>
              {pairs.hasNextPage ? (
                <div className="dup-more">
                  <Button busy={pairs.isFetchingNextPage} onClick={() => pairs.fetchNextPage()}>
                    Show more pairs
                  </Button>
                </div>
              ) : null}
            </>
          )}
        </div>
      </div>
      <MergeDialog
        object={object}
        pair={reviewing}
        onClose={() => setReviewing(null)}
        onSubmit={merge}
        onStale={() => {
          setReviewing(null);
          void queryClient.invalidateQueries({ queryKey: [object] });
        }}
      />
    </>
  );
}
