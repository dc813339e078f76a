import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { formatDate, formatRelative } from '../contacts/format';
import { useCan } from '../settings/settings.api';
import { TopBar } from '../shell/AppShell';
import { conversionRate } from './formDraft';
import { formKeys, useForms } from './forms.api';

/** What a new form starts with: the fields most sign-up forms have, and a thank-you message. */
const starterForm = {
  name: 'Untitled form',
  fields: [
    { key: 'email', label: 'Email', required: true },
    { key: 'firstName', label: 'First name', required: false },
    { key: 'lastName', label: 'Last name', required: false },
  ],
  submitButtonLabel: 'Submit',
  thankYouMessage: 'Thanks! We will be in touch soon.',
};

/** Creates a form from the starter and opens its builder. */
function useCreateForm() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    try {
      const form = await unwrap(api.POST('/api/v1/forms', { body: starterForm }));
      await queryClient.invalidateQueries({ queryKey: formKeys.list });
      navigate(`/forms/${form.id}`);
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return { create, busy };
}

/** The workspace's forms with how each performs: views, submissions and the share that converted. */
export function FormList() {
  const forms = useForms();
  const can = useCan();
  const { create, busy } = useCreateForm();
  const newButton = can('forms.manage') ? (
    <Button variant="primary" onClick={create} busy={busy}>
      {icons.plus} New form
    </Button>
  ) : null;
  return (
    <>
      <TopBar title="Forms">{newButton}</TopBar>
      <div className="content">
        <div className="forms-page">
          {forms.isPending ? (
            <Loading label="Loading forms…" />
          ) : forms.isError ? (
            <ErrorState error={forms.error} onRetry={() => forms.refetch()} />
          ) : forms.data.length === 0 ? (
            <Empty title="No forms yet" action={newButton}>
              Put a sign-up or contact form on your website: each submission creates or updates a contact, with consent and where they came
              from.
            </Empty>
          ) : (
            <div className="panel forms-table-wrap">
              <table className="forms-table">
                <thead>
                  <tr>
                    <th scope="col">Form</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Views
                    </th>
                    <th scope="col" className="num">
                      Submissions
                    </th>
                    <th scope="col" className="num forms-optional">
                      Conversion
                    </th>
                    <th scope="col" className="forms-optional">
                      Last submission
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {forms.data.map((f) => {
                    const rate = conversionRate(f.viewCount, f.submissionCount);
                    return (
                      <tr key={f.id}>
                        <td>
                          <Link className="forms-name" to={`/forms/${f.id}`}>
                            {f.name}
                          </Link>
                          <span className="forms-sub">Created {formatDate(f.createdAt)}</span>
                        </td>
                        <td>
                          <span className="forms-status" data-status={f.status}>
                            {f.status === 'active' ? 'Active' : 'Archived'}
                          </span>
                        </td>
                        <td className="num">{f.viewCount.toLocaleString()}</td>
                        <td className="num">{f.submissionCount.toLocaleString()}</td>
                        <td className="num forms-optional">{rate === null ? '—' : `${rate}%`}</td>
                        <td className="forms-optional">{f.lastSubmissionAt ? formatRelative(f.lastSubmissionAt) : 'None yet'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </>
  );
}
