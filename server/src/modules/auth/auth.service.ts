import type { Ctx } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import { recordWrite } from '../../lib/audit.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import type { Role } from '../../policies.ts';
import { findPendingInvitationByToken, markInvitationAccepted } from '../invitations/invitations.repo.ts';
import { findMembershipOfUser, insertMembership } from '../members/members.repo.ts';
import { createDefaultPipeline } from '../pipelines/pipelines.service.ts';
import { findWorkspace, insertWorkspace, type WorkspaceRow } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import {
  clearFailures,
  consumePasswordReset,
  findUserByEmail,
  findUserById,
  insertPasswordReset,
  insertSession,
  insertUser,
  recordFailure,
  revokeAllSessions,
  throttleFailures,
  type UserRow,
  updatePasswordHash,
} from './auth.repo.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';

/** Where a request came from, kept on the session. */
export type RequestMeta = { ip: string; userAgent: string | null; requestId: string };

/** A signed-in session: the cookie token (returned once) and what the client needs to go on. */
export type StartedSession = {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserRow;
  workspace: WorkspaceRow;
  role: Role;
};

const RESET_MINUTES = 60;

async function startSession(
  deps: Deps,
  tx: Queryable,
  user: UserRow,
  workspace: WorkspaceRow,
  role: Role,
  meta: RequestMeta,
): Promise<StartedSession> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + deps.config.sessionDays * 86_400_000);
  await insertSession(tx, {
    id: newId(),
    tokenHash: hashToken(token),
    userId: user.id,
    csrfToken,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    expiresAt,
  });
  return { token, csrfToken, expiresAt, user, workspace, role };
}

function userCtx(tx: Queryable, workspaceId: string, userId: string, role: Role, meta: RequestMeta): Ctx {
  return { tx, workspaceId, role, actor: { type: 'user', id: userId, userId }, requestId: meta.requestId };
}

async function addMember(ctx: Ctx, user: UserRow, role: Role): Promise<void> {
  const id = newId();
  await insertMembership(ctx.tx, { workspaceId: ctx.workspaceId, id, userId: user.id, role });
  await recordWrite(ctx, {
    recordType: 'member',
    recordId: id,
    action: 'create',
    before: null,
    after: { userId: user.id, email: user.email, name: user.name, role },
  });
}

/** Creates an account, its first workspace with the account as owner, and a session. */
export async function signup(
  deps: Deps,
  input: { email: string; password: string; name: string; workspaceName: string },
  meta: RequestMeta,
): Promise<StartedSession> {
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) {
      throw conflict('An account with this email already exists; sign in instead', [
        { field: 'body.email', message: 'Already registered', code: 'taken' },
      ]);
    }
    const user = await insertUser(tx, { id: newId(), email: input.email, name: input.name, passwordHash });
    const workspace = await insertWorkspace(tx, { id: newId(), name: input.workspaceName, settings: { ...defaultWorkspaceSettings } });
    const ctx = userCtx(tx, workspace.id, user.id, 'owner', meta);
    await recordWrite(ctx, {
      recordType: 'workspace',
      recordId: workspace.id,
      action: 'create',
      before: null,
      after: { name: workspace.name, settings: workspace.settings },
    });
    await addMember(ctx, user, 'owner');
    await createDefaultPipeline(ctx);
    return startSession(deps, tx, user, workspace, 'owner', meta);
  });
}

async function refuseWhenThrottled(deps: Deps, keys: string[]): Promise<void> {
  for (const key of keys) {
    const t = await throttleFailures(deps.db, key, deps.config.loginWindowMinutes);
    if (t.failures >= deps.config.loginMaxFailures) {
      throw new AppError('rate_limited', 'Too many failed sign-in attempts; wait before trying again', undefined, {
        'retry-after': String(t.retryAfterSeconds),
      });
    }
  }
}

async function firstWorkspace(tx: Queryable, userId: string): Promise<{ workspace: WorkspaceRow; role: Role }> {
  const res = await tx.query<{ workspace_id: string; role: Role }>(
    'SELECT workspace_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at, id LIMIT 1',
    [userId],
  );
  const m = res.rows[0];
  const workspace = m && (await findWorkspace(tx, m.workspace_id));
  if (!m || !workspace) throw new AppError('forbidden', 'This account no longer belongs to any workspace');
  return { workspace, role: m.role };
}

/**
 * Signs in with email and password. Failures count per account and per IP; past the limit
 * the answer is 429 with Retry-After, whether or not the password is right.
 */
