import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { formatRelative } from '../contacts/format';
import { useMembers } from '../deals/deals.api';
import { TopBar } from '../shell/AppShell';
import { StatusTag } from './ImportParts';
import { useCanManageImports, useImportList } from './imports.api';
import { countOf, type Import, importObjects, isLive, personName, plural, progressPercent } from './imports.model';

/** The counts of a past import in a few words. */
export function importCounts(imp: Import): string {
  const p = imp.progress;
  if (imp.status === 'draft') return `${plural(imp.headers.length, 'column')} · not started`;
  if (isLive(imp.status) && imp.status !== 'reverting') {
    const pct = progressPercent(p);
    return `${plural(p.rowsDone, 'row')} so far${pct === null ? '' : ` (${pct}%)`}`;
  }
  const parts = [`${countOf(imp.object, p.created)} created`, `${p.updated.toLocaleString('en-US')} updated`];
  if (p.unchanged > 0) parts.push(`${p.unchanged.toLocaleString('en-US')} unchanged`);
  if (p.failed > 0) parts.push(`${p.failed.toLocaleString('en-US')} failed`);
  return parts.join(' · ');
}

function HistoryRow({ imp, members }: { imp: Import; members: ReadonlyMap<string, { name: string }> | undefined }) {
  const who = personName(imp.createdBy, members);
  const label = importObjects.find((o) => o.value === imp.object)?.label ?? imp.object;
  return (
    <li className="history-row">
      <div className="history-main">
        <Link to={`/imports/${imp.id}`} className="history-file">
          {imp.fileName}
        </Link>
        <span className="history-counts">{importCounts(imp)}</span>
      </div>
      <span className="history-object">{label}</span>
      <StatusTag status={imp.status} />
      <span className="history-when">
        {who ? `${who} · ` : ''}
        <time dateTime={imp.createdAt} title={new Date(imp.createdAt).toLocaleString()}>
          {formatRelative(imp.createdAt)}
        </time>
      </span>
    </li>
  );
}

/** The list of past imports with their status, object, file, counts, who and when; each opens its page. */
export function ImportHistoryList() {
  const pages = useImportList();
  const members = useMembers();
  const imports = pages.data?.pages.flatMap((p) => p.data) ?? [];
  if (pages.isPending) return <Loading label="Loading imports…" />;
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => pages.refetch()} />;
  if (imports.length === 0) {
    return (
      <Empty
        title="No imports yet"
        action={
          <Link className="btn btn-primary" to="/imports/new">
            Import a CSV file
          </Link>
        }
      >
        Bring contacts, companies, deals and activities in from a spreadsheet or another CRM. Every import can be reverted.
      </Empty>
    );
  }
  return (
    <>
      <div className="history-labels" aria-hidden="true">
        <span>File</span>
        <span>Object</span>
        <span>Status</span>
        <span>Started by</span>
      </div>
      <ul className="history-list" aria-label="Imports">
        {imports.map((imp) => (
          <HistoryRow key={imp.id} imp={imp} members={members.data} />
        ))}
      </ul>
      {pages.hasNextPage ? (
        <div className="history-more">
          <Button busy={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            Show older imports
          </Button>
        </div>
      ) : null}
    </>
  );
}

/** The imports page: the history, and the way to a new import. */
export function ImportHistory() {
  const { manage } = useCanManageImports();
  return (
    <>
      <TopBar title="Imports">
        {manage ? (
          <Link className="btn btn-primary" to="/imports/new" aria-label="New import">
            {icons.plus} <span className="hide-narrow">New import</span>
          </Link>
        ) : null}
      </TopBar>
      <div className="content">
        <div className="import-page">
          <header className="import-header">
            <div>
              <h2 className="import-title">Imports</h2>
              <p className="import-description">
                Every CSV import of this workspace, newest first. Open one to see its report or revert it.
              </p>
            </div>
          </header>
          <section className="panel history-panel" aria-label="Past imports">
            <ImportHistoryList />
          </section>
        </div>
      </div>
    </>
  );
}
