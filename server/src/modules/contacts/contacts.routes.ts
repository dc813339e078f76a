import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, readInWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, recordGetQuery, recordSearchBody, totalIsExactField } from '../../http/schemas.ts';
import { project } from '../../lib/projection.ts';
import { parseSortParam } from '../../lib/record-list.ts';
import { batchCreateBody, batchResultSchema, batchUpdateBody, batchUpsertBody, batchWriteContacts } from './contacts.batch.ts';
import { contactSchema, contactWriteSchema, listQuery } from './contacts.schema.ts';
import {
  createContact,
  deleteContact,
  getContact,
  presentContact,
  restoreContact,
  searchContacts,
  updateContact,
} from './contacts.service.ts';
import { contactViews } from './contacts.write.ts';

const tags = ['Contacts'];
const page = z
  .object({ data: z.array(contactSchema), nextCursor: z.string().nullable(), total: z.number().int(), totalIsExact: totalIsExactField })
  .meta({ id: 'ContactPage' });

/** Contacts: the people a workspace sells to. */
export function contactRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/contacts',
      { schema: { tags, summary: 'List contacts', querystring: listQuery, response: { 200: page } } },
      async (request) => {
        const q = request.query;
        return readInWorkspace(deps.db, request, async (ctx) => {
          const res = await searchContacts(ctx, {
            filterGroups: [],
            sort: parseSortParam(q.sort),
            limit: q.limit,
            cursor: q.cursor,
            q: q.q,
          });
          const views = await contactViews(ctx, res.rows);
          return {
            data: views.map((v) => project(v, q.fields)),
            nextCursor: res.nextCursor,
            total: res.total ?? 0,
            totalIsExact: res.totalIsExact ?? true,
          };
        });
      },
    );

    app.post(
      '/contacts/search',
      {
        schema: {
          tags,
          summary: 'Search contacts with filter groups (OR of ANDs), sort and keyset paging',
          body: recordSearchBody,
          response: { 200: page },
        },
      },
      async (request) => {
        const b = request.body;
        return readInWorkspace(deps.db, request, async (ctx) => {
          const res = await searchContacts(ctx, b);
          const views = await contactViews(ctx, res.rows);
          const fields = b.fields?.join(',');
          return {
            data: views.map((v) => project(v, fields)),
            nextCursor: res.nextCursor,
            total: res.total ?? 0,
            totalIsExact: res.totalIsExact ?? true,
          };
        });
      },
    );

    app.post(
      '/contacts',
      { schema: { tags, summary: 'Create a contact', body: contactWriteSchema, response: { 201: contactSchema } } },
      async (request, reply) => {
        const { row, view } = await inWorkspace(deps.db, request, async (ctx) => {
          const row = await createContact(ctx, request.body);
          return { row, view: await presentContact(ctx, row) };
        });
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/contacts/${row.id}`).send(view);
      },
    );

    const summarise = (results: Awaited<ReturnType<typeof batchWriteContacts>>['results']) => ({
      created: results.filter((r) => r.status === 'created').length,
      updated: results.filter((r) => r.status === 'updated').length,
      failed: results.filter((r) => r.status === 'error').length,
      results,
    });

    app.post(
      '/contacts/batch/create',
      {
        schema: {
          tags,
          summary: 'Create up to 1,000 contacts; bad items are reported and skipped',
          body: batchCreateBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => {
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteContacts(ctx, { mode: 'create' }, request.body.inputs));
        return summarise(results);
      },
    );

    app.post(
      '/contacts/batch/update',
      { schema: { tags, summary: 'Update up to 1,000 contacts by id', body: batchUpdateBody, response: { 200: batchResultSchema } } },
      async (request) => {
        const { inputs } = request.body;
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteContacts(ctx, { mode: 'update', inputs }, inputs));
        return summarise(results);
      },
    );

    app.post(
      '/contacts/batch/upsert',
      {
        schema: {
          tags,
          summary: 'Create or update up to 1,000 contacts, matched by email or external id',
          body: batchUpsertBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => {
        const { idProperty, inputs } = request.body;
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteContacts(ctx, { mode: 'upsert', idProperty }, inputs));
        return summarise(results);
      },
    );

    app.get(
      '/contacts/:id',
      {
        schema: {
          tags,
          summary: 'Get a contact (301 to the survivor if it was merged)',
          params: idParams,
          querystring: recordGetQuery,
          response: { 200: contactSchema },
        },
      },
      async (request, reply) => {
        const { row, view } = await readInWorkspace(deps.db, request, async (ctx) => {
          const row = await getContact(ctx, request.params.id);
          return { row, view: await presentContact(ctx, row) };
        });
        setEtag(reply, row.version);
        return project(view, request.query.fields);
      },
    );

    app.patch(
      '/contacts/:id',
      {
        schema: {
          tags,
          summary: 'Update a contact (send If-Match to refuse stale writes)',
          params: idParams,
          body: contactWriteSchema,
          response: { 200: contactSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const { row, view } = await inWorkspace(deps.db, request, async (ctx) => {
          const row = await updateContact(ctx, { id: request.params.id, patch: request.body, expectedVersion });
          return { row, view: await presentContact(ctx, row) };
        });
        setEtag(reply, row.version);
        return view;
      },
    );

    app.delete(
      '/contacts/:id',
      { schema: { tags, summary: 'Move a contact to the trash (restorable for 30 days)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => deleteContact(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/contacts/:id/restore',
      { schema: { tags, summary: 'Restore a contact from the trash', params: idParams, response: { 200: contactSchema } } },
      async (request, reply) => {
        const { row, view } = await inWorkspace(deps.db, request, async (ctx) => {
          const row = await restoreContact(ctx, request.params.id);
          return { row, view: await presentContact(ctx, row) };
        });
        setEtag(reply, row.version);
        return view;
      },
    );
  };
}
