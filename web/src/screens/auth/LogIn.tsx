import { type FormEvent, useCallback } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useStartSession } from '../../session';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { AuthLayout } from './AuthLayout';

/** Signs in with email and password, then goes back where the person was headed. */
export function LogIn() {
  const startSession = useStartSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string; notice?: string } | null) ?? {};
  const logIn = useCallback(
    async (body: { email: string; password: string }) => {
      await startSession(await unwrap(api.POST('/api/v1/auth/login', { body })));
      navigate(from.from ?? '/contacts', { replace: true });
    },
    [startSession, navigate, from.from],
  );
  const { run, busy, errors, message } = useFormAction(logIn);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run({ email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') });
  };

  return (
    <AuthLayout
      title="Log in"
      subtitle="Welcome back."
      footer={
        <>
          New to Rapport? <Link to="/signup">Create a workspace</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {from.notice ? <p className="alert alert-success">{from.notice}</p> : null}
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <Input
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
          hint={<Link to="/forgot-password">Forgot your password?</Link>}
        />
        <Button type="submit" variant="primary" className="btn-block" busy={busy}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
