import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { pageOf } from '../../http/schemas.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { uuid } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';

const changeSchema = z
  .object({
    id: uuid(),
    recordType: z.string(),
    recordId: uuid(),
    action: z.string(),
    actorType: z.string(),
    actorId: uuid().nullable(),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    requestId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'RecordChange' });

const query = z
  .object({
    recordType: z.string().max(50).optional(),
    recordId: uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

type ChangeRow = {
  id: string;
  record_type: string;
  record_id: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
  request_id: string | null;
  created_at: Date;
};

/** The audit log: who changed what, field by field, newest first (admins). */
export function auditRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/record-changes',
      { schema: { tags: ['Audit'], summary: 'Field-level change history', querystring: query, response: { 200: pageOf(changeSchema) } } },
      async (request) => {
        const q = request.query;
        const before = q.cursor ? String(decodeCursor(q.cursor, 1)[0]) : null;
        const rows = await inWorkspace(deps.db, request, async (ctx) => {
          authorize(ctx, 'audit.read');
          const res = await ctx.tx.query<ChangeRow>(
            `SELECT id, record_type, record_id, action, actor_type, actor_id, changes, request_id, created_at
             FROM record_changes
             WHERE workspace_id = $1 AND ($2::text IS NULL OR record_type = $2) AND ($3::uuid IS NULL OR record_id = $3)
               AND ($4::uuid IS NULL OR id < $4::uuid)
             ORDER BY id DESC LIMIT $5`,
            [ctx.workspaceId, q.recordType ?? null, q.recordId ?? null, before, q.limit + 1],
          );
          return res.rows;
        });
        const page = toPage(rows, q.limit, (r) => [r.id]);
        return {
          nextCursor: page.nextCursor,
          data: page.data.map((r) => ({
            id: r.id,
            recordType: r.record_type,
            recordId: r.record_id,
            action: r.action,
            actorType: r.actor_type,
            actorId: r.actor_id,
            changes: r.changes,
            requestId: r.request_id,
            createdAt: r.created_at.toISOString(),
          })),
        };
      },
    );
  };
}
