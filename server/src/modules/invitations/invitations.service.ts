import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Deps } from '../../deps.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, forbidden, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import { authorize, mayGrantRole, type Role } from '../../policies.ts';
import { findUserByEmail } from '../auth/auth.repo.ts';
import { findMembershipOfUser } from '../members/members.repo.ts';
import { type InvitationRow, insertInvitation, listPendingInvitations, revokeInvitation as revokeRow } from './invitations.repo.ts';
import type { invitationSchema } from './invitations.schema.ts';

const INVITATION_DAYS = 14;

/** An invitation as the API shows it. */
export function presentInvitation(i: InvitationRow): z.infer<typeof invitationSchema> {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    invitedBy: i.invited_by,
    createdAt: i.created_at.toISOString(),
    expiresAt: i.expires_at.toISOString(),
  };
}

/** Invites someone by email with a role; returns the invitation and its link (the link is also emailed). */
export async function inviteMember(
  ctx: Ctx,
  deps: Pick<Deps, 'config'>,
  input: { email: string; role: Role },
): Promise<{ invitation: InvitationRow; url: string }> {
  authorize(ctx, 'invitations.manage');
  if (!mayGrantRole(ctx.role, input.role)) throw forbidden(`Your role (${ctx.role}) cannot invite someone as ${input.role}`);
  const existing = await findUserByEmail(ctx.tx, input.email);
  if (existing && (await findMembershipOfUser(ctx.tx, ctx.workspaceId, existing.id))) {
    throw new AppError('conflict', 'This person is already a member of the workspace', [
      { field: 'body.email', message: 'Already a member', code: 'already_member' },
    ]);
  }
  const token = randomToken();
  const invitation = await insertInvitation(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    email: input.email,
    role: input.role,
    tokenHash: hashToken(token),
    invitedBy: ctx.actor.userId as string,
    expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
  });
  await recordWrite(ctx, {
    recordType: 'invitation',
    recordId: invitation.id,
    action: 'create',
    before: null,
    after: { email: invitation.email, role: invitation.role },
  });
  return { invitation, url: `${deps.config.publicUrl}/invitations/${encodeURIComponent(token)}` };
}

/** The workspace's pending invitations. */
export async function listInvitations(ctx: Ctx): Promise<InvitationRow[]> {
  authorize(ctx, 'invitations.manage');
  return listPendingInvitations(ctx.tx, ctx.workspaceId);
}

/** Withdraws a pending invitation so its link stops working. */
export async function revokeInvitation(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx, 'invitations.manage');
  const row = await revokeRow(ctx.tx, ctx.workspaceId, id);
  if (!row) throw notFound('Invitation');
  await recordWrite(ctx, {
    recordType: 'invitation',
    recordId: id,
    action: 'delete',
    before: { email: row.email, role: row.role },
    after: null,
  });
}
