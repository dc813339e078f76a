import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { readInWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { timelinePageSchema, timelineQuery } from './timeline.schema.ts';
import { readTimeline } from './timeline.service.ts';

const sources = [
  { path: 'contacts', recordType: 'contact', tags: ['Contacts'], summary: "A contact's timeline, newest first" },
  {
    path: 'companies',
    recordType: 'company',
    tags: ['Companies'],
    summary: "A company's timeline, newest first, with its contacts' and deals' entries",
  },
  { path: 'deals', recordType: 'deal', tags: ['Deals'], summary: "A deal's timeline, newest first" },
] as const;

/** The timelines of contacts, companies and deals: what happened with a record, newest first. */
export function timelineRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    for (const source of sources) {
      app.get(
        `/${source.path}/:id/timeline`,
        {
          schema: {
            tags: [...source.tags],
            summary: `${source.summary} (301 to the survivor if it was merged)`,
            params: idParams,
            querystring: timelineQuery,
            response: { 200: timelinePageSchema },
          },
        },
        async (request) =>
          readInWorkspace(deps.db, request, (ctx) =>
            readTimeline(ctx, { target: { recordType: source.recordType, recordId: request.params.id }, ...request.query }),
          ),
      );
    }
  };
}
