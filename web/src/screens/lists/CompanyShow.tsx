import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorState, Loading } from '../../ui/States';
import { TopBar } from '../shell/AppShell';
import { initials } from '../shell/UserMenu';
import { companyColumns, customValueText } from './fields';
import { useCustomFields } from './lists.api';

/** A company's page: its key facts, every standard and custom field, and the people who work there. */
export function CompanyShow() {
  const id = useParams().id ?? '';
  const company = useQuery({
    queryKey: ['companies', 'one', id],
    queryFn: () => unwrap(api.GET('/api/v1/companies/{id}', { params: { path: { id } } })),
  });
  const people = useQuery({
    queryKey: ['companies', 'contacts', id],
    queryFn: () => unwrap(api.GET('/api/v1/companies/{id}/contacts', { params: { path: { id }, query: { limit: 100 } } })),
  });
  const customFields = useCustomFields('company');

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
  const c = company.data;
  const name = c.name || c.domain || 'Unnamed company';
  const details = [
    ...companyColumns.filter((col) => col.key !== 'name').map((col) => ({ label: col.header, value: col.text(c) })),
    ...(customFields.data ?? [])
      .filter((cf) => !cf.archived)
      .map((cf) => ({ label: cf.label, value: customValueText(cf, c.custom?.[cf.key]) })),
  ];

  return (
    <>
      <TopBar title={title(name)} />
      <div className="content">
        <div className="record">
          <header className="record-header">
            <span className="avatar avatar-lg" aria-hidden="true">
              {initials(name)}
            </span>
            <div style={{ minWidth: 0 }}>
              <h2 className="record-name">{name}</h2>
              <div className="record-facts">
                {c.domain ? (
                  <a href={`https://${c.domain}`} target="_blank" rel="noreferrer">
                    {c.domain}
                  </a>
                ) : null}
                {c.industry ? <span>{c.industry}</span> : null}
                {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : null}
              </div>
            </div>
          </header>
          <section className="panel" aria-labelledby="company-details">
            <h3 id="company-details" className="panel-title">
              Details
            </h3>
            <dl className="panel-body company-details">
              {details.map((d) => (
                <div key={d.label} className="company-detail">
                  <dt className="muted">{d.label}</dt>
                  <dd>{d.value || '—'}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="panel" aria-labelledby="company-people">
            <h3 id="company-people" className="panel-title">
              People{people.data ? ` · ${people.data.total}` : ''}
            </h3>
            <div className="panel-body">
              {people.isPending ? (
                <Loading label="Loading people…" />
              ) : people.isError ? (
                <ErrorState error={people.error} onRetry={() => people.refetch()} />
              ) : people.data.data.length === 0 ? (
                <p className="muted">Nobody is linked to this company yet.</p>
              ) : (
                <ul className="company-people">
                  {people.data.data.map((p) => (
                    <li key={p.id}>
                      <Link to={`/contacts/${p.id}`}>{p.name || p.email || 'Unnamed contact'}</Link>
                      {p.title || p.jobTitle ? <span className="muted"> · {p.title || p.jobTitle}</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </section>
        </div>
      </div>
    </>
  );
}
