import { type FormEvent, useCallback } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { AuthLayout } from './AuthLayout';

/** Chooses a new password from the emailed link (`/reset-password?token=…`), then asks to log in. */
export function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const confirm = useCallback(
    async (password: string) => {
      await unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }));
      navigate('/login', { replace: true, state: { notice: 'Your password is changed. Log in with the new one.' } });
    },
    [token, navigate],
  );
  const { run, busy, errors, message } = useFormAction(confirm);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('password') ?? ''));
  };

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="You will be signed out everywhere else."
      footer={<Link to="/forgot-password">Ask for a new link</Link>}
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        {message || errors.token ? (
          <p className="alert" role="alert">
            {errors.token ?? message}
          </p>
        ) : null}
        <Input
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 10 characters"
          error={errors.password}
        />
        <Button type="submit" variant="primary" className="btn-block" busy={busy}>
          Change password
        </Button>
      </form>
    </AuthLayout>
  );
}
