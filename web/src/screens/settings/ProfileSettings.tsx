import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import { meKey, useMe } from '../../session';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { CalendarFeedPanel } from './CalendarFeedPanel';
import { roleLabels } from './options';
import { SessionsPanel, sessionsKey } from './SessionsPanel';
import { SettingsPanel, SettingsSection } from './SettingsSection';
import { refresh } from './settings.api';

/** A field error raised before the request, shown like the API's own. */
function formProblem(field: string, message: string): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Validation failed',
    status: 400,
    code: 'validation_failed',
    detail: message,
    errors: [{ field: `body.${field}`, message }],
  });
}

function NameForm({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = useCallback(
    async (next: string) => {
      await unwrap(api.PATCH('/api/v1/me', { body: { name: next } }));
      await Promise.all([queryClient.invalidateQueries({ queryKey: meKey }), refresh(queryClient, 'members')]);
      toast('Your name is saved');
    },
    [queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('name') ?? ''));
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Your name">
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <Input label="Name" name="name" defaultValue={name} autoComplete="name" required error={errors.name} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Save name
        </Button>
      </div>
    </form>
  );
}

type PasswordChange = { currentPassword: string; newPassword: string; repeat: string; form: HTMLFormElement };

function PasswordForm() {
  const toast = useToast();
  const queryClient = useQueryClient();
  const change = useCallback(
    async ({ currentPassword, newPassword, repeat, form }: PasswordChange) => {
      if (newPassword !== repeat) throw formProblem('repeat', 'The two new passwords differ');
      await unwrap(api.PATCH('/api/v1/me', { body: { currentPassword, newPassword } }));
      form.reset();
      await queryClient.invalidateQueries({ queryKey: sessionsKey });
      toast('Password changed; your other sessions are signed out');
    },
    [queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(change);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run({
      currentPassword: String(data.get('currentPassword') ?? ''),
      newPassword: String(data.get('newPassword') ?? ''),
      repeat: String(data.get('repeat') ?? ''),
      form: event.currentTarget,
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Change password">
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <Input
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        error={errors.currentPassword}
      />
      <Input
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters. Your other sessions will be signed out."
        error={errors.newPassword}
      />
      <Input label="New password again" name="repeat" type="password" autoComplete="new-password" error={errors.repeat} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Change password
        </Button>
      </div>
    </form>
  );
}

/** The signed-in person's own name, email and password. */
export function ProfileSettings() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError || !me.data) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  const { user, role, workspace } = me.data;
  return (
    <SettingsSection title="Profile" description="How you appear to your team, and how you sign in.">
      <SettingsPanel title="You">
        <div className="panel-body">
          <dl className="settings-facts">
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>
              {roleLabels[role]} in {workspace.name}
            </dd>
          </dl>
          <NameForm key={user.name} name={user.name} />
        </div>
      </SettingsPanel>
      <SettingsPanel title="Password">
        <div className="panel-body">
          <PasswordForm />
        </div>
      </SettingsPanel>
      <SessionsPanel />
      <CalendarFeedPanel />
    </SettingsSection>
  );
}
