import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { formatMoney, parseAmount } from '../deals/board';
import { usePipelines, useWorkspaceCurrency } from '../deals/deals.api';
import { invalidFields } from '../deals/requirements';
import '../deals/deals.css';

type DealRow = { id: string; name: string; amount: number | null; currency: string; status: string; stageId: string };
type Owner = { recordType: 'contact' | 'company'; recordId: string };

/** The deals of a company (its own list) or of a contact (the deals they are on), newest first. */
async function loadDeals({ recordType, recordId }: Owner): Promise<{ data: DealRow[]; total: number }> {
  if (recordType === 'company') {
    return unwrap(api.GET('/api/v1/companies/{id}/deals', { params: { path: { id: recordId }, query: { limit: 50 } } }));
  }
  const page = await unwrap(
    api.POST('/api/v1/deals/search', {
      body: {
        filterGroups: [{ filters: [{ association: 'contacts', filters: [{ field: 'id', operator: 'eq', value: recordId }] }] }],
        sort: [{ field: 'createdAt', direction: 'desc' }],
        limit: 50,
      },
    }),
  );
  return {
    data: page.data.map((d) => ({
      id: d.id,
      name: d.name ?? '',
      amount: d.amount ?? null,
      currency: d.currency ?? 'USD',
      status: d.status ?? 'open',
      stageId: d.stageId ?? '',
    })),
    total: page.total,
  };
}

/**
 * A company's or a contact's deals, each with its stage and amount, and a short form to start a
 * new one on the record (a company's deal, or a deal the contact is on).
 */
export function RecordDeals({ recordType, recordId }: Owner) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const currency = useWorkspaceCurrency();
  const pipelines = usePipelines();
  const [adding, setAdding] = useState(false);
  const deals = useQuery({ queryKey: ['deals', 'of', recordType, recordId], queryFn: () => loadDeals({ recordType, recordId }) });
  const stageName = (stageId: string) => pipelines.data?.flatMap((p) => p.stages).find((s) => s.id === stageId)?.name;

  const create = useCallback(
    async (form: FormData) => {
      const name = String(form.get('name') ?? '').trim();
      const amount = parseAmount(String(form.get('amount') ?? ''), currency);
      if (Number.isNaN(amount)) throw invalidFields([{ field: 'amount', message: `Enter an amount in ${currency}, like 12500` }]);
      const on = recordType === 'company' ? { companyId: recordId } : { contacts: [{ contactId: recordId, role: null }] };
      const deal = await unwrap(api.POST('/api/v1/deals', { body: { name, currency, ...(amount === null ? {} : { amount }), ...on } }));
      toast(`${deal.name ?? 'Deal'} created`);
      setAdding(false);
      await queryClient.invalidateQueries({ queryKey: ['deals'] });
    },
    [currency, recordType, recordId, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(create);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };

  return (
    <section className="panel" aria-labelledby={`${recordType}-deals-title`}>
      <div className="panel-head">
        <h3 id={`${recordType}-deals-title`} className="panel-title">
          Deals{deals.data?.total ? <span className="panel-count"> · {deals.data.total}</span> : null}
        </h3>
        <Button size="sm" variant="ghost" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'New deal'}
        </Button>
      </div>
      <div className="panel-body">
        {adding ? (
          <form className="form record-add-form" onSubmit={onSubmit} noValidate aria-label="New deal">
            {message ? (
              <p className="alert" role="alert">
                {message}
              </p>
            ) : null}
            <div className="form-row">
              <Input label="Deal name" name="name" autoComplete="off" error={errors.name} />
              <Input label={`Amount (${currency})`} name="amount" inputMode="decimal" autoComplete="off" error={errors.amount} />
            </div>
            <div className="form-actions">
              <Button type="submit" busy={busy}>
                Create deal
              </Button>
            </div>
          </form>
        ) : null}
        {deals.isPending ? (
          <Loading label="Loading deals…" />
        ) : deals.isError ? (
          <ErrorState error={deals.error} onRetry={() => deals.refetch()} />
        ) : deals.data.data.length === 0 ? (
          <p className="muted record-empty">No deals yet.</p>
        ) : (
          <ul className="record-links" aria-label="Deals">
            {deals.data.data.map((d) => (
              <li key={d.id} className="record-link record-link-plain">
                <span className="record-link-main">
                  <Link to={`/deals/${d.id}`}>{d.name || 'Unnamed deal'}</Link>
                  <span className="record-link-meta">
                    <span className="deal-status" data-status={d.status}>
                      {d.status}
                    </span>
                    {d.status === 'open' && stageName(d.stageId) ? <span>{stageName(d.stageId)}</span> : null}
                  </span>
                </span>
                <span className="record-link-amount">{d.amount === null ? '' : formatMoney(d.amount, d.currency)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
