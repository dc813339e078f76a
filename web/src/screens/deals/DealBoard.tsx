import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useCallback, useMemo, useState } from 'react';
import { errorMessage } from '../../api/problem';
import type { FilterGroups } from '../../ui/FilterBuilder';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import {
  boardColumns,
  type Column,
  type CurrencyTotal,
  type Deal,
  formatMoney,
  missingFields,
  moveOptimistically,
  type Pipeline,
  type Stage,
} from './board';
import { type CardActions, DealCard } from './DealCard';
import { isStageRequirements, useSaveDeal } from './deals.actions';
import { type DealChanges, dealKeys, useBoardDeals, useCompanyNames, useMembers } from './deals.api';
import { LostDealDialog } from './LostDealDialog';
import { type HeldMove, StageRequirementsDialog } from './StageRequirementsDialog';
import './deals.css';

function Totals({ totals, weighted }: { totals: CurrencyTotal[]; weighted: boolean }) {
  if (totals.length === 0) return <>{weighted ? '' : '—'}</>;
  return <>{totals.map((t) => formatMoney(weighted ? t.weighted : t.amount, t.currency)).join(' · ')}</>;
}

function StageColumn({
  column,
  stages,
  companies,
  owners,
  actions,
  draggingId,
  dropTarget,
  onDragOverStage,
  onDropOnStage,
}: {
  column: Column;
  stages: readonly Stage[];
  companies: Map<string, string> | undefined;
  owners: Map<string, { name: string }> | undefined;
  actions: CardActions;
  draggingId: string | null;
  dropTarget: boolean;
  onDragOverStage: (stage: Stage, event: DragEvent<HTMLElement>) => void;
  onDropOnStage: (stage: Stage, event: DragEvent<HTMLElement>) => void;
}) {
  const { stage } = column;
  const headingId = `stage-${stage.id}`;
  return (
    <section
      className="board-column"
      aria-labelledby={headingId}
      data-drop-target={dropTarget || undefined}
      onDragOver={(event) => onDragOverStage(stage, event)}
      onDrop={(event) => onDropOnStage(stage, event)}
    >
      <header className="board-column-header">
        <div className="board-column-title">
          <h2 id={headingId}>{stage.name}</h2>
          <span className="board-count">
            {column.count}
            <span className="visually-hidden"> {column.count === 1 ? 'deal' : 'deals'}</span>
          </span>
          <span className="board-probability">{stage.probability} %</span>
        </div>
        <dl className="board-totals">
          <div>
            <dt className="visually-hidden">Total</dt>
            <dd className="board-total" data-testid="column-total">
              <Totals totals={column.totals} weighted={false} />
            </dd>
          </div>
          {column.totals.length > 0 ? (
            <div>
              <dt>Weighted</dt>
              <dd data-testid="column-weighted">
                <Totals totals={column.totals} weighted />
              </dd>
            </div>
          ) : null}
        </dl>
      </header>
      <ul className="board-cards" aria-label={`Deals in ${stage.name}`}>
        {column.deals.map((deal) => (
          <DealCard
            key={deal.id}
            deal={deal}
            stages={stages}
            companyName={deal.companyId ? companies?.get(deal.companyId) : undefined}
            ownerName={deal.ownerId ? owners?.get(deal.ownerId)?.name : undefined}
            actions={actions}
            dragging={draggingId === deal.id}
          />
        ))}
        {column.deals.length === 0 ? <li className="board-empty">Drop a deal here</li> : null}
      </ul>
    </section>
  );
}

/**
 * A pipeline as a board: one column per stage with its count, total and weighted total. A deal
 * moves by dragging its card or through its menu; the move shows at once and is undone, with a
 * message, if the API refuses it. A stage's missing required fields are asked for in place.
 */
