import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { AppError } from '../lib/errors.ts';

type Claim = { workspaceId: string; principal: string; key: string };

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

type StoredRow = {
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
};

const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response is stored;
 * a repeat with the same body gets the same response without running again; a repeat with a
 * different body is refused (422). Keys are scoped to the workspace and the caller.
 */
export function idempotencyHooks(db: Database) {
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      if (request.method !== 'POST') return;
      const key = request.headers['idempotency-key'];
      const auth = request.auth;
      if (key === undefined || !auth?.workspaceId) return;
      if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters', [
          { field: 'header.idempotency-key', message: 'Invalid key' },
        ]);
      }
      const claim: Claim = { workspaceId: auth.workspaceId, principal: `${auth.actor.type}:${auth.actor.id}`, key };
      const requestHash = createHash('sha256')
        .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
        .digest('hex');
      const inserted = await db.query(
        `INSERT INTO idempotency_keys (workspace_id, principal, key, method, path, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [claim.workspaceId, claim.principal, key, request.method, request.url, requestHash],
      );
      if (inserted.rowCount > 0) {
        request.idempotency = claim;
        return;
      }
      const res = await db.query<StoredRow>(
        'SELECT request_hash, status_code, response_body, response_headers FROM idempotency_keys WHERE workspace_id = $1 AND principal = $2 AND key = $3',
        [claim.workspaceId, claim.principal, key],
      );
      const stored = res.rows[0];
      if (!stored) throw new AppError('conflict', 'This Idempotency-Key is being processed; retry shortly');
      if (stored.request_hash !== requestHash) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request', [
          { field: 'header.idempotency-key', message: 'Use a new key for a different request' },
        ]);
      }
      if (stored.status_code === null) throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress');
      return reply
        .code(stored.status_code)
        .headers({ ...(stored.response_headers ?? {}), 'idempotent-replayed': 'true' })
        .send(stored.response_body ?? '');
    },

    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const claim = request.idempotency;
      if (!claim) return payload;
      request.idempotency = undefined;
      if (reply.statusCode >= 500 || reply.statusCode === 429) {
        // Nothing was done (or it failed); let the client retry with the same key.
        await db.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND principal = $2 AND key = $3', [
          claim.workspaceId,
          claim.principal,
          claim.key,
        ]);
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const v = reply.getHeader(name);
        if (v !== undefined) headers[name] = String(v);
      }
      await db.query(
        `UPDATE idempotency_keys SET status_code = $4, response_body = $5, response_headers = $6
         WHERE workspace_id = $1 AND principal = $2 AND key = $3`,
        [
          claim.workspaceId,
          claim.principal,
          claim.key,
          reply.statusCode,
          typeof payload === 'string' ? payload : '',
          JSON.stringify(headers),
        ],
      );
      return payload;
    },
  };
}
