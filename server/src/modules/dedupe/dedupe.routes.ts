import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Deps } from '../../deps.ts';
import { inWorkspace, setEtag } from '../../http/route-kit.ts';
import { pageQuery } from '../../http/schemas.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { AppError } from '../../lib/errors.ts';
import { isUuid, uuid } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { companyView } from '../companies/companies.presenter.ts';
import { companySchema } from '../companies/companies.schema.ts';
import { contactSchema } from '../contacts/contacts.schema.ts';
import { presentContact } from '../contacts/contacts.service.ts';
import { mergeCompanies } from './companies-merge.ts';
import { mergeContacts } from './contacts-merge.ts';
import {
  companyDuplicatePairs,
  contactDuplicatePairs,
  type DuplicatePairRow,
  type RecordSummary,
  recordSummaries,
} from './duplicates.repo.ts';
import { mergeBody } from './merge-choices.ts';

const duplicateReason = z.enum(['same_email', 'same_phone', 'similar_name_same_company', 'same_domain', 'same_name', 'similar_name']);
const relatedCounts = z
  .object({
    deals: z.number().int(),
    activities: z.number().int(),
    tasks: z.number().int(),
    people: z.number().int().describe("A company's contacts; 0 for a contact"),
  })
  .describe('Live records pointing at this one; a merge moves them to the survivor');
const summarySchema = z
  .object({
    id: uuid(),
    name: z.string(),
    email: z.string().nullable(),
    domain: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable().describe("A contact's primary company; null for a company"),
    createdAt: z.iso.datetime(),
    related: relatedCounts,
  })
  .meta({ id: 'DuplicateRecord' });
const pairSchema = z
  .object({ a: summarySchema, b: summarySchema, reasons: z.array(duplicateReason) })
  .meta({ id: 'DuplicatePair', description: 'Two records that may be the same, and why; a < b' });
const duplicatesQuery = pageQuery.extend({
  recordId: uuid().optional().describe('Only the pairs this record is part of (a record page linking to its duplicates)'),
});
const pairPage = z.object({ data: z.array(pairSchema), nextCursor: z.string().nullable() }).meta({ id: 'DuplicatePairPage' });

/** The (a, b) position a duplicates cursor carries; a tampered one is a 400. */
function afterPair(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  const [a, b] = decodeCursor(cursor, 2);
  if (typeof a === 'string' && typeof b === 'string' && isUuid(a) && isUuid(b)) return [a, b];
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

async function duplicatesPage(
  ctx: Ctx,
  type: 'contact' | 'company',
  query: z.infer<typeof duplicatesQuery>,
): Promise<{ data: z.infer<typeof pairSchema>[]; nextCursor: string | null }> {
  authorize(ctx, 'records.read');
  const find = type === 'contact' ? contactDuplicatePairs : companyDuplicatePairs;
  const rows = await find(ctx.tx, ctx.workspaceId, {
    limit: query.limit + 1,
    after: afterPair(query.cursor),
    ...(query.recordId ? { recordId: query.recordId } : {}),
  });
  const page = toPage(rows, query.limit, (r) => [r.a, r.b]);
  const summaries = await recordSummaries(ctx.tx, ctx.workspaceId, type, [...new Set(page.data.flatMap((p) => [p.a, p.b]))]);
  const present = (id: string) => {
    const { createdAt, ...rest } = summaries.get(id) as RecordSummary;
    return { ...rest, createdAt: createdAt.toISOString() };
  };
  const pair = (p: DuplicatePairRow) => ({
    a: present(p.a),
    b: present(p.b),
    reasons: p.reasons as z.infer<typeof duplicateReason>[],
  });
  return { data: page.data.map(pair), nextCursor: page.nextCursor };
}

/** Duplicate review and merging of contacts and companies. */
export function dedupeRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/contacts/duplicates',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Candidate duplicate contacts: the same email, the same phone, or similar names at the same company',
          querystring: duplicatesQuery,
          response: { 200: pairPage },
        },
      },
      async (request) => inWorkspace(deps.db, request, (ctx) => duplicatesPage(ctx, 'contact', request.query)),
    );

    app.get(
      '/companies/duplicates',
      {
        schema: {
          tags: ['Companies'],
          summary: 'Candidate duplicate companies: related domains, the same phone, the same or similar names',
          querystring: duplicatesQuery,
          response: { 200: pairPage },
        },
      },
      async (request) => inWorkspace(deps.db, request, (ctx) => duplicatesPage(ctx, 'company', request.query)),
    );

    app.post(
      '/contacts/merge',
      {
        schema: {
          tags: ['Contacts'],
          summary: 'Merge one contact into another, choosing field by field which value wins',
          body: mergeBody,
          response: { 200: contactSchema },
        },
      },
      async (request, reply) => {
        const view = await inWorkspace(deps.db, request, async (ctx) => presentContact(ctx, await mergeContacts(ctx, request.body)));
        return reply.header('location', `/api/v1/contacts/${view.id}`).send(view);
      },
    );

    app.post(
      '/companies/merge',
      {
        schema: {
          tags: ['Companies'],
          summary: 'Merge one company into another, choosing field by field which value wins',
          body: mergeBody,
          response: { 200: companySchema },
        },
      },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => mergeCompanies(ctx, request.body));
        setEtag(reply, row.version);
        return reply.header('location', `/api/v1/companies/${row.id}`).send(companyView(row));
      },
    );
  };
}