export function DealBoard({ pipeline, filterGroups = [] }: { pipeline: Pipeline; filterGroups?: FilterGroups }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useSaveDeal();
  // The filters shared with the deals list narrow the board: its columns count and total only what matches.
  const deals = useBoardDeals(pipeline.id, filterGroups);
  const boardKey = dealKeys.filteredBoard(pipeline.id, filterGroups);
  const boardKeyText = JSON.stringify(boardKey);
  const owners = useMembers();
  const companies = useCompanyNames((deals.data ?? []).flatMap((d) => (d.companyId ? [d.companyId] : [])));
  const [dragging, setDragging] = useState<Deal | null>(null);
  const [dropStageId, setDropStageId] = useState<string | null>(null);
  const [held, setHeld] = useState<HeldMove | null>(null);
  const [losing, setLosing] = useState<Deal | null>(null);

  const stages = useMemo(() => [...pipeline.stages].sort((a, b) => a.position - b.position), [pipeline]);
  const columns = useMemo(() => boardColumns(pipeline, deals.data ?? []), [pipeline, deals.data]);

  const sendMove = useCallback(
    async (deal: Deal, stage: Stage, extra: DealChanges = {}) => {
      const key = JSON.parse(boardKeyText) as unknown[];
      const store = {
        read: () => queryClient.getQueryData<Deal[]>(key) ?? [],
        write: (next: Deal[]) => queryClient.setQueryData(key, next),
      };
      await moveOptimistically(store, deal, stage, async () => (await save(deal, { ...extra, stageId: stage.id })).data);
      toast(`${deal.name} moved to ${stage.name}`);
    },
    [boardKeyText, queryClient, save, toast],
  );

  const move = useCallback(
    async (deal: Deal, stage: Stage) => {
      if (deal.stageId === stage.id) return;
      try {
        await sendMove(deal, stage);
      } catch (err) {
        if (isStageRequirements(err)) {
          setHeld({ deal, stage, fields: missingFields(err.problem) });
          return;
        }
        toast(`Could not move ${deal.name} to ${stage.name}: ${errorMessage(err)}`, 'error');
      }
    },
    [sendMove, toast],
  );

  const close = useCallback(
    async (deal: Deal, changes: DealChanges, done: string) => {
      await save(deal, changes);
      toast(done);
    },
    [save, toast],
  );

  const actions: CardActions = {
    onMove: (deal, stage) => void move(deal, stage),
    onWon: (deal) =>
      void close(deal, { status: 'won' }, `${deal.name} marked won`).catch((err) =>
        toast(`Could not mark ${deal.name} won: ${errorMessage(err)}`, 'error'),
      ),
    onLost: setLosing,
    onDragStart: (deal, event) => {
      event.dataTransfer.setData('text/plain', deal.id);
      event.dataTransfer.effectAllowed = 'move';
      setDragging(deal);
    },
    onDragEnd: () => {
      setDragging(null);
      setDropStageId(null);
    },
  };

  const onDragOverStage = (stage: Stage, event: DragEvent<HTMLElement>) => {
    if (!dragging) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    if (dropStageId !== stage.id) setDropStageId(stage.id);
  };
  const onDropOnStage = (stage: Stage, event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    const deal = dragging;
    setDragging(null);
    setDropStageId(null);
    if (deal) void move(deal, stage);
  };

  if (deals.isPending) return <Loading label="Loading deals…" />;
  if (deals.isError) return <ErrorState error={deals.error} onRetry={() => deals.refetch()} />;
  if (stages.length === 0) return <Empty title="This pipeline has no stages">An admin can add stages in the pipeline settings.</Empty>;

  return (
    <>
      <section className="board" aria-label={`${pipeline.name} board`}>
        {columns.map((column) => (
          <StageColumn
            key={column.stage.id}
            column={column}
            stages={stages}
            companies={companies.data}
            owners={owners.data}
            actions={actions}
            draggingId={dragging?.id ?? null}
            dropTarget={dropStageId === column.stage.id && dragging?.stageId !== column.stage.id}
            onDragOverStage={onDragOverStage}
            onDropOnStage={onDropOnStage}
          />
        ))}
      </section>
      <StageRequirementsDialog
        held={held}
        onClose={() => setHeld(null)}
        onSubmit={async (move, changes) => {
          await sendMove(move.deal, move.stage, changes);
          setHeld(null);
        }}
      />
      <LostDealDialog
        deal={losing}
        onClose={() => setLosing(null)}
        onLose={async (deal, reason) => {
          await close(deal, { status: 'lost', lostReason: reason }, `${deal.name} marked lost`);
          setLosing(null);
        }}
      />
    </>
  );
}
