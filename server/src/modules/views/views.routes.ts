import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { AppError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import type { ViewRow } from './views.repo.ts';
import { viewCreateSchema, viewListQuery, viewSchema, viewUpdateSchema } from './views.schema.ts';
import { changeView, createView, getView, listViews, removeView } from './views.service.ts';

const tags = ['Saved views'];

/** The id a views cursor carries; a tampered one is a 400. */
function cursorId(cursor: string): string {
  const [id] = decodeCursor(cursor, 1);
  if (typeof id === 'string' && isUuid(id)) return id;
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

function viewOf(r: ViewRow) {
  return {
    id: r.id,
    objectType: r.object_type,
    name: r.name,
    filterGroups: r.filter_groups,
    sort: r.sort,
    columns: r.columns,
    visibility: r.visibility,
    ownerId: r.owner_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Saved views: filters, sort and columns of a list, private or shared with the workspace. */
export function viewRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/views',
      {
        schema: {
          tags,
          summary: 'Your views and those shared with the workspace',
          querystring: viewListQuery,
          response: { 200: z.object({ data: z.array(viewSchema), nextCursor: z.string().nullable() }).meta({ id: 'SavedViewPage' }) },
        },
      },
      async (request) => {
        const q = request.query;
        const after = q.cursor ? cursorId(q.cursor) : undefined;
        const rows = await inWorkspace(deps.db, request, (ctx) => listViews(ctx, { objectType: q.objectType, limit: q.limit + 1, after }));
        const page = toPage(rows, q.limit, (r) => [r.id]);
        return { data: page.data.map(viewOf), nextCursor: page.nextCursor };
      },
    );

    app.post(
      '/views',
      { schema: { tags, summary: 'Save a view', body: viewCreateSchema, response: { 201: viewSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => createView(ctx, request.body));
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/views/${row.id}`).send(viewOf(row));
      },
    );

    app.get(
      '/views/:id',
      { schema: { tags, summary: 'Get a view', params: idParams, response: { 200: viewSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => getView(ctx, request.params.id));
        setEtag(reply, row.version);
        return viewOf(row);
      },
    );

    app.patch(
      '/views/:id',
      {
        schema: {
          tags,
          summary: 'Change a view (yours; a shared one of someone else needs an admin)',
          params: idParams,
          body: viewUpdateSchema,
          response: { 200: viewSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const row = await inWorkspace(deps.db, request, (ctx) =>
          changeView(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, row.version);
        return viewOf(row);
      },
    );

    app.delete(
      '/views/:id',
      { schema: { tags, summary: 'Delete a view', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, (ctx) => removeView(ctx, request.params.id));
        return reply.code(204).send(null);
      },
    );
  };
}
