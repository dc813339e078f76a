import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { RecordPicker } from '../deals/RecordPicker';
import { invalidFields } from '../deals/requirements';
import { changeContactCompanies, withCompany, withoutCompany } from '../records/associations';
import { initials } from '../shell/UserMenu';
import { companyKeys } from './companies.api';

const PAGE_SIZE = 25;

/** The people at a company a page at a time, with a way to add someone (with their title there) or take them off. */
export function CompanyPeople({ companyId, companyName }: { companyId: string; companyName: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const people = useInfiniteQuery({
    queryKey: companyKeys.people(companyId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/companies/{id}/contacts', {
          params: { path: { id: companyId }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = people.data?.pages.flatMap((p) => p.data) ?? [];
  const total = people.data?.pages[0]?.total;

  const refresh = useCallback(
    (contactId: string) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: companyKeys.people(companyId) }),
        queryClient.invalidateQueries({ queryKey: ['contacts', 'one', contactId] }),
        queryClient.invalidateQueries({ queryKey: ['contacts', 'list'] }),
      ]),
    [companyId, queryClient],
  );
  const add = useCallback(
    async (form: FormData) => {
      const contactId = String(form.get('contactId') ?? '');
      if (!contactId) throw invalidFields([{ field: 'contactId', message: 'Choose a person' }]);
      const title = String(form.get('title') ?? '').trim() || null;
      const saved = await changeContactCompanies(contactId, (links) => withCompany(links, companyId, title));
      toast(`${saved.name || saved.email || 'Contact'} added to ${companyName}`);
      setAdding(false);
      await refresh(contactId);
    },
    [companyId, companyName, refresh, toast],
  );
  const { run, busy, errors, message } = useFormAction(add);
  const remove = (contactId: string, name: string) =>
    void changeContactCompanies(contactId, (links) => withoutCompany(links, companyId))
      .then(() => {
        toast(`${name} is no longer at ${companyName}`);
        return refresh(contactId);
      })
      .catch((err) => toast(`Could not remove ${name}: ${errorMessage(err)}`, 'error'));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };

  return (
    <section className="panel" aria-labelledby="company-people-title">
      <div className="panel-head">
        <h3 id="company-people-title" className="panel-title">
          People{total ? <span className="panel-count"> · {total.toLocaleString()}</span> : null}
        </h3>
        <Button size="sm" variant="ghost" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Add person'}
        </Button>
      </div>
      <div className="panel-body">
        {adding ? (
          <form className="form record-add-form" onSubmit={onSubmit} noValidate aria-label="Add a person">
            {message ? (
              <p className="alert" role="alert">
                {message}
              </p>
            ) : null}
            <RecordPicker kind="contact" label="Person" name="contactId" error={errors.contactId ?? errors.companies} />
            <Input label="Title there" name="title" autoComplete="off" error={errors.title} />
            <div className="form-actions">
              <Button type="submit" busy={busy}>
                Add person
              </Button>
            </div>
          </form>
        ) : null}
        {people.isPending ? (
          <Loading label="Loading people…" />
        ) : people.isError ? (
          <ErrorState error={people.error} onRetry={() => people.refetch()} />
        ) : rows.length === 0 ? (
          <p className="muted record-empty">Nobody is linked to this company yet.</p>
        ) : (
          <ul className="record-links" aria-label={`People at ${companyName}`}>
            {rows.map((p) => {
              const name = p.name || p.email || 'Unnamed contact';
              const title = p.title || p.jobTitle;
              return (
                <li key={p.id} className="record-link">
                  <span className="avatar" aria-hidden="true">
                    {initials(name)}
                  </span>
                  <span className="record-link-main">
                    <Link to={`/contacts/${p.id}`}>{name}</Link>
                    {title || p.email ? <span className="record-link-meta">{title || p.email}</span> : null}
                  </span>
                  <span className="record-link-actions">
                    <Button size="sm" variant="ghost" aria-label={`Remove ${name} from ${companyName}`} onClick={() => remove(p.id, name)}>
                      Remove
                    </Button>
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        {people.hasNextPage ? (
          <Button size="sm" onClick={() => void people.fetchNextPage()} busy={people.isFetchingNextPage}>
            Show more people
          </Button>
        ) : null}
      </div>
    </section>
  );
}
