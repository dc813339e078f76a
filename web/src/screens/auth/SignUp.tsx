import { type FormEvent, useCallback } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useStartSession } from '../../session';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { AuthLayout } from './AuthLayout';

type SignUpInput = { name: string; email: string; password: string; workspaceName: string };

/** Creates an account and its workspace, then opens the contacts list. */
export function SignUp() {
  const startSession = useStartSession();
  const navigate = useNavigate();
  const signUp = useCallback(
    async (body: SignUpInput) => {
      await startSession(await unwrap(api.POST('/api/v1/auth/signup', { body })));
      navigate('/contacts', { replace: true });
    },
    [startSession, navigate],
  );
  const { run, busy, errors, message } = useFormAction(signUp);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    void run({ name: text('name'), email: text('email'), password: text('password'), workspaceName: text('workspaceName') });
  };

  return (
    <AuthLayout
      title="Create your workspace"
      subtitle="Start with an empty CRM; invite your team when you are ready."
      footer={
        <>
          Already have an account? <Link to="/login">Log in</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Your name" name="name" autoComplete="name" required error={errors.name} />
        <Input label="Work email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <Input
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 10 characters"
          error={errors.password}
        />
        <Input label="Workspace name" name="workspaceName" autoComplete="organization" required error={errors.workspaceName} />
        <Button type="submit" variant="primary" className="btn-block" busy={busy}>
          Create workspace
        </Button>
      </form>
    </AuthLayout>
  );
}
