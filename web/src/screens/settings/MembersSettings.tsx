import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { useMe } from '../../session';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { initials } from '../shell/UserMenu';
import { CopyField } from './CopyField';
import { roleLabels, shortDate } from './options';
import { ConfirmDialog, ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { type Member, type Role, refresh, useCan, useInvitations, useMemberList } from './settings.api';

const roleOption = (role: Role) => ({ value: role, label: roleLabels[role] });

function MemberRow({
  member,
  isMe,
  grantable,
  onChangeRole,
  onRemove,
  canRemove,
}: {
  member: Member;
  isMe: boolean;
  grantable: Role[];
  onChangeRole: (role: Role) => void;
  onRemove: () => void;
  canRemove: boolean;
}) {
  // A role the caller could not grant (an owner, seen by an admin) is shown, not offered.
  const editable = grantable.includes(member.role);
  const choices = editable ? grantable : [];
  return (
    <li className="settings-row">
      <span className="avatar" aria-hidden="true">
        {initials(member.name)}
      </span>
      <div className="settings-row-main">
        <span className="settings-row-title">
          {member.name} {isMe ? <span className="settings-tag">You</span> : null}
        </span>
        <span className="settings-row-meta">
          {member.email} · joined {shortDate(member.createdAt)}
        </span>
      </div>
      <div className="settings-row-actions">
        {choices.length > 0 ? (
          <select
            className="select settings-role"
            aria-label={`Role of ${member.name}`}
            value={member.role}
            onChange={(event) => onChangeRole(event.target.value as Role)}
          >
            {choices.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        ) : (
          <span className="settings-role-text">{roleLabels[member.role]}</span>
        )}
        {canRemove && !isMe ? (
          <Button size="sm" variant="ghost" className="btn-danger" aria-label={`Remove ${member.name}`} onClick={onRemove}>
            Remove
          </Button>
        ) : null}
      </div>
    </li>
  );
}

function MemberList() {
  const members = useMemberList();
  const me = useMe();
  const can = useCan();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const grantable = can('members.update_role') ? (me.data?.grantableRoles ?? []) : [];
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) =>
      unwrap(api.PATCH('/api/v1/members/{id}', { params: { path: { id: member.id } }, body: { role } })),
    onMutate: () => setRefusal(null),
    onSuccess: (saved) => toast(`${saved.name} is now ${roleLabels[saved.role].toLowerCase()}`),
    onError: (err, { member }) => setRefusal(`${member.name}'s role was not changed: ${errorMessage(err)}`),
    onSettled: () => refresh(queryClient, 'members'),
  });
  const remove = async (member: Member) => {
    await unwrap(api.DELETE('/api/v1/members/{id}', { params: { path: { id: member.id } } }));
    await refresh(queryClient, 'members');
    toast(`${member.name} was removed from the workspace`);
  };

  if (members.isPending) return <Loading label="Loading members…" />;
  if (members.isError) return <ErrorState error={members.error} onRetry={() => members.refetch()} />;
  if (members.data.length === 0) return <Empty title="No members">Invite someone to work here with you.</Empty>;
  return (
    <>
      {refusal ? (
        <p className="alert settings-alert" role="alert">
          {refusal}
        </p>
      ) : null}
      <ul className="settings-list" aria-label="Members">
        {members.data.map((m) => (
          <MemberRow
            key={m.id}
            member={m}
            isMe={m.userId === me.data?.user.id}
            grantable={grantable}
            canRemove={can('members.remove')}
            onChangeRole={(role) => changeRole.mutate({ member: m, role })}
            onRemove={() => setRemoving(m)}
          />
        ))}
      </ul>
      <ConfirmDialog
        open={removing !== null}
        title="Remove member"
        confirmLabel="Remove"
        onClose={() => setRemoving(null)}
        onConfirm={() => (removing ? remove(removing) : Promise.resolve())}
      >
        <p>
          {removing?.name} ({removing?.email}) loses access to this workspace at once, and their API keys stop working. Their records stay.
        </p>
      </ConfirmDialog>
    </>
  );
}

