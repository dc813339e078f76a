import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import { authorize } from '../../policies.ts';
import { type ApiKeyRow, insertApiKey, listApiKeys as listRows, revokeApiKey as revokeRow } from './api-keys.repo.ts';
import type { apiKeySchema } from './api-keys.schema.ts';

/** An API key as the API shows it (never the secret or its hash). */
export function presentApiKey(k: ApiKeyRow): z.infer<typeof apiKeySchema> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scope: k.scope,
    createdBy: k.created_by,
    createdAt: k.created_at.toISOString(),
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key acting for the caller in this workspace; the secret is returned once and stored only hashed. */
export async function createApiKey(
  ctx: Ctx,
  input: { name: string; scope: 'read' | 'read_write' },
): Promise<{ apiKey: ApiKeyRow; key: string }> {
  authorize(ctx, 'api_keys.manage');
  const key = `rap_${randomToken(32)}`;
  const apiKey = await insertApiKey(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    name: input.name,
    prefix: key.slice(0, 12),
    keyHash: hashToken(key),
    scope: input.scope,
    createdBy: ctx.actor.userId as string,
  });
  await recordWrite(ctx, {
    recordType: 'api_key',
    recordId: apiKey.id,
    action: 'create',
    before: null,
    after: { name: apiKey.name, scope: apiKey.scope, prefix: apiKey.prefix },
  });
  return { apiKey, key };
}

/** The workspace's keys, revoked ones included. */
export async function listApiKeys(ctx: Ctx): Promise<ApiKeyRow[]> {
  authorize(ctx, 'api_keys.manage');
  return listRows(ctx.tx, ctx.workspaceId);
}

/** Revokes a key at once. */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx, 'api_keys.manage');
  const row = await revokeRow(ctx.tx, ctx.workspaceId, id);
  if (!row) throw notFound('API key');
  await recordWrite(ctx, {
    recordType: 'api_key',
    recordId: id,
    action: 'delete',
    before: { name: row.name, scope: row.scope, prefix: row.prefix },
    after: null,
  });
}