export async function login(deps: Deps, input: { email: string; password: string }, meta: RequestMeta): Promise<StartedSession> {
  const keys = [`email:${input.email}`, `ip:${meta.ip}`];
  await refuseWhenThrottled(deps, keys);
  const user = await findUserByEmail(deps.db, input.email);
  const ok = user ? await verifyPassword(user.password_hash, input.password) : await verifyAgainstDummy(input.password);
  if (!user || !ok) {
    for (const key of keys) await recordFailure(deps.db, key, deps.config.loginWindowMinutes);
    throw new AppError('unauthorized', 'Email or password is incorrect');
  }
  await clearFailures(deps.db, keys[0] as string);
  return deps.db.transaction(async (tx) => {
    const { workspace, role } = await firstWorkspace(tx, user.id);
    return startSession(deps, tx, user, workspace, role, meta);
  });
}

/**
 * Emails a single-use reset link valid for an hour. Answers the same whether or not the
 * account exists, so the endpoint does not reveal who has one.
 */
export async function requestPasswordReset(deps: Deps, email: string): Promise<void> {
  const user = await findUserByEmail(deps.db, email);
  if (!user) return;
  const token = randomToken();
  await insertPasswordReset(deps.db, {
    id: newId(),
    userId: user.id,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + RESET_MINUTES * 60_000),
  });
  const link = `${deps.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  deps.log.info({ userId: user.id }, 'password reset requested');
  await deps.mailer.send({
    to: user.email,
    subject: 'Reset your Rapport password',
    text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Rapport password. Open this link within ${RESET_MINUTES} minutes to choose a new one:\n\n${link}\n\nIf you did not ask for this, ignore this email; your password stays as it is.\n`,
  });
}

/** Sets a new password from a reset token and signs the account out everywhere. */
export async function confirmPasswordReset(deps: Deps, input: { token: string; password: string }): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction(async (tx) => {
    const userId = await consumePasswordReset(tx, hashToken(input.token));
    if (!userId) {
      throw new AppError('validation_failed', 'This reset link is invalid, used or expired; ask for a new one', [
        { field: 'body.token', message: 'Invalid or expired', code: 'invalid_token' },
      ]);
    }
    await updatePasswordHash(tx, userId, passwordHash);
    await revokeAllSessions(tx, userId);
    const user = await findUserById(tx, userId);
    if (user) await clearFailures(tx, `email:${user.email}`);
  });
}

/** What an invitation link shows before it is accepted. */
export async function previewInvitation(
  deps: Deps,
  token: string,
): Promise<{ workspaceName: string; email: string; role: Role; accountExists: boolean }> {
  const inv = await findPendingInvitationByToken(deps.db, hashToken(token));
  if (!inv) throw new AppError('not_found', 'This invitation is invalid, used, revoked or expired');
  const existing = await findUserByEmail(deps.db, inv.email);
  return { workspaceName: inv.workspace_name, email: inv.email, role: inv.role, accountExists: Boolean(existing) };
}

/**
 * Accepts an invitation link: joins the workspace with the invited role, creating the account
 * when the email has none (name + new password) or checking the password when it has one.
 */
export async function acceptInvitation(
  deps: Deps,
  input: { token: string; name?: string; password: string },
  meta: RequestMeta,
): Promise<StartedSession> {
  const inv = await findPendingInvitationByToken(deps.db, hashToken(input.token));
  if (!inv) throw new AppError('not_found', 'This invitation is invalid, used, revoked or expired');
  const existing = await findUserByEmail(deps.db, inv.email);
  if (existing && !(await verifyPassword(existing.password_hash, input.password))) {
    throw new AppError('unauthorized', 'An account with this email exists; enter its password to join');
  }
  if (!existing) {
    const errors = [];
    if (!input.name) errors.push({ field: 'body.name', message: 'Required for a new account' });
    if (input.password.length < 10) errors.push({ field: 'body.password', message: 'Use at least 10 characters' });
    if (errors.length) throw new AppError('validation_failed', 'Choose a name and a password for your new account', errors);
  }
  const passwordHash = existing ? undefined : await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    if (!(await markInvitationAccepted(tx, inv.workspace_id, inv.id))) {
      throw new AppError('not_found', 'This invitation is invalid, used, revoked or expired');
    }
    const user =
      existing ??
      (await insertUser(tx, { id: newId(), email: inv.email, name: input.name as string, passwordHash: passwordHash as string }));
    const workspace = await findWorkspace(tx, inv.workspace_id);
    if (!workspace) throw new AppError('not_found', 'The workspace of this invitation no longer exists');
    if (!(await findMembershipOfUser(tx, inv.workspace_id, user.id))) {
      await addMember(userCtx(tx, inv.workspace_id, user.id, inv.role, meta), user, inv.role);
    }
    return startSession(deps, tx, user, workspace, inv.role, meta);
  });
}
