import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrapVersioned } from '../../api/client';
import { ApiError } from '../../api/problem';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { TopBar } from '../shell/AppShell';
import { initials } from '../shell/UserMenu';
import { ContactFieldsForm } from './ContactFieldsForm';
import { ContactTimeline } from './ContactTimeline';
import { type ContactChanges, contactKeys, primaryCompany } from './contacts.api';
import { lifecycleLabel } from './format';

/** A contact's page: who they are, their editable fields, and everything that happened with them. */
export function ContactShow() {
  const id = useParams().id ?? '';
  const queryClient = useQueryClient();
  const toast = useToast();
  const contact = useQuery({
    queryKey: contactKeys.one(id),
    queryFn: () => unwrapVersioned(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } })),
  });
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
            <div style={{ minWidth: 0 }}>
              <h2 className="record-name">{name}</h2>
              <div className="record-facts">
                {c.jobTitle || company ? <span>{[c.jobTitle, company?.name].filter(Boolean).join(' at ')}</span> : null}
                {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : null}
                {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : null}
                <span>{lifecycleLabel(c.lifecycleStage ?? 'lead')}</span>
              </div>
            </div>
          </header>
          <section className="panel" aria-labelledby="fields-title">
            <h3 id="fields-title" className="panel-title">
              Details
            </h3>
            <div className="panel-body">
              <ContactFieldsForm contact={c} onSave={save} />
            </div>
          </section>
          <ContactTimeline contactId={c.id} />
        </div>
      </div>
    </>
  );
}