function InviteForm({ onInvited }: { onInvited: (url: string, email: string) => void }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const toast = useToast();
  const roles = me.data?.grantableRoles ?? [];
  const invite = useCallback(
    async ({ email, role, form }: { email: string; role: Role; form: HTMLFormElement }) => {
      const created = await unwrap(api.POST('/api/v1/invitations', { body: { email, role } }));
      await refresh(queryClient, 'invitations');
      form.reset();
      toast(`Invitation sent to ${created.invitation.email}`);
      onInvited(created.url, created.invitation.email);
    },
    [queryClient, toast, onInvited],
  );
  const { run, busy, errors, message } = useFormAction(invite);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run({ email: String(data.get('email') ?? '').trim(), role: String(data.get('role')) as Role, form: event.currentTarget });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Invite someone">
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <div className="settings-inline-form settings-invite">
        <Input label="Email" name="email" type="email" autoComplete="off" required error={errors.email} />
        <Select label="Role" name="role" options={roles.map(roleOption)} defaultValue="member" error={errors.role} />
        <Button type="submit" variant="primary" busy={busy}>
          Send invitation
        </Button>
      </div>
    </form>
  );
}

function Invitations() {
  const invitations = useInvitations(true);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [link, setLink] = useState<{ url: string; email: string } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; email: string } | null>(null);
  const onInvited = useCallback((url: string, email: string) => setLink({ url, email }), []);
  const revoke = async (inv: { id: string; email: string }) => {
    await unwrap(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id: inv.id } } }));
    await refresh(queryClient, 'invitations');
    if (link?.email === inv.email) setLink(null);
    toast(`The invitation to ${inv.email} is revoked`);
  };
  return (
    <SettingsPanel title="Invitations">
      <div className="panel-body">
        <InviteForm onInvited={onInvited} />
        {link ? (
          <div className="settings-callout">
            <CopyField label={`Invitation link for ${link.email}`} value={link.url} copyLabel="Copy link" />
            <p className="field-hint">It was emailed too. Anyone with the link can join as the invited person for 14 days.</p>
          </div>
        ) : null}
      </div>
      <h4 className="settings-subtitle">Pending</h4>
      {invitations.isPending ? (
        <Loading label="Loading invitations…" />
      ) : invitations.isError ? (
        <ErrorState error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : invitations.data.length === 0 ? (
        <p className="muted settings-empty">No pending invitations.</p>
      ) : (
        <ul className="settings-list" aria-label="Pending invitations">
          {invitations.data.map((inv) => (
            <li key={inv.id} className="settings-row">
              <div className="settings-row-main">
                <span className="settings-row-title">{inv.email}</span>
                <span className="settings-row-meta">
                  {roleLabels[inv.role]} · expires {shortDate(inv.expiresAt)}
                </span>
              </div>
              <div className="settings-row-actions">
                <Button
                  size="sm"
                  variant="ghost"
                  className="btn-danger"
                  aria-label={`Revoke the invitation to ${inv.email}`}
                  onClick={() => setRevoking(inv)}
                >
                  Revoke
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invitation"
        confirmLabel="Revoke"
        onClose={() => setRevoking(null)}
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
      >
        <p>The link sent to {revoking?.email} stops working.</p>
      </ConfirmDialog>
    </SettingsPanel>
  );
}

/** The people of the workspace and their roles, and invitations for new ones. */
export function MembersSettings() {
  const can = useCan();
  const admin = can('invitations.manage');
  return (
    <SettingsSection title="Members" description="Who works in this workspace, and what their role lets them do.">
      {admin ? null : <ReadOnlyNote>Only admins and owners can invite people or change roles.</ReadOnlyNote>}
      <SettingsPanel title="Members">
        <MemberList />
      </SettingsPanel>
      {admin ? <Invitations /> : null}
    </SettingsSection>
  );
}
