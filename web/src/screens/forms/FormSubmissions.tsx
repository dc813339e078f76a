import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { formatRelative } from '../contacts/format';
import { type FormSubmission, useFormSubmissions } from './forms.api';

/** The page a submission came from, shortened to its host and path. */
function pageLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

/** What a submission's consent came to; with double opt-in, whether the emailed link was confirmed. */
export function consentLabel(s: Pick<FormSubmission, 'consent' | 'confirmation'>): string {
  if (!s.consent) return '—';
  const channels = s.consent.channels.join(', ');
  if (s.confirmation === 'pending') return `Awaiting confirmation (${channels})`;
  if (s.confirmation === 'expired') return 'Not confirmed: link expired';
  if (s.confirmation === 'confirmed') return `Confirmed (${channels})`;
  return `Given (${channels})`;
}

/** A form's submissions, newest first: who, whether they were new, from which page and campaign, and consent. */
export function FormSubmissions({ formId }: { formId: string }) {
  const submissions = useFormSubmissions(formId);
  if (submissions.isPending) return <Loading label="Loading submissions…" />;
  if (submissions.isError) return <ErrorState error={submissions.error} onRetry={() => submissions.refetch()} />;
  const rows = submissions.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) {
    return <Empty title="No submissions yet">Share the form (the Share tab) and submissions will show up here as they arrive.</Empty>;
  }
  return (
    <div className="panel forms-table-wrap">
      <table className="forms-table">
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Received</th>
            <th scope="col" className="forms-optional">
              Page
            </th>
            <th scope="col" className="forms-optional">
              Campaign
            </th>
            <th scope="col">Consent</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id}>
              <td>
                <Link className="forms-name" to={`/contacts/${s.contactId}`}>
                  {s.contactName ?? s.contactEmail ?? 'Contact'}
                </Link>
                <span className="forms-sub">
                  {s.contactName ? s.contactEmail : null}
                  {s.contactCreated ? <span className="forms-new">New contact</span> : null}
                </span>
              </td>
              <td>
                <time dateTime={s.createdAt}>{formatRelative(s.createdAt)}</time>
              </td>
              <td className="forms-optional forms-clip">
                {s.pageUrl ? (
                  <a href={s.pageUrl} target="_blank" rel="noreferrer" title={s.pageUrl}>
                    {pageLabel(s.pageUrl)}
                  </a>
                ) : (
                  '—'
                )}
              </td>
              <td className="forms-optional">{[s.utm.source, s.utm.medium, s.utm.campaign].filter(Boolean).join(' / ') || '—'}</td>
              <td>{consentLabel(s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {submissions.hasNextPage ? (
        <div className="forms-more">
          <Button size="sm" onClick={() => void submissions.fetchNextPage()} busy={submissions.isFetchingNextPage}>
            Show older
          </Button>
        </div>
      ) : null}
    </div>
  );
}
