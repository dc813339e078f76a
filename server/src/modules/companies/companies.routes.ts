import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, readInWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, pageQuery, recordGetQuery, recordSearchBody, totalIsExactField } from '../../http/schemas.ts';
import { summariseBatch } from '../../lib/batch.ts';
import { project } from '../../lib/projection.ts';
import { parseSortParam } from '../../lib/record-list.ts';
import { batchResultSchema } from '../contacts/contacts.batch.ts';
import {
  batchCreateCompanies,
  batchUpdateCompanies,
  batchUpsertCompanies,
  companyBatchCreateBody,
  companyBatchUpdateBody,
  companyBatchUpsertBody,
} from './companies.batch.ts';
import { companyContactView, companyDealView, companyView } from './companies.presenter.ts';
import {
  companyContactSchema,
  companyDealSchema,
  companyDealsQuery,
  companySchema,
  companyWriteSchema,
  listQuery,
} from './companies.schema.ts';
import {
  createCompany,
  deleteCompany,
  getCompany,
  listCompanyContacts,
  listCompanyDeals,
  restoreCompany,
  searchCompanies,
  updateCompany,
} from './companies.service.ts';

const tags = ['Companies'];
const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable(), total: z.number().int() }).meta({ id });
const page = z
  .object({ data: z.array(companySchema), nextCursor: z.string().nullable(), total: z.number().int(), totalIsExact: totalIsExactField })
  .meta({ id: 'CompanyPage' });

/** Companies: the organisations a workspace's contacts work at and its deals are with. */
export function companyRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/companies',
      { schema: { tags, summary: 'List companies', querystring: listQuery, response: { 200: page } } },
      async (request) => {
        const q = request.query;
        const res = await readInWorkspace(deps.db, request, (ctx) =>
          searchCompanies(ctx, { filterGroups: [], sort: parseSortParam(q.sort), limit: q.limit, cursor: q.cursor, q: q.q }),
        );
        return {
          data: res.rows.map((r) => project(companyView(r), q.fields)),
          nextCursor: res.nextCursor,
          total: res.total ?? 0,
          totalIsExact: res.totalIsExact ?? true,
        };
      },
    );

    app.post(
      '/companies/search',
      {
        schema: {
          tags,
          summary: 'Search companies with filter groups (OR of ANDs, incl. contacts and deals), sort and keyset paging',
          body: recordSearchBody,
          response: { 200: page },
        },
      },
      async (request) => {
        const b = request.body;
        const res = await readInWorkspace(deps.db, request, (ctx) => searchCompanies(ctx, b));
        const fields = b.fields?.join(',');
        return {
          data: res.rows.map((r) => project(companyView(r), fields)),
          nextCursor: res.nextCursor,
          total: res.total ?? 0,
          totalIsExact: res.totalIsExact ?? true,
        };
      },
    );

    app.post(
      '/companies',
      { schema: { tags, summary: 'Create a company', body: companyWriteSchema, response: { 201: companySchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => createCompany(ctx, request.body));
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/companies/${row.id}`).send(companyView(row));
      },
    );

    app.post(
      '/companies/batch/create',
      {
        schema: {
          tags,
          summary: 'Create up to 1,000 companies; bad items are reported and skipped',
          body: companyBatchCreateBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) => summariseBatch(await inWorkspace(deps.db, request, (ctx) => batchCreateCompanies(ctx, request.body.inputs))),
    );

    app.post(
      '/companies/batch/update',
      {
        schema: { tags, summary: 'Update up to 1,000 companies by id', body: companyBatchUpdateBody, response: { 200: batchResultSchema } },
      },
      async (request) => summariseBatch(await inWorkspace(deps.db, request, (ctx) => batchUpdateCompanies(ctx, request.body.inputs))),
    );

    app.post(
      '/companies/batch/upsert',
      {
        schema: {
          tags,
          summary: 'Create or update up to 1,000 companies, matched by domain or external id',
          body: companyBatchUpsertBody,
          response: { 200: batchResultSchema },
        },
      },
      async (request) =>
        summariseBatch(
          await inWorkspace(deps.db, request, (ctx) => batchUpsertCompanies(ctx, request.body.idProperty, request.body.inputs)),
        ),
    );

    app.get(
      '/companies/:id',
      {
        schema: {
          tags,
          summary: 'Get a company (301 to the survivor if it was merged)',
          params: idParams,
          querystring: recordGetQuery,
          response: { 200: companySchema },
        },
      },
      async (request, reply) => {
        const row = await readInWorkspace(deps.db, request, (ctx) => getCompany(ctx, request.params.id));
        setEtag(reply, row.version);
        return project(companyView(row), request.query.fields);
      },
    );

    app.patch(
      '/companies/:id',
      {
        schema: {
          tags,
          summary: 'Update a company (send If-Match to refuse stale writes)',
          params: idParams,
          body: companyWriteSchema,
          response: { 200: companySchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const row = await inWorkspace(deps.db, request, (ctx) =>
          updateCompany(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, row.version);
        return companyView(row);
      },
    );

    app.delete(
      '/companies/:id',
      { schema: { tags, summary: 'Move a company to the trash (restorable for 30 days)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => deleteCompany(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/companies/:id/restore',
      { schema: { tags, summary: 'Restore a company from the trash', params: idParams, response: { 200: companySchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => restoreCompany(ctx, request.params.id));
        setEtag(reply, row.version);
        return companyView(row);
      },
    );

    app.get(
      '/companies/:id/contacts',
      {
        schema: {
          tags,
          summary: "A company's contacts, with their title and role there",
          params: idParams,
          querystring: pageQuery,
          response: { 200: pageOf(companyContactSchema, 'CompanyContactPage') },
        },
      },
      async (request) => {
        const res = await readInWorkspace(deps.db, request, (ctx) =>
          listCompanyContacts(ctx, { companyId: request.params.id, ...request.query }),
        );
        return { data: res.rows.map(companyContactView), nextCursor: res.nextCursor, total: res.total };
      },
    );

    app.get(
      '/companies/:id/deals',
      {
        schema: {
          tags,
          summary: "A company's deals",
          params: idParams,
          querystring: companyDealsQuery,
          response: { 200: pageOf(companyDealSchema, 'CompanyDealPage') },
        },
      },
      async (request) => {
        const res = await readInWorkspace(deps.db, request, (ctx) =>
          listCompanyDeals(ctx, { companyId: request.params.id, ...request.query }),
        );
        return { data: res.rows.map(companyDealView), nextCursor: res.nextCursor, total: res.total };
      },
    );
  };
}
