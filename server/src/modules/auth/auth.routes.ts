import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { SESSION_COOKIE } from '../../http/authenticate.ts';
import { idParams } from '../../http/schemas.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { actions, can, mayGrantRole, type Principal, type Role, roles } from '../../policies.ts';
import { presentWorkspace } from '../workspaces/workspaces.presenter.ts';
import { findWorkspace, listUserWorkspaces } from '../workspaces/workspaces.repo.ts';
import { findUserById, listLiveSessions, revokeAllSessions, revokeSession, type UserRow } from './auth.repo.ts';
import {
  acceptInvitationBody,
  loginBody,
  meResponse,
  passwordResetBody,
  passwordResetConfirmBody,
  sessionResponse,
  sessionSchema,
  signupBody,
  updateMeBody,
  userSchema,
} from './auth.schema.ts';
import {
  acceptInvitation,
  confirmPasswordReset,
  login,
  previewInvitation,
  type RequestMeta,
  requestPasswordReset,
  type StartedSession,
  signup,
} from './auth.service.ts';
import { updateProfile } from './profile.service.ts';

/** A user row as the API shows it (never the password hash). */
export function presentUser(u: UserRow): z.infer<typeof userSchema> {
  return { id: u.id, email: u.email, name: u.name, createdAt: u.created_at.toISOString() };
}

/** What a principal may do here, for clients that show only the actions that will succeed. */
function permissionsOf(principal: Principal): { permissions: (typeof actions)[number][]; grantableRoles: Role[] } {
  const permissions = actions.filter((action) => can(principal, action));
  const grantableRoles = permissions.includes('members.update_role') ? roles.filter((r) => mayGrantRole(principal.role, r)) : [];
  return { permissions, grantableRoles };
}

function metaOf(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: String(request.id) };
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, s: StartedSession) {
  reply.setCookie(SESSION_COOKIE, s.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    expires: s.expiresAt,
  });
  return {
    user: presentUser(s.user),
    workspace: presentWorkspace(s.workspace),
    role: s.role,
    csrfToken: s.csrfToken,
  };
}

const tags = ['Auth'];
const noAuth = { auth: 'none' as const };

