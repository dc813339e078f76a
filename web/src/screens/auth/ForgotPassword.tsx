import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { AuthLayout } from './AuthLayout';

/** Asks for a password-reset link by email; says the same whether or not the account exists. */
export function ForgotPassword() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useCallback(async (email: string) => {
    await unwrap(api.POST('/api/v1/auth/password-reset', { body: { email } }));
    setSentTo(email);
  }, []);
  const { run, busy, errors, message } = useFormAction(request);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('email') ?? ''));
  };

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="We will email you a link to choose a new one."
      footer={<Link to="/login">Back to log in</Link>}
    >
      {sentTo ? (
        <p className="alert alert-success" role="status">
          If an account exists for {sentTo}, a reset link is on its way. It works for one hour.
        </p>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          <Input label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
          <Button type="submit" variant="primary" className="btn-block" busy={busy}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
