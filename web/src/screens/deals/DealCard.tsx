import type { DragEvent } from 'react';
import { Link } from 'react-router';
import { usePopover } from '../../ui/usePopover';
import { initials } from '../shell/UserMenu';
import { type Deal, daysInStage, formatMoney, type Stage } from './board';

/** What can be done to a deal from its card (the menu, and dragging for `onDragStart`). */
export type CardActions = {
  onMove: (deal: Deal, stage: Stage) => void;
  onWon: (deal: Deal) => void;
  onLost: (deal: Deal) => void;
  onDragStart: (deal: Deal, event: DragEvent<HTMLElement>) => void;
  onDragEnd: () => void;
};

function CardMenu({ deal, stages, actions }: { deal: Deal; stages: readonly Stage[]; actions: CardActions }) {
  const { open, setOpen, anchor } = usePopover();
  const choose = (run: () => void) => () => {
    setOpen(false);
    run();
  };
  const others = stages.filter((s) => s.id !== deal.stageId);
  return (
    <div className="popover-anchor" ref={anchor}>
      <button
        type="button"
        className="btn btn-ghost btn-icon btn-sm deal-card-menu"
        aria-label={`Actions for ${deal.name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open ? (
        <div className="popover" role="menu" aria-label={`Actions for ${deal.name}`}>
          <div className="menu-caption">Move to…</div>
          {others.map((stage) => (
            <button key={stage.id} type="button" role="menuitem" className="menu-item" onClick={choose(() => actions.onMove(deal, stage))}>
              {stage.name}
            </button>
          ))}
          <hr className="menu-separator" />
          <button type="button" role="menuitem" className="menu-item" onClick={choose(() => actions.onWon(deal))}>
            Mark won
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={choose(() => actions.onLost(deal))}>
            Mark lost…
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** A deal on the board: name, company, amount, owner, days in stage and a rotten flag; drag it to move it. */
export function DealCard({
  deal,
  stages,
  companyName,
  ownerName,
  actions,
  dragging,
}: {
  deal: Deal;
  stages: readonly Stage[];
  companyName: string | undefined;
  ownerName: string | undefined;
  actions: CardActions;
  dragging: boolean;
}) {
  const days = daysInStage(deal);
  return (
    <li
      className="deal-card"
      data-dragging={dragging || undefined}
      data-rotten={deal.rotten || undefined}
      draggable
      onDragStart={(event) => actions.onDragStart(deal, event)}
      onDragEnd={actions.onDragEnd}
      aria-label={deal.name}
    >
      <div className="deal-card-top">
        <Link to={`/deals/${deal.id}`} className="deal-card-name" draggable={false}>
          {deal.name}
        </Link>
        <CardMenu deal={deal} stages={stages} actions={actions} />
      </div>
      {companyName ? <div className="deal-card-company">{companyName}</div> : null}
      <div className="deal-card-facts">
        <span className="deal-card-amount">
          {deal.amount === null || deal.amount === undefined ? 'No amount' : formatMoney(deal.amount, deal.currency ?? 'USD')}
        </span>
        {deal.rotten ? (
          <span className="deal-rotten" title="No stage change or activity for longer than this stage allows">
            Rotten
          </span>
        ) : null}
        <span className="deal-card-days" title="Days in this stage">
          {days === 0 ? 'Today' : `${days} d`}
        </span>
        {ownerName ? (
          <span className="avatar deal-card-owner" title={`Owner: ${ownerName}`} role="img" aria-label={`Owner: ${ownerName}`}>
            {initials(ownerName)}
          </span>
        ) : null}
      </div>
    </li>
  );
}
