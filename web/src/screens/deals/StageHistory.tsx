import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../ui/States';
import { formatDate } from '../contacts/format';
import { formatDuration } from './board';
import { dealKeys } from './deals.api';

/** Every stay of a deal in a stage, oldest first, with how long it lasted (so far, for the current one). */
export function StageHistory({ dealId }: { dealId: string }) {
  const history = useQuery({
    queryKey: dealKeys.stageHistory(dealId),
    queryFn: () => unwrap(api.GET('/api/v1/deals/{id}/stage-history', { params: { path: { id: dealId } } })),
  });
  return (
    <section className="panel" aria-labelledby="stage-history-title">
      <h3 id="stage-history-title" className="panel-title">
        Stage history
      </h3>
      <div className="panel-body">
        {history.isPending ? (
          <Loading label="Loading stage history…" />
        ) : history.isError ? (
          <ErrorState error={history.error} onRetry={() => history.refetch()} />
        ) : (
          <ol className="stage-history" aria-label="Stage history">
            {history.data.data.map((stay) => (
              <li key={stay.id} data-current={stay.leftAt === null || undefined}>
                <span className="stage-history-dot" aria-hidden="true" />
                <span>
                  {stay.stageName ?? 'Removed stage'}
                  <br />
                  <span className="stage-history-when">
                    {formatDate(stay.enteredAt)}
                    {stay.leftAt === null ? ' · current' : ''}
                  </span>
                </span>
                <span className="stage-history-duration">{formatDuration(stay.durationSeconds)}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
