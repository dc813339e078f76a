import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useMe } from '../../session';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useCompanyNames, useWorkspaceCurrency } from '../deals/deals.api';
import { useFollowMerged } from '../duplicates/useFollowMerged';
import { useComposerControl } from '../records/ActivityComposer';
import { mergeHref, RecordActions } from '../records/RecordActions';
import { RecordDeals } from '../records/RecordDeals';
import { RecordTasks } from '../records/RecordTasks';
import { RecordTimeline } from '../records/RecordTimeline';
import { firstEmail, useRecordCustomFields } from '../records/records.api';
import { TopBar } from '../shell/AppShell';
import { initials } from '../shell/UserMenu';
import { NewTaskDialog } from '../tasks/NewTaskDialog';
import { CompanyFieldsForm } from './CompanyFieldsForm';
import { CompanyPeople } from './CompanyPeople';
import { type CompanyChanges, companyKeys } from './companies.api';
import '../records/records.css';

/**
 * The address to write to about a company: the first of its people who has an email, those
 * whose primary company it is first.
 */
function useCompanyEmail(companyId: string) {
  return useQuery({
    queryKey: [...companyKeys.people(companyId), 'email'],
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/companies/{id}/contacts', { params: { path: { id: companyId }, query: { limit: 50 } } }));
      return firstEmail([...page.data].sort((a, b) => Number(b.primary) - Number(a.primary)));
    },
  });
}

/** A company's page: key facts and actions, every standard and custom field, its people, deals and tasks, and its timeline. */
export function CompanyShow() {
  const id = useParams().id ?? '';
  const queryClient = useQueryClient();
  const toast = useToast();
  const me = useMe();
  const composer = useComposerControl();
  const [creatingTask, setCreatingTask] = useState(false);
  const currency = useWorkspaceCurrency();
  const customFields = useRecordCustomFields('company');
  const email = useCompanyEmail(id);
  const company = useQuery({
    queryKey: companyKeys.one(id),
    queryFn: () => unwrapVersioned(api.GET('/api/v1/companies/{id}', { params: { path: { id } } })),
  });
  const parentId = company.data?.data.parentCompanyId;
  const parentNames = useCompanyNames(parentId ? [parentId] : []);
  // A merged company's id answers with its survivor: show it at the survivor's address.
  useFollowMerged('/companies', id, company.data?.data.id);
  const etag = company.data?.etag;

  const save = useCallback(
    async (changes: CompanyChanges) => {
      if (Object.keys(changes).length === 0) return;
      try {
        const saved = await unwrapVersioned(
          api.PATCH('/api/v1/companies/{id}', { params: { path: { id } }, headers: { 'If-Match': etag ?? '*' }, body: changes }),
        );
        queryClient.setQueryData(companyKeys.one(id), saved);
        toast('Saved');
        void queryClient.invalidateQueries({ queryKey: companyKeys.timeline(id) });
        void queryClient.invalidateQueries({ queryKey: ['companies', 'list'] });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'precondition_failed') {
          toast('Someone changed this company meanwhile; showing their version', 'error');
          await queryClient.invalidateQueries({ queryKey: companyKeys.one(id) });
          return;
        }
        throw err;
      }
    },
    [id, etag, queryClient, toast],
  );

  const title = (name: string) => (
    <>
      <Link to="/companies" className="muted">
        Companies
      </Link>{' '}
      / {name}
    </>
  );
  if (company.isPending) {
    return (
      <>
        <TopBar title={title('Company')} />
        <Loading label="Loading company…" />
      </>
    );
  }
  if (company.isError) {
    return (
      <>
        <TopBar title={title('Company')} />
        <ErrorState error={company.error} onRetry={() => company.refetch()} />
      </>
    );
  }
  const c = company.data.data;
  const name = c.name || c.domain || 'Unnamed company';

  return (
    <>
      <TopBar title={title(name)} />
      <div className="content">
        <div className="record">
          <header className="record-header">
            <span className="avatar avatar-lg" aria-hidden="true">
              {initials(name)}
            </span>
            <div className="record-heading">
              <h2 className="record-name">{name}</h2>
              <div className="record-facts">
                {c.domain ? (
                  <a href={`https://${c.domain}`} target="_blank" rel="noreferrer">
                    {c.domain}
                  </a>
                ) : null}
                {c.industry ? <span>{c.industry}</span> : null}
                {c.employeeCount ? <span>{c.employeeCount.toLocaleString()} employees</span> : null}
                {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : null}
                {c.address?.city ? <span>{[c.address.city, c.address.country].filter(Boolean).join(', ')}</span> : null}
              </div>
            </div>
            <RecordActions
              composer={composer}
              onCreateTask={() => setCreatingTask(true)}
              email={email.data}
              merge={mergeHref('companies', c.id)}
            />
          </header>
          <div className="record-side">
            <section className="panel" aria-labelledby="company-fields-title">
              <h3 id="company-fields-title" className="panel-title">
                Details
              </h3>
              <div className="panel-body">
                <CompanyFieldsForm
                  company={c}
                  customFields={customFields.data ?? []}
                  currency={currency}
                  parentName={parentId ? (parentNames.data?.get(parentId) ?? null) : null}
                  onSave={save}
                />
              </div>
            </section>
            <CompanyPeople companyId={c.id} companyName={name} />
            <RecordDeals recordType="company" recordId={c.id} />
          </div>
          <div className="record-main">
            <RecordTasks recordType="company" recordId={c.id} onAdd={() => setCreatingTask(true)} />
            <RecordTimeline
              recordType="company"
              recordId={c.id}
              composer={composer}
              people={{ counterpartEmail: email.data, myEmail: me.data?.user.email }}
            />
          </div>
        </div>
      </div>
      <NewTaskDialog open={creatingTask} onClose={() => setCreatingTask(false)} record={{ recordType: 'company', recordId: c.id, name }} />
    </>
  );
}
