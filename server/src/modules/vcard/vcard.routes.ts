import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { vcardFileName } from './vcard.format.ts';
import { vcardExportBody, vcardImportReportSchema, vcardMediaTypes, vcardResponse } from './vcard.schema.ts';
import { type ExportSelection, exportContactsVcards, exportContactVcard, importVcards } from './vcard.service.ts';

const tags = ['Contacts'];
const VCARD_TYPE = 'text/vcard; charset=utf-8';
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

/** Content-Disposition for a download, with an ASCII fallback and the UTF-8 name (RFC 6266). */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** vCard export (one contact or many) and .vcf import. */
export function vcardRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // An upload arrives as raw bytes; they travel to the handler as a Latin-1 string (one
    // character per byte, lossless) so the body can be declared and validated like any other.
    app.addContentTypeParser(vcardMediaTypes, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, (body as Buffer).toString('latin1'));
    });

    app.get(
      '/contacts/:id/vcard',
      { schema: { tags, summary: 'Download a contact as a vCard 4.0', params: idParams, response: { 200: vcardResponse } } },
      async (request, reply) => {
        const { vcard, contact } = await inWorkspace(deps.db, request, (ctx) => exportContactVcard(ctx, request.params.id));
        return reply
          .type(VCARD_TYPE)
          .header('content-disposition', attachment(vcardFileName(contact)))
          .send(vcard);
      },
    );

    app.post(
      '/contacts/vcard',
      {
        schema: {
          tags,
          summary: 'Download many contacts as one vCard 4.0 file (by ids, or by filter up to 10,000)',
          body: vcardExportBody,
          response: { 200: vcardResponse },
        },
      },
      async (request, reply) => {
        const { ids, filterGroups, sort, q } = request.body;
        if (ids && (filterGroups || q)) {
          throw new AppError('validation_failed', 'Name contacts by ids or by a filter, not both', [
            { field: 'body.ids', message: 'Not allowed with filterGroups or q' },
          ]);
        }
        const selection: ExportSelection = ids ? { ids } : { filterGroups: filterGroups ?? [], sort, q };
        const { vcards, count } = await inWorkspace(deps.db, request, (ctx) => exportContactsVcards(ctx, selection));
        return reply
          .type(VCARD_TYPE)
          .header('content-disposition', attachment('contacts.vcf'))
          .header('x-total-count', String(count))
          .send(vcards);
      },
    );

    app.post(
      '/contacts/vcard/import',
      {
        // Address books exported with photos are larger than the API's usual body limit.
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import a .vcf file (vCard 2.1, 3.0 or 4.0): creates contacts, or updates them by email',
          description:
            'Send the file as the body with Content-Type text/vcard. Cards with an email update the contact that has it, or create one; others create a contact. The report lists every card and what of it was skipped.',
          consumes: vcardMediaTypes,
          body: z.string().describe('The .vcf file'),
          response: { 200: vcardImportReportSchema },
        },
      },
      async (request) => {
        const bytes = Buffer.from(request.body, 'latin1');
        return inWorkspace(deps.db, request, (ctx) => importVcards(ctx, bytes));
      },
    );
  };
}
