import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { uuid } from '../../lib/ids.ts';
import { globalSearch, searchTypes } from './search.service.ts';

const searchQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('Names, emails, phones, domains, word prefixes, or a question like "Sarah\'s last call with Acme"'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    types: z
      .string()
      .regex(
        /^(contact|company|deal|activity)(,(contact|company|deal|activity))*$/,
        'A comma-separated list of contact, company, deal, activity',
      )
      .optional()
      .describe('Only these types, e.g. contact,company'),
  })
  .strict();

const hitSchema = z
  .object({
    type: z.enum(searchTypes),
    id: uuid(),
    title: z.string(),
    snippet: z.string().nullable().describe('A few words of context: email and company, domain, stage and amount, or the matching text'),
    score: z.number(),
    occurredAt: z.iso.datetime().nullable().describe('For activities: when it happened'),
    activityKind: z.string().nullable(),
    links: z.array(z.object({ type: z.string(), id: uuid(), name: z.string() })).describe('For activities: the records it is linked to'),
  })
  .meta({ id: 'SearchHit' });

const resultSchema = z
  .object({
    data: z.array(hitSchema),
    query: z.object({
      terms: z.array(z.string()),
      kinds: z.array(z.string()),
      newestFirst: z.boolean(),
    }),
  })
  .meta({ id: 'SearchResult' });

/** The global search across contacts, companies, deals and activities. */
export function searchRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/search',
      {
        schema: {
          tags: ['Search'],
          summary: 'Search contacts, companies, deals and activity text in one ranked list',
          querystring: searchQuery,
          response: { 200: resultSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const types = q.types ? ([...new Set(q.types.split(','))] as (typeof searchTypes)[number][]) : undefined;
        const res = await inWorkspace(deps.db, request, (ctx) => globalSearch(ctx, { q: q.q, limit: q.limit, types }));
        return { data: res.hits, query: { terms: res.parsed.terms, kinds: res.parsed.kinds, newestFirst: res.parsed.newestFirst } };
      },
    );
  };
}
