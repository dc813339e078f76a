import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { demoDataResultSchema } from './demo.schema.ts';
import { loadDemoData } from './demo.service.ts';

const tags = ['Demo data'];

/** Demo data: one call fills an empty workspace with a realistic sample to explore. */
export function demoRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/demo-data',
      {
        schema: {
          tags,
          summary: 'Fill an empty workspace with sample companies, contacts, deals, activities and tasks (admins and owners)',
          response: { 201: demoDataResultSchema },
        },
      },
      async (request, reply) => {
        const counts = await inWorkspace(deps.db, request, (ctx) => loadDemoData(ctx));
        return reply.code(201).send(counts);
      },
    );
  };
}
