import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';
import { isUuid } from '../lib/ids.ts';
import { hashToken, safeEqual } from '../lib/tokens.ts';
import { findApiKeyWithRole, touchApiKey } from '../modules/api-keys/api-keys.repo.ts';
import { findLiveSession, touchSession } from '../modules/auth/auth.repo.ts';
import type { Role } from '../policies.ts';

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'rapport_session';

/** Who made the request and, for workspace routes, in which workspace and with which role. */
export type Auth = {
  userId: string;
  via: 'session' | 'api_key';
  sessionId: string | null;
  csrfToken: string | null;
  actor: Actor;
  workspaceId: string | null;
  role: Role | null;
};

/** What a route needs: nobody, a signed-in user, or a member of a workspace. */
export type AuthLevel = 'none' | 'user' | 'workspace';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    auth?: AuthLevel;
  }
}

const unauthorized = (message = 'Sign in or send an API key as Authorization: Bearer <key>') =>
  new AppError('unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="rapport"' });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function fromApiKey(db: Database, key: string): Promise<Auth> {
  const row = await findApiKeyWithRole(db, hashToken(key));
  if (!row) throw unauthorized('The API key is not valid or has been revoked');
  if (!row.member_role) throw unauthorized('The API key belongs to someone no longer in this workspace');
  // Last use is kept to the minute, so most requests need no write.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) await touchApiKey(db, row.workspace_id, row.id);
  return {
    userId: row.created_by,
    via: 'api_key',
    sessionId: null,
    csrfToken: null,
    actor: { type: 'api_key', id: row.id, userId: row.created_by, scope: row.scope },
    workspaceId: row.workspace_id,
    role: row.member_role,
  };
}

async function fromSession(db: Database, token: string): Promise<Auth> {
  const session = await findLiveSession(db, hashToken(token));
  if (!session) throw unauthorized('Your session has expired or was signed out');
  if (Date.now() - session.last_seen_at.getTime() > 60_000) await touchSession(db, session.id);
  return {
    userId: session.user_id,
    via: 'session',
    sessionId: session.id,
    csrfToken: session.csrf_token,
    actor: { type: 'user', id: session.user_id, userId: session.user_id },
    workspaceId: null,
    role: null,
  };
}

/** Picks the workspace a session request acts in: X-Workspace-Id, else the user's first. */
async function chooseWorkspace(db: Database, request: FastifyRequest, auth: Auth): Promise<void> {
  const header = request.headers['x-workspace-id'];
  const wanted = typeof header === 'string' ? header.trim() : undefined;
  if (wanted !== undefined && !isUuid(wanted)) {
    throw new AppError('validation_failed', 'X-Workspace-Id must be a workspace id', [
      { field: 'header.x-workspace-id', message: 'Not a UUID' },
    ]);
  }
  if (auth.via === 'api_key') {
    // API keys belong to one workspace; naming another is the same as naming one that does not exist.
    if (wanted && wanted !== auth.workspaceId) throw new AppError('not_found', 'Workspace not found');
    return;
  }
  const res = wanted
    ? await db.query<{ workspace_id: string; role: Role }>(
        'SELECT workspace_id, role FROM memberships WHERE user_id = $1 AND workspace_id = $2',
        [auth.userId, wanted],
        { prepare: true },
      )
    : await db.query<{ workspace_id: string; role: Role }>(
        'SELECT workspace_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at, id LIMIT 1',
        [auth.userId],
        { prepare: true },
      );
  const row = res.rows[0];
  if (!row) throw new AppError('not_found', wanted ? 'Workspace not found' : 'You are not a member of any workspace');
  auth.workspaceId = row.workspace_id;
  auth.role = row.role;
}

/**
 * Resolves the caller for routes that need one (route config `auth`, default 'workspace'):
 * a Bearer API key or the session cookie, then the workspace and role, then CSRF for
 * cookie-authenticated writes.
 */
export function authenticate(db: Database) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.auth = null;
    const level: AuthLevel = request.routeOptions.config.auth ?? 'workspace';
    if (level === 'none') return;
    const header = request.headers.authorization;
    let auth: Auth;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthorized('Authorization must be "Bearer <api key>"');
      auth = await fromApiKey(db, match[1]);
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) throw unauthorized();
      auth = await fromSession(db, token);
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !auth.csrfToken || !safeEqual(sent, auth.csrfToken)) {
          throw new AppError('csrf_failed', 'Send the csrfToken from login or /api/v1/me as the X-CSRF-Token header');
        }
      }
    }
    if (level === 'workspace') await chooseWorkspace(db, request, auth);
    request.auth = auth;
  };
}
