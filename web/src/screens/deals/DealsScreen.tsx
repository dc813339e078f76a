import { useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Select } from '../../ui/Field';
import { filterErrors } from '../../ui/FilterBuilder';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { dealColumns, dealFilterFields } from '../lists/dealColumns';
import { FilterPanel, FilterToggle, filterCount, useListFilters } from '../lists/ListFilters';
import { RecordListScreen, useMemberOptions } from '../lists/RecordListScreen';
import { TopBar } from '../shell/AppShell';
import type { Deal } from './board';
import { DealBoard } from './DealBoard';
import { useBoardDeals, usePipelines } from './deals.api';
import { NewDealDialog } from './NewDealDialog';
import './deals.css';

/** Board and list of the same deals: switching keeps the address's filters, view and pipeline. */
function ViewToggle({ view }: { view: 'board' | 'list' }) {
  const { search } = useLocation();
  return (
    <nav className="segmented" aria-label="Deals view">
      <Link to={`/deals${search}`} className="segmented-item" aria-current={view === 'board' ? 'page' : undefined}>
        Board
      </Link>
      <Link to={`/deals/list${search}`} className="segmented-item" aria-current={view === 'list' ? 'page' : undefined}>
        List
      </Link>
    </nav>
  );
}

/** The deals list: filters, columns, views, editing in place and bulk actions, with the way back to the board. */
export function DealListScreen() {
  const navigate = useNavigate();
  const pipelines = usePipelines();
  const columns = useMemo(() => dealColumns(pipelines.data ?? []), [pipelines.data]);
  const filterFields = useMemo(() => dealFilterFields(pipelines.data ?? []), [pipelines.data]);
  return (
    <RecordListScreen<Deal>
      objectType="deal"
      title="Deals"
      noun={['deal', 'deals']}
      standardColumns={columns}
      filterFields={filterFields}
      actions={<ViewToggle view="list" />}
      onRowClick={(deal) => navigate(`/deals/${deal.id}`)}
      empty={<Empty title="No deals yet">Deals appear here as they are created on the board or through the API.</Empty>}
    />
  );
}

/**
 * The API's filter errors for the board's search, keyed as the filter panel shows them: the
 * board puts its pipeline and status filters first in every group, so those two are skipped.
 */
function boardFilterErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(filterErrors(error.problem.errors))) {
    const [group, filter] = key.split('.').map(Number);
    if (group !== undefined && filter !== undefined && filter >= 2) out[`${group}.${filter - 2}`] = message;
  }
  return out;
}

/**
 * Deals as a pipeline board; the pipeline shown is kept in the address (`?pipeline=`), and so
 * are the filters and the saved view, which the deals list shares.
 */
export function DealsScreen() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const members = useMemberOptions();
  const filters = useListFilters();
  const [creating, setCreating] = useState(false);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const pipeline = pipelines.data?.find((p) => p.id === params.get('pipeline')) ?? pipelines.data?.[0];
  const fields = useMemo(
    () => [
      ...dealFilterFields(pipelines.data ?? []),
      { key: 'ownerId', label: 'Owner', kind: 'select' as const, options: members.map((m) => ({ value: m.userId, label: m.name })) },
    ],
    [pipelines.data, members],
  );
  // The same query as the board's (one request): read here for the filter panel's errors.
  const board = useBoardDeals(pipeline?.id, filters.applied, filters.ready);
  const errors = boardFilterErrors(board.error);
  const invalidFilters = Object.keys(errors).length > 0;
  const count = filterCount(filters.applied);

  const choosePipeline = (id: string) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      next.set('pipeline', id);
      return next;
    });

  return (
    <>
      <TopBar
        title={
          filters.view.data ? (
            <>
              Deals <span className="topbar-view">/ {filters.view.data.name}</span>
            </>
          ) : (
            'Deals'
          )
        }
      >
        <ViewToggle view="board" />
        <Button variant="primary" aria-label="New deal" onClick={() => setCreating(true)} disabled={!pipeline}>
          {icons.plus} <span className="hide-narrow">New deal</span>
        </Button>
      </TopBar>
      <div className="content board-screen">
        <div className="page-toolbar board-toolbar">
          {pipelines.data && pipelines.data.length > 0 ? (
            <div className="board-pipeline">
              <Select
                label="Pipeline"
                hideLabel
                value={pipeline?.id ?? ''}
                onChange={(event) => choosePipeline(event.target.value)}
                options={pipelines.data.map((p) => ({ value: p.id, label: p.name }))}
              />
            </div>
          ) : null}
          <FilterToggle open={filtersOpen} count={count} onToggle={() => setFiltersOpen(!filtersOpen)} />
          {count > 0 && board.data ? (
            <span className="count" aria-live="polite">
              {board.data.length.toLocaleString()} matching {board.data.length === 1 ? 'deal' : 'deals'}
            </span>
          ) : null}
        </div>
        {filtersOpen ? <FilterPanel fields={fields} applied={filters.applied} errors={errors} onApply={filters.apply} /> : null}
        {pipelines.isPending || !filters.ready ? (
          <Loading label="Loading pipelines…" />
        ) : pipelines.isError ? (
          <ErrorState error={pipelines.error} onRetry={() => pipelines.refetch()} />
        ) : filters.viewId && filters.view.isError ? (
          <ErrorState error={filters.view.error} onRetry={() => filters.view.refetch()} />
        ) : !pipeline ? (
          <Empty title="No pipelines yet">An admin can create a pipeline and its stages in the settings.</Empty>
        ) : invalidFilters ? (
          <Empty title="These filters need a fix">Each filter that the board could not use says why, in the filter panel.</Empty>
        ) : (
          <DealBoard key={pipeline.id} pipeline={pipeline} filterGroups={filters.applied} />
        )}
      </div>
      <NewDealDialog open={creating} pipeline={pipeline} onClose={() => setCreating(false)} />
    </>
  );
}
