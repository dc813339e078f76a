import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, readInWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, recordGetQuery, recordSearchBody, totalIsExactField } from '../../http/schemas.ts';
import { project } from '../../lib/projection.ts';
import { parseSortParam } from '../../lib/record-list.ts';
import { batchResultSchema, batchUpdateBody } from '../contacts/contacts.batch.ts';
import { batchCreateDealsBody, batchUpsertDealsBody, batchWriteDeals } from './deals.batch.ts';
import { stageStayView } from './deals.presenter.ts';
import type { DealRow } from './deals.repo.ts';
import { dealSchema, dealWriteSchema, listQuery, putDealContactsBody, stageStaySchema } from './deals.schema.ts';
import { createDeal, dealStageHistory, deleteDeal, getDeal, presentDeal, restoreDeal, searchDeals, updateDeal } from './deals.service.ts';
import { dealViews } from './deals.write.ts';

const tags = ['Deals'];
const page = z
  .object({ data: z.array(dealSchema), nextCursor: z.string().nullable(), total: z.number().int(), totalIsExact: totalIsExactField })
  .meta({ id: 'DealPage' });

/** Deals: the opportunities a workspace works through its pipelines to won or lost. */
export function dealRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    /** Runs a write that returns one deal, answering with its view and ETag. */
    const oneDeal = (request: FastifyRequest, write: (ctx: Ctx) => Promise<DealRow>) =>
      inWorkspace(deps.db, request, async (ctx) => {
        const row = await write(ctx);
        return { row, view: await presentDeal(ctx, row) };
      });

    app.get('/deals', { schema: { tags, summary: 'List deals', querystring: listQuery, response: { 200: page } } }, async (request) => {
      const q = request.query;
      return readInWorkspace(deps.db, request, async (ctx) => {
        const res = await searchDeals(ctx, { filterGroups: [], sort: parseSortParam(q.sort), limit: q.limit, cursor: q.cursor, q: q.q });
        const views = await dealViews(ctx, res.rows);
        return {
          data: views.map((v) => project(v, q.fields)),
          nextCursor: res.nextCursor,
          total: res.total ?? 0,
          totalIsExact: res.totalIsExact ?? true,
        };
      });
    });

    app.post(
      '/deals/search',
      {
        schema: {
          tags,
          summary: 'Search deals with filter groups (OR of ANDs, incl. contacts and company), sort and keyset paging',
          body: recordSearchBody,
          response: { 200: page },
        },
      },
      async (request) => {
        const b = request.body;
        return readInWorkspace(deps.db, request, async (ctx) => {
          const res = await searchDeals(ctx, b);
          const views = await dealViews(ctx, res.rows);
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
      '/deals',
      { schema: { tags, summary: 'Create a deal', body: dealWriteSchema, response: { 201: dealSchema } } },
      async (request, reply) => {
        const { row, view } = await oneDeal(request, (ctx) => createDeal(ctx, request.body));
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/deals/${row.id}`).send(view);
      },
    );

    const summarise = (results: Awaited<ReturnType<typeof batchWriteDeals>>['results']) => ({
      created: results.filter((r) => r.status === 'created').length,
      updated: results.filter((r) => r.status === 'updated').length,
      failed: results.filter((r) => r.status === 'error').length,
      results,
    });

    app.post(
      '/deals/batch/create',
      {
        schema: {
          tags,
          summary: 'Create up to 1,000 deals; bad items are reported and skipped',
          body: batchCreateDealsBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => {
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteDeals(ctx, { mode: 'create' }, request.body.inputs));
        return summarise(results);
      },
    );

    app.post(
      '/deals/batch/update',
      { schema: { tags, summary: 'Update up to 1,000 deals by id', body: batchUpdateBody, response: { 200: batchResultSchema } } },
      async (request) => {
        const { inputs } = request.body;
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteDeals(ctx, { mode: 'update', inputs }, inputs));
        return summarise(results);
      },
    );

    app.post(
      '/deals/batch/upsert',
      {
        schema: {
          tags,
          summary: 'Create or update up to 1,000 deals, matched by external id',
          body: batchUpsertDealsBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => {
        const { idProperty, inputs } = request.body;
        const { results } = await inWorkspace(deps.db, request, (ctx) => batchWriteDeals(ctx, { mode: 'upsert', idProperty }, inputs));
        return summarise(results);
      },
    );

    app.get(
      '/deals/:id',
      { schema: { tags, summary: 'Get a deal', params: idParams, querystring: recordGetQuery, response: { 200: dealSchema } } },
      async (request, reply) => {
        const { row, view } = await oneDeal(request, (ctx) => getDeal(ctx, request.params.id));
        setEtag(reply, row.version);
        return project(view, request.query.fields);
      },
    );

    app.patch(
      '/deals/:id',
      {
        schema: {
          tags,
          summary: 'Update a deal: fields, stage, status, contacts (send If-Match to refuse stale writes)',
          params: idParams,
          body: dealWriteSchema,
          response: { 200: dealSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const { row, view } = await oneDeal(request, (ctx) =>
          updateDeal(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, row.version);
        return view;
      },
    );

    app.delete(
      '/deals/:id',
      { schema: { tags, summary: 'Move a deal to the trash (restorable for 30 days)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => deleteDeal(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/deals/:id/restore',
      { schema: { tags, summary: 'Restore a deal from the trash', params: idParams, response: { 200: dealSchema } } },
      async (request, reply) => {
        const { row, view } = await oneDeal(request, (ctx) => restoreDeal(ctx, request.params.id));
        setEtag(reply, row.version);
        return view;
      },
    );

    app.put(
      '/deals/:id/contacts',
      {
        schema: {
          tags,
          summary: 'Replace the contacts on a deal, each with an optional role (send If-Match to refuse stale writes)',
          params: idParams,
          body: putDealContactsBody,
          response: { 200: dealSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const { row, view } = await oneDeal(request, (ctx) =>
          updateDeal(ctx, { id: request.params.id, patch: { contacts: request.body.contacts }, expectedVersion }),
        );
        setEtag(reply, row.version);
        return view;
      },
    );

    app.get(
      '/deals/:id/stage-history',
      {
        schema: {
          tags,
          summary: 'Every stay of a deal in a stage, oldest first, with the time spent there',
          params: idParams,
          response: { 200: z.object({ data: z.array(stageStaySchema) }) },
        },
      },
      async (request) => {
        const rows = await readInWorkspace(deps.db, request, (ctx) => dealStageHistory(ctx, request.params.id));
        return { data: rows.map(stageStayView) };
      },
    );
  };
}
