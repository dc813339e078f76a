import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { bulkJobSchema, createBulkJobBody } from './bulk-jobs.schema.ts';
import { createBulkJob, getBulkJob, listBulkJobs, presentBulkJob } from './bulk-jobs.service.ts';

const tags = ['Bulk jobs'];

/** Bulk update and delete by filter, run in the background with progress. */
export function bulkJobRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/bulk-jobs',
      {
        schema: {
          tags,
          summary: 'Update or delete every record matching a filter, as a background job',
          body: createBulkJobBody,
          response: { 202: bulkJobSchema },
        },
      },
      async (request, reply) => {
        const job = await inWorkspace(deps.db, request, (ctx) => createBulkJob(ctx, deps.queue, request.body));
        return reply.code(202).header('location', `/api/v1/bulk-jobs/${job.id}`).send(presentBulkJob(job));
      },
    );

    app.get(
      '/bulk-jobs',
      {
        schema: {
          tags,
          summary: 'Recent bulk jobs',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
          response: { 200: z.object({ data: z.array(bulkJobSchema) }) },
        },
      },
      async (request) => ({
        data: (await inWorkspace(deps.db, request, (ctx) => listBulkJobs(ctx, request.query.limit))).map(presentBulkJob),
      }),
    );

    app.get(
      '/bulk-jobs/:id',
      { schema: { tags, summary: 'A bulk job and its progress', params: idParams, response: { 200: bulkJobSchema } } },
      async (request) => presentBulkJob(await inWorkspace(deps.db, request, (ctx) => getBulkJob(ctx, request.params.id))),
    );
  };
}
