import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrapVersioned } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useMe } from '../../session';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useWorkspaceCurrency } from '../deals/deals.api';
import { useFollowMerged } from '../duplicates/useFollowMerged';
import { useComposerControl } from '../records/ActivityComposer';
import { mergeHref, RecordActions } from '../records/RecordActions';
import { RecordDeals } from '../records/RecordDeals';
import { RecordTasks } from '../records/RecordTasks';
import { RecordTimeline } from '../records/RecordTimeline';
import { useRecordCustomFields } from '../records/records.api';
import { TopBar } from '../shell/AppShell';
import { initials } from '../shell/UserMenu';
import { NewTaskDialog } from '../tasks/NewTaskDialog';
import { ContactCompanies } from './ContactCompanies';
import { ContactFieldsForm } from './ContactFieldsForm';
import { DownloadVcardButton } from './ContactVcard';
import { type ContactChanges, contactKeys, primaryCompany } from './contacts.api';
import { lifecycleLabel } from './format';
import '../records/records.css';

/** A contact's page: who they are and what to do next, their fields, companies, deals and tasks, and everything that happened with them. */
export function ContactShow() {
  const id = useParams().id ?? '';
  const queryClient = useQueryClient();
  const toast = useToast();
  const me = useMe();
  const composer = useComposerControl();
  const [creatingTask, setCreatingTask] = useState(false);
  const currency = useWorkspaceCurrency();
  const customFields = useRecordCustomFields('contact');
  const full = useMemo(() => ({ customFields: customFields.data ?? [], currency }), [customFields.data, currency]);
  const contact = useQuery({
    queryKey: contactKeys.one(id),
    queryFn: () => unwrapVersioned(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  });
  // A merged contact's id answers with its survivor: show it at the survivor's address.
  useFollowMerged('/contacts', id, contact.data?.data.id);
  const etag = contact.data?.etag;

  const save = useCallback(
    async (changes: ContactChanges) => {
      if (Object.keys(changes).length === 0) return;
      try {
        const saved = await unwrapVersioned(
          api.PATCH('/api/v1/contacts/{id}', { params: { path: { id } }, headers: { 'If-Match': etag ?? '*' }, body: changes }),
        );
        queryClient.setQueryData(contactKeys.one(id), saved);
        toast('Saved');
        void queryClient.invalidateQueries({ queryKey: contactKeys.timeline(id) });
        void queryClient.invalidateQueries({ queryKey: ['contacts', 'list'] });
        if (changes.companies) void queryClient.invalidateQueries({ queryKey: ['companies'] });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'precondition_failed') {
          toast('Someone changed this contact meanwhile; showing their version', 'error');
          await queryClient.invalidateQueries({ queryKey: contactKeys.one(id) });
          return;
        }
        throw err;
      }
    },
    [id, etag, queryClient, toast],
  );

  if (contact.isPending) {
    return (
      <>
        <TopBar title="Contact" />
        <Loading label="Loading contact…" />
      </>
    );
  }
  if (contact.isError) {
    return (
      <>
        <TopBar title="Contact" />
        <ErrorState error={contact.error} onRetry={() => contact.refetch()} />
      </>
    );
  }
  const c = contact.data.data;
  const company = primaryCompany(c);
  const name = c.name || c.email || 'Unnamed contact';

  return (
    <>
      <TopBar
        title={
          <>
            <Link to="/contacts" className="muted">
              Contacts
            </Link>{' '}
            / {name}
          </>
        }
      />
      <div className="content">
        <div className="record">
          <header className="record-header">
            <span className="avatar avatar-lg" aria-hidden="true">
              {initials(name)}
            </span>
            <div className="record-heading">
              <h2 className="record-name">{name}</h2>
              <div className="record-facts">
                {c.jobTitle || company ? (
                  <span>
                    {c.jobTitle}
                    {c.jobTitle && company ? ' at ' : null}
                    {company ? <Link to={`/companies/${company.companyId}`}>{company.name}</Link> : null}
                  </span>
                ) : null}
                {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}
                {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : null}
                <span className="record-badge">{lifecycleLabel(c.lifecycleStage ?? 'lead')}</span>
              </div>
            </div>
            <RecordActions
              composer={composer}
              onCreateTask={() => setCreatingTask(true)}
              email={c.email}
              merge={mergeHref('contacts', c.id)}
            >
              <DownloadVcardButton contactId={c.id} name={name} />
            </RecordActions>
          </header>
          <div className="record-side">
            <section className="panel" aria-labelledby="fields-title">
              <h3 id="fields-title" className="panel-title">
                Details
              </h3>
              <div className="panel-body">
                <ContactFieldsForm contact={c} onSave={save} full={full} />
              </div>
            </section>
            <ContactCompanies contact={c} onChange={(companies) => save({ companies })} />
            <RecordDeals recordType="contact" recordId={c.id} />
          </div>
          <div className="record-main">
            <RecordTasks recordType="contact" recordId={c.id} onAdd={() => setCreatingTask(true)} />
            <RecordTimeline
              recordType="contact"
              recordId={c.id}
              composer={composer}
              people={{ counterpartEmail: c.email, myEmail: me.data?.user.email }}
            />
          </div>
        </div>
      </div>
      <NewTaskDialog open={creatingTask} onClose={() => setCreatingTask(false)} record={{ recordType: 'contact', recordId: c.id, name }} />
    </>
  );
}
