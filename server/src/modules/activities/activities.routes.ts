import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, principalOf, readInWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, recordGetQuery, recordSearchBody } from '../../http/schemas.ts';
import { project } from '../../lib/projection.ts';
import { parseSortParam } from '../../lib/record-list.ts';
import { authorize } from '../../policies.ts';
import { renderNote } from './activities.markdown.ts';
import { activityView } from './activities.presenter.ts';
import {
  activityCreateSchema,
  activityListQuery,
  activitySchema,
  activityUpdateSchema,
  notePreviewBodySchema,
  notePreviewSchema,
} from './activities.schema.ts';
import {
  createActivity,
  deleteActivity,
  getActivity,
  type LinkedActivity,
  restoreActivity,
  searchActivities,
  updateActivity,
} from './activities.service.ts';

const tags = ['Activities'];
const page = z
  .object({ data: z.array(activitySchema), nextCursor: z.string().nullable(), total: z.number().int() })
  .meta({ id: 'ActivityPage' });
const view = (a: LinkedActivity) => activityView(a.row, a.links);

/** Activities: notes, calls, emails and meetings logged on contacts, companies and deals. */
export function activityRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/activities',
      { schema: { tags, summary: 'List activities', querystring: activityListQuery, response: { 200: page } } },
      async (request) => {
        const q = request.query;
        const res = await readInWorkspace(deps.db, request, (ctx) =>
          searchActivities(ctx, { filterGroups: [], sort: parseSortParam(q.sort), limit: q.limit, cursor: q.cursor, q: q.q }),
        );
        return { data: res.rows.map((a) => project(view(a), q.fields)), nextCursor: res.nextCursor, total: res.total ?? 0 };
      },
    );

    app.post(
      '/activities/search',
      {
        schema: {
          tags,
          summary: 'Search activities with filter groups (OR of ANDs, incl. linked contacts, companies and deals), sort and keyset paging',
          body: recordSearchBody,
          response: { 200: page },
        },
      },
      async (request) => {
        const b = request.body;
        const res = await readInWorkspace(deps.db, request, (ctx) => searchActivities(ctx, b));
        const fields = b.fields?.join(',');
        return { data: res.rows.map((a) => project(view(a), fields)), nextCursor: res.nextCursor, total: res.total ?? 0 };
      },
    );

    app.post(
      '/activities',
      {
        schema: {
          tags,
          summary: 'Log an activity on contacts, companies and deals',
          body: activityCreateSchema,
          response: { 201: activitySchema },
        },
      },
      async (request, reply) => {
        const a = await inWorkspace(deps.db, request, (ctx) => createActivity(ctx, request.body));
        setEtag(reply, a.row.version);
        return reply.code(201).header('location', `/api/v1/activities/${a.row.id}`).send(view(a));
      },
    );

    // Rendering touches no data, so it runs outside a transaction; it is still for signed-in writers only.
    app.post(
      '/activities/preview',
      {
        schema: {
          tags,
          summary: "Render a note's Markdown as a saved note would show it (sanitised HTML), without saving anything",
          body: notePreviewBodySchema,
          response: { 200: notePreviewSchema },
        },
      },
      async (request) => {
        authorize(principalOf(request), 'records.create');
        return { bodyHtml: request.body.body.trim() ? renderNote(request.body.body) : '' };
      },
    );

    app.get(
      '/activities/:id',
      { schema: { tags, summary: 'Get an activity', params: idParams, querystring: recordGetQuery, response: { 200: activitySchema } } },
      async (request, reply) => {
        const a = await readInWorkspace(deps.db, request, (ctx) => getActivity(ctx, request.params.id));
        setEtag(reply, a.row.version);
        return project(view(a), request.query.fields);
      },
    );

    app.patch(
      '/activities/:id',
      {
        schema: {
          tags,
          summary: 'Update an activity and its links (send If-Match to refuse stale writes)',
          params: idParams,
          body: activityUpdateSchema,
          response: { 200: activitySchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const a = await inWorkspace(deps.db, request, (ctx) =>
          updateActivity(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, a.row.version);
        return view(a);
      },
    );

    app.delete(
      '/activities/:id',
      {
        schema: { tags, summary: 'Move an activity to the trash (restorable for 30 days)', params: idParams, response: { 204: z.null() } },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => deleteActivity(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/activities/:id/restore',
      { schema: { tags, summary: 'Restore an activity from the trash', params: idParams, response: { 200: activitySchema } } },
      async (request, reply) => {
        const a = await inWorkspace(deps.db, request, (ctx) => restoreActivity(ctx, request.params.id));
        setEtag(reply, a.row.version);
        return view(a);
      },
    );
  };
}
