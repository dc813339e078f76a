import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../ui/Button';
import { Select } from '../../ui/Field';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { DealList } from '../records/RecordLists';
import { TopBar } from '../shell/AppShell';
import { DealBoard } from './DealBoard';
import { usePipelines } from './deals.api';
import { NewDealDialog } from './NewDealDialog';
import './deals.css';

function ViewToggle({ view }: { view: 'board' | 'list' }) {
  return (
    <nav className="segmented" aria-label="Deals view">
      <Link to="/deals" className="segmented-item" aria-current={view === 'board' ? 'page' : undefined}>
        Board
      </Link>
      <Link to="/deals/list" className="segmented-item" aria-current={view === 'list' ? 'page' : undefined}>
        List
      </Link>
    </nav>
  );
}

/** The deals list, with the way back to the board. */
export function DealListScreen() {
  return <DealList actions={<ViewToggle view="list" />} />;
}

/** Deals as a pipeline board; the pipeline shown is kept in the address (`?pipeline=`). */
export function DealsScreen() {
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const [creating, setCreating] = useState(false);
  const pipeline = pipelines.data?.find((p) => p.id === params.get('pipeline')) ?? pipelines.data?.[0];

  return (
    <>
      <TopBar title="Deals">
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
                onChange={(event) => setParams({ pipeline: event.target.value })}
                options={pipelines.data.map((p) => ({ value: p.id, label: p.name }))}
              />
            </div>
          ) : null}
        </div>
        {pipelines.isPending ? (
          <Loading label="Loading pipelines…" />
        ) : pipelines.isError ? (
          <ErrorState error={pipelines.error} onRetry={() => pipelines.refetch()} />
        ) : !pipeline ? (
          <Empty title="No pipelines yet">An admin can create a pipeline and its stages in the settings.</Empty>
        ) : (
          <DealBoard key={pipeline.id} pipeline={pipeline} />
        )}
      </div>
      <NewDealDialog open={creating} pipeline={pipeline} onClose={() => setCreating(false)} />
    </>
  );
}
