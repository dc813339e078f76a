import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { attachment } from '../../http/content-disposition.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { vcardFileName } from './vcard.format.ts';
import { vcardExportBody, vcardImportReportSchema, vcardMediaTypes, vcardResponse } from './vcard.schema.ts';
import { type ExportSelection, exportContactsVcards, exportContactVcard, importVcards } from './vcard.service.ts';

const tags = ['Contacts'];
const VCARD_TYPE = 'text/vcard; charset=utf-8';
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

/**
 * The .vcf of a multipart upload (a browser form, `curl -F file=@contacts.vcf`): the bytes of its
 * `file` part, whatever else the form holds. Read whole: a file is at most IMPORT_BODY_LIMIT.
 */
async function uploadedFile(request: FastifyRequest): Promise<Buffer> {
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file' && part.fieldname === 'file') return await part.toBuffer();
      if (part.type === 'file') part.file.resume();
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('payload_too_large', `The file is larger than ${IMPORT_BODY_LIMIT / 1024 / 1024} MB`, [
        { field: 'body.file', message: `At most ${IMPORT_BODY_LIMIT} bytes; split the file`, code: 'file_too_large' },
      ]);
    }
    throw err;
  }
  throw new AppError('validation_failed', 'No file was sent', [
    { field: 'body.file', message: 'Send the .vcf as the `file` part', code: 'missing_file' },
  ]);
}

/** vCard export (one contact or many) and .vcf import. */
export function vcardRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // An upload arrives as raw bytes; they travel to the handler as a Latin-1 string (one
    // character per byte, lossless) so the body can be declared and validated like any other.
    app.addContentTypeParser(vcardMediaTypes, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, (body as Buffer).toString('latin1'));
    });
    // Or as multipart/form-data, which the handler reads part by part.
    await app.register(multipart, { limits: { fileSize: IMPORT_BODY_LIMIT, files: 3, fields: 10, fieldSize: 1000 } });

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
            'Send the file as the body with Content-Type text/vcard, or as the `file` part of multipart/form-data (a browser upload, `curl -F file=@contacts.vcf`); up to 32 MB. Cards with an email update the contact that has it, or create one; others create a contact. The report lists every card and what of it was skipped. A multipart body without a `file` part is a 400 (`missing_file`), a larger file a 413, a file without a vCard a 400 (`not_vcard`); none writes anything.',
          consumes: [...vcardMediaTypes, 'multipart/form-data'],
          // A multipart body is read by the handler, part by part; the parser leaves the body null.
          body: z
            .string()
            .nullish()
            .describe('The .vcf file itself; as multipart/form-data, the body is read as parts and the file is the `file` part'),
          response: { 200: vcardImportReportSchema },
        },
      },
      async (request) => {
        const multipartUpload = request.isMultipart();
        if (!multipartUpload && typeof request.body !== 'string') {
          throw new AppError(
            'unsupported_media_type',
            'Send the .vcf as the body (Content-Type: text/vcard) or as the `file` part of a form',
          );
        }
        const bytes = multipartUpload ? await uploadedFile(request) : Buffer.from(request.body ?? '', 'latin1');
        const field = multipartUpload ? 'body.file' : 'body';
        return inWorkspace(deps.db, request, (ctx) => importVcards(ctx, bytes, field));
      },
    );
  };
}