/** Sign-up, sign-in, sign-out, password reset, invitation acceptance, the current user and their sessions. */
export function authRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/signup',
      {
        config: noAuth,
        schema: { tags, summary: 'Create an account and its workspace', body: signupBody, response: { 201: sessionResponse } },
      },
      async (request, reply) => {
        const s = await signup(deps, request.body, metaOf(request));
        return reply.code(201).send(setSessionCookie(request, reply, s));
      },
    );

    app.post(
      '/auth/login',
      { config: noAuth, schema: { tags, summary: 'Sign in with email and password', body: loginBody, response: { 200: sessionResponse } } },
      async (request, reply) => setSessionCookie(request, reply, await login(deps, request.body, metaOf(request))),
    );

    app.post(
      '/auth/logout',
      { config: { auth: 'user' }, schema: { tags, summary: 'Sign out this session', response: { 204: z.null() } } },
      async (request, reply) => {
        const auth = request.auth;
        if (auth?.sessionId) await revokeSession(deps.db, auth.userId, auth.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: noAuth,
        schema: {
          tags,
          summary: 'Email a password-reset link',
          body: passwordResetBody,
          response: { 202: z.object({ status: z.literal('sent_if_account_exists') }) },
        },
      },
      async (request, reply) => {
        await requestPasswordReset(deps, request.body.email);
        return reply.code(202).send({ status: 'sent_if_account_exists' as const });
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        config: noAuth,
        schema: { tags, summary: 'Choose a new password from a reset link', body: passwordResetConfirmBody, response: { 204: z.null() } },
      },
      async (request, reply) => {
        await confirmPasswordReset(deps, request.body);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/auth/invitations/:token',
      {
        config: noAuth,
        schema: {
          tags,
          summary: 'What an invitation link offers',
          params: z.object({ token: z.string().min(10).max(200) }),
          response: { 200: z.object({ workspaceName: z.string(), email: z.string(), role: z.enum(roles), accountExists: z.boolean() }) },
        },
      },
      async (request) => previewInvitation(deps, request.params.token),
    );

    app.post(
      '/auth/invitations/accept',
      {
        config: noAuth,
        schema: {
          tags,
          summary: 'Join a workspace from an invitation link',
          body: acceptInvitationBody,
          response: { 200: sessionResponse },
        },
      },
      async (request, reply) => setSessionCookie(request, reply, await acceptInvitation(deps, request.body, metaOf(request))),
    );

    app.get(
      '/me',
      { schema: { tags, summary: 'The current user, workspace and role', response: { 200: meResponse } } },
      async (request) => {
        const auth = request.auth;
        if (!auth?.workspaceId || !auth.role) throw new AppError('unauthorized', 'Sign in first');
        const [user, workspace] = await Promise.all([findUserById(deps.db, auth.userId), findWorkspace(deps.db, auth.workspaceId)]);
        if (!user || !workspace) throw notFound('User');
        const workspaces =
          auth.via === 'api_key'
            ? [{ id: workspace.id, name: workspace.name, role: auth.role }]
            : await listUserWorkspaces(deps.db, user.id);
        return {
          user: presentUser(user),
          workspace: presentWorkspace(workspace),
          role: auth.role,
          workspaces,
          csrfToken: auth.csrfToken,
          via: auth.via,
          ...permissionsOf({ role: auth.role, actor: auth.actor }),
        };
      },
    );

    app.patch(
      '/me',
      {
        config: { auth: 'user' },
        schema: {
          tags,
          summary: 'Change your name or password (signed-in sessions only)',
          description:
            'A new password needs `currentPassword`; a wrong one answers 400 with `errors[].code` `incorrect_password` on ' +
            '`body.currentPassword`. Changing the password signs out your other sessions.',
          body: updateMeBody,
          response: { 200: userSchema },
        },
      },
      async (request) => {
        const auth = request.auth;
        if (!auth) throw new AppError('unauthorized', 'Sign in first');
        if (auth.via === 'api_key') throw new AppError('forbidden', 'Change your profile from a signed-in session, not with an API key');
        return presentUser(await updateProfile(deps, { userId: auth.userId, sessionId: auth.sessionId }, request.body));
      },
    );

    app.get(
      '/sessions',
      {
        config: { auth: 'user' },
        schema: { tags, summary: "The current user's signed-in sessions", response: { 200: z.object({ data: z.array(sessionSchema) }) } },
      },
      async (request) => {
        const auth = request.auth;
        if (!auth) throw new AppError('unauthorized', 'Sign in first');
        const rows = await listLiveSessions(deps.db, auth.userId);
        return {
          data: rows.map((s) => ({
            id: s.id,
            ip: s.ip,
            userAgent: s.user_agent,
            createdAt: s.created_at.toISOString(),
            lastSeenAt: s.last_seen_at.toISOString(),
            expiresAt: s.expires_at.toISOString(),
            current: s.id === auth.sessionId,
          })),
        };
      },
    );

    app.delete(
      '/sessions/:id',
      {
        config: { auth: 'user' },
        schema: { tags, summary: 'Sign out one of your sessions', params: idParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        const auth = request.auth;
        if (!auth) throw new AppError('unauthorized', 'Sign in first');
        if (!(await revokeSession(deps.db, auth.userId, request.params.id))) throw notFound('Session');
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/sessions',
      { config: { auth: 'user' }, schema: { tags, summary: 'Sign out all your other sessions', response: { 204: z.null() } } },
      async (request, reply) => {
        const auth = request.auth;
        if (!auth) throw new AppError('unauthorized', 'Sign in first');
        await revokeAllSessions(deps.db, auth.userId, auth.sessionId ?? undefined);
        return reply.code(204).send(null);
      },
    );
  };
}
