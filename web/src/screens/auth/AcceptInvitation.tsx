import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useStartSession } from '../../session';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useFormAction } from '../../ui/useFormAction';
import { AuthLayout } from './AuthLayout';

/** Joins a workspace from an invitation link, creating the account when it does not exist yet. */
export function AcceptInvitation() {
  const token = useParams().token ?? '';
  const startSession = useStartSession();
  const navigate = useNavigate();
  // Once accepted the link is used up: starting the session clears the cache, and asking for the
  // invitation again would only earn a 404.
  const [accepted, setAccepted] = useState(false);
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => unwrap(api.GET('/api/v1/auth/invitations/{token}', { params: { path: { token } } })),
    retry: false,
    enabled: !accepted,
  });
  const accept = useCallback(
    async (body: { token: string; name?: string; password: string }) => {
      const session = await unwrap(api.POST('/api/v1/auth/invitations/accept', { body }));
      setAccepted(true);
      await startSession(session);
      navigate('/contacts', { replace: true });
    },
    [startSession, navigate],
  );
  const { run, busy, errors, message } = useFormAction(accept);

  if (preview.isPending) {
    return (
      <AuthLayout title="Join a workspace">
        <Loading />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    return (
      <AuthLayout title="Join a workspace" footer={<Link to="/login">Go to log in</Link>}>
        <ErrorState error={preview.error} />
      </AuthLayout>
    );
  }
  const invitation = preview.data;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    void run(invitation.accountExists ? { token, password } : { token, password, name: String(form.get('name') ?? '') });
  };

  return (
    <AuthLayout
      title={`Join ${invitation.workspaceName}`}
      subtitle={`You were invited as ${invitation.role.replace('_', ' ')} with ${invitation.email}.`}
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        {invitation.accountExists ? null : <Input label="Your name" name="name" autoComplete="name" required error={errors.name} />}
        <Input
          label={invitation.accountExists ? 'Your password' : 'Choose a password'}
          name="password"
          type="password"
          autoComplete={invitation.accountExists ? 'current-password' : 'new-password'}
          required
          error={errors.password}
        />
        <Button type="submit" variant="primary" className="btn-block" busy={busy}>
          Join workspace
        </Button>
      </form>
    </AuthLayout>
  );
}
