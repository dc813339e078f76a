import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrapVersioned } from '../../api/client';
import { ApiError, errorMessage } from '../../api/problem';
import { useMe } from '../../session';
import { Button } from '../../ui/Button';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { formatDate } from '../contacts/format';
import { useComposerControl } from '../records/ActivityComposer';
import { RecordActions } from '../records/RecordActions';
import { RecordTasks } from '../records/RecordTasks';
import { RecordTimeline } from '../records/RecordTimeline';
import { firstEmail, useContactSummaries, useRecordCustomFields } from '../records/records.api';
import { TopBar } from '../shell/AppShell';
import { NewTaskDialog } from '../tasks/NewTaskDialog';
import { type Deal, formatMoney } from './board';
import { DealContacts } from './DealContacts';
import { DealFieldsForm } from './DealFieldsForm';
import { useSaveDeal } from './deals.actions';
import { type DealChanges, dealKeys, useCompanyNames, usePipelines } from './deals.api';
import { LostDealDialog } from './LostDealDialog';
import { StageHistory } from './StageHistory';
import './deals.css';
import '../records/records.css';

/** A deal's page: the key facts, won/lost, its fields, people, stage history and timeline. */
export function DealShow() {
  const id = useParams().id ?? '';
  const queryClient = useQueryClient();
  const toast = useToast();
  const saveDeal = useSaveDeal();
  const pipelines = usePipelines();
  const [losing, setLosing] = useState<Deal | null>(null);
  const [creatingTask, setCreatingTask] = useState(false);
  const me = useMe();
  const composer = useComposerControl();
  const customFields = useRecordCustomFields('deal');
  const deal = useQuery({
    queryKey: dealKeys.one(id),
    queryFn: () => unwrapVersioned(api.GET('/api/v1/deals/{id}', { params: { path: { id } } })),
  });
  const etag = deal.data?.etag;
  const companyId = deal.data?.data.companyId;
  const companyNames = useCompanyNames(companyId ? [companyId] : []);
  const companyName = companyId ? (companyNames.data?.get(companyId) ?? null) : null;
  // The deal's people in their order: the first one with an email is who "Email" writes to.
  const people = useContactSummaries((deal.data?.data.contacts ?? []).map((c) => c.contactId));
  const email = firstEmail((deal.data?.data.contacts ?? []).map((c) => people.data?.get(c.contactId) ?? {}));

  const save = useCallback(
    async (changes: DealChanges, done = 'Saved') => {
      const current = deal.data?.data;
      if (!current || Object.keys(changes).length === 0) return;
      try {
        await saveDeal(current, changes, etag);
        toast(done);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'precondition_failed') {
          toast('Someone changed this deal meanwhile; showing their version', 'error');
          await queryClient.invalidateQueries({ queryKey: dealKeys.one(id) });
          return;
        }
        throw err;
      }
    },
    [deal.data, etag, id, queryClient, saveDeal, toast],
  );

  const setContacts = useCallback(
    async (contacts: { contactId: string; role: string | null }[]) => {
      const saved = await unwrapVersioned(
        api.PUT('/api/v1/deals/{id}/contacts', { params: { path: { id } }, headers: { 'If-Match': etag ?? '*' }, body: { contacts } }),
      );
      queryClient.setQueryData(dealKeys.one(id), saved);
      void queryClient.invalidateQueries({ queryKey: dealKeys.timeline(id) });
      toast('Contacts updated');
    },
    [etag, id, queryClient, toast],
  );

  const close = (changes: DealChanges, done: string) =>
    void save(changes, done).catch((err) => toast(`Could not update the deal: ${errorMessage(err)}`, 'error'));

  if (deal.isPending) {
    return (
      <>
        <TopBar title="Deal" />
        <Loading label="Loading deal…" />
      </>
    );
  }
  if (deal.isError) {
    return (
      <>
        <TopBar title="Deal" />
        <ErrorState error={deal.error} onRetry={() => deal.refetch()} />
      </>
    );
  }
  const d = deal.data.data;
  const pipeline = pipelines.data?.find((p) => p.id === d.pipelineId);
  const stages = [...(pipeline?.stages ?? [])].sort((a, b) => a.position - b.position);
  const stage = stages.find((s) => s.id === d.stageId);
  const currency = d.currency ?? 'USD';
  const status = d.status ?? 'open';
  const name = d.name ?? 'Unnamed deal';

  return (
    <>
      <TopBar
        title={
          <>
            <Link to="/deals" className="muted">
              Deals
            </Link>{' '}
            / {name}
          </>
        }
      />
      <div className="content">
        <div className="record">
          <header className="record-header deal-header">
            <div className="record-heading">
              <h2 className="record-name">{name}</h2>
              <div className="record-facts">
                <span className="deal-status" data-status={status}>
                  {status}
                </span>
                <span>
                  {pipeline?.name ?? 'Pipeline'} · {stage?.name ?? 'Stage'}
                </span>
                {companyId ? <Link to={`/companies/${companyId}`}>{companyName ?? 'Company'}</Link> : null}
                {d.expectedCloseDate ? <span>Closes {formatDate(d.expectedCloseDate)}</span> : null}
                {d.rotten ? <span className="deal-rotten">Rotten</span> : null}
                {status === 'lost' && d.lostReason ? <span>Lost: {d.lostReason}</span> : null}
              </div>
              <dl className="deal-kpis">
                <div>
                  <dt>Amount</dt>
                  <dd>{d.amount === null || d.amount === undefined ? '—' : formatMoney(d.amount, currency)}</dd>
                </div>
                <div>
                  <dt>Probability{d.probabilityOverridden ? ' (set)' : ''}</dt>
                  <dd>{d.probability ?? 0} %</dd>
                </div>
                <div>
                  <dt>Weighted</dt>
                  <dd>{d.weightedAmount === null || d.weightedAmount === undefined ? '—' : formatMoney(d.weightedAmount, currency)}</dd>
                </div>
              </dl>
            </div>
            <RecordActions composer={composer} onCreateTask={() => setCreatingTask(true)} email={email}>
              {status === 'open' ? (
                <>
                  <Button size="sm" onClick={() => close({ status: 'won' }, `${name} marked won`)}>
                    Mark won
                  </Button>
                  <Button size="sm" variant="danger" onClick={() => setLosing(d)}>
                    Mark lost
                  </Button>
                </>
              ) : (
                <Button size="sm" onClick={() => close({ status: 'open' }, `${name} reopened`)}>
                  Reopen
                </Button>
              )}
            </RecordActions>
          </header>
          <div className="record-side">
            <section className="panel" aria-labelledby="deal-fields-title">
              <h3 id="deal-fields-title" className="panel-title">
                Details
              </h3>
              <div className="panel-body">
                <DealFieldsForm
                  deal={d}
                  stages={stages}
                  customFields={customFields.data ?? []}
                  companyName={companyName}
                  onSave={(changes) => save(changes)}
                />
              </div>
            </section>
            <DealContacts deal={d} onChange={setContacts} />
            <StageHistory dealId={d.id} />
          </div>
          <div className="record-main">
            <RecordTasks recordType="deal" recordId={d.id} onAdd={() => setCreatingTask(true)} />
            <RecordTimeline
              recordType="deal"
              recordId={d.id}
              composer={composer}
              people={{ counterpartEmail: email, myEmail: me.data?.user.email }}
            />
          </div>
        </div>
      </div>
      <NewTaskDialog open={creatingTask} onClose={() => setCreatingTask(false)} record={{ recordType: 'deal', recordId: d.id, name }} />
      <LostDealDialog
        deal={losing}
        onClose={() => setLosing(null)}
        onLose={async (lost, reason) => {
          await save({ status: 'lost', lostReason: reason }, `${lost.name} marked lost`);
          setLosing(null);
        }}
      />
    </>
  );
}
