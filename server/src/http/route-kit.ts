import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../policies.ts';

/** The workspace principal of an authenticated workspace route. */
export function principalOf(request: FastifyRequest): Principal & { workspaceId: string } {
  const auth = request.auth;
  if (!auth?.workspaceId || !auth.role) throw new AppError('unauthorized', 'Sign in first');
  return { role: auth.role, actor: auth.actor, workspaceId: auth.workspaceId };
}

/** The context of a domain function run for `request` through `tx`. */
function ctxOf(request: FastifyRequest, tx: Queryable): Ctx {
  const p = principalOf(request);
  return { workspaceId: p.workspaceId, actor: p.actor, role: p.role, tx, requestId: String(request.id) };
}

/** Runs a domain function in one transaction with the request's workspace, actor and role. */
export function inWorkspace<T>(db: Database, request: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const ctx = ctxOf(request, db);
  return db.transaction((tx) => fn({ ...ctx, tx }));
}

/**
 * Runs a read-only domain function with the request's workspace, actor and role outside a
 * transaction, saving the BEGIN and COMMIT round trips. Each statement reads its own snapshot,
 * as it would in a READ COMMITTED transaction, so a read loses nothing by it. Not for anything
 * that writes, takes locks or sets transaction-local settings: those need `inWorkspace`.
 */
export function readInWorkspace<T>(db: Database, request: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return fn(ctxOf(request, db));
}

/** Sets the ETag of a versioned resource. */
export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', `"${version}"`);
}

/**
 * The version a client's If-Match names, if it sent one. `*` or absent means "any version".
 * A malformed header is a 400; a stale one becomes a 412 where the update compares versions.
 */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!m) {
    throw new AppError('validation_failed', 'If-Match must be an ETag returned by this API', [
      { field: 'header.if-match', message: 'Expected a value like "3"' },
    ]);
  }
  return Number(m[1]);
}
