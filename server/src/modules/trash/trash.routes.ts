import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { TRASH_RETENTION_DAYS } from '../../jobs/purge.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { uuid } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';

const trashTypes = ['contact', 'company', 'deal', 'activity', 'task'] as const;

/** Each type's table and how its trash row is titled. */
const sources: Record<(typeof trashTypes)[number], { table: string; title: string; path: string }> = {
  contact: {
    table: 'contacts',
    title: "coalesce(nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), email, phone, '')",
    path: 'contacts',
  },
  company: { table: 'companies', title: 'name', path: 'companies' },
  deal: { table: 'deals', title: 'name', path: 'deals' },
  activity: { table: 'activities', title: 'coalesce(subject, left(body, 80), kind)', path: 'activities' },
  task: { table: 'tasks', title: 'title', path: 'tasks' },
};

const trashItem = z
  .object({
    objectType: z.enum(trashTypes),
    id: uuid(),
    title: z.string(),
    deletedAt: z.iso.datetime(),
    purgeAt: z.iso.datetime(),
    restorePath: z.string().describe('POST here to restore it'),
  })
  .meta({ id: 'TrashItem' });

const query = z
  .object({
    objectType: z.enum(trashTypes).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

type Row = { object_type: (typeof trashTypes)[number]; id: string; title: string; deleted_at: Date };

/** The trash: deleted records of every type, most recently deleted first, restorable until purged. */
export function trashRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/trash',
      {
        schema: {
          tags: ['Trash'],
          summary: `Deleted records, restorable for ${TRASH_RETENTION_DAYS} days`,
          querystring: query,
          response: { 200: z.object({ data: z.array(trashItem), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) => {
        const q = request.query;
        const after = q.cursor ? decodeCursor(q.cursor, 2) : null;
        const types = q.objectType ? [q.objectType] : trashTypes;
        const rows = await inWorkspace(deps.db, request, async (ctx) => {
          authorize(ctx, 'records.read');
          const union = types
            .map(
              (t) =>
                `SELECT '${t}' AS object_type, id, ${sources[t].title} AS title, deleted_at FROM ${sources[t].table} WHERE workspace_id = $1 AND deleted_at IS NOT NULL`,
            )
            .join(' UNION ALL ');
          const res = await ctx.tx.query<Row>(
            `SELECT * FROM (${union}) t
             WHERE $2::timestamptz IS NULL OR (t.deleted_at, t.id) < ($2::timestamptz, $3::uuid)
             ORDER BY t.deleted_at DESC, t.id DESC LIMIT $4`,
            [ctx.workspaceId, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1],
          );
          return res.rows;
        });
        const more = rows.length > q.limit;
        const page = more ? rows.slice(0, q.limit) : rows;
        const last = page.at(-1);
        return {
          data: page.map((r) => ({
            objectType: r.object_type,
            id: r.id,
            title: r.title,
            deletedAt: r.deleted_at.toISOString(),
            purgeAt: new Date(r.deleted_at.getTime() + TRASH_RETENTION_DAYS * 86_400_000).toISOString(),
            restorePath: `/api/v1/${sources[r.object_type].path}/${r.id}/restore`,
          })),
          nextCursor: more && last ? encodeCursor([last.deleted_at.toISOString(), last.id]) : null,
        };
      },
    );
  };
}
