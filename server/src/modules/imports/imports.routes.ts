import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { attachment } from '../../http/content-disposition.ts';
import { ifMatchVersion, inWorkspace, principalOf, setEtag } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { uuid } from '../../lib/ids.ts';
import { dryRunImport, engineFor, errorsCsv } from './imports.dry-run.ts';
import { batchSizeFor } from './imports.job.ts';
import { presentTemplate } from './imports.presenter.ts';
import {
  createImportFieldBody,
  createTemplateBody,
  dryRunSchema,
  type ImportObject,
  importFieldSchema,
  importObjects,
  importSchema,
  importTemplateSchema,
  patchImportBody,
  saveTemplateBody,
} from './imports.schema.ts';
import {
  cancelImport,
  createFieldFromColumn,
  createTemplate,
  deleteTemplate,
  getImport,
  getTemplates,
  listImports,
  revertImport,
  saveTemplateFromImport,
  startImport,
  updateImport,
  viewImport,
} from './imports.service.ts';
import { uploadImport } from './imports.upload.ts';

const tags = ['Imports'];
/** The largest file an import accepts. */
const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** Reads the multipart upload: text parts first, then the file, streamed straight to the database. */
async function receiveUpload(deps: Deps, request: FastifyRequest) {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data with `object` and `file` parts');
  }
  const p = principalOf(request);
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== 'file') {
      part.file.resume();
      continue;
    }
    const object = fields.object;
    if (!object || !(importObjects as readonly string[]).includes(object)) {
      part.file.resume();
      throw new AppError('validation_failed', 'Say what the file holds before the file part', [
        { field: 'body.object', message: `Expected one of: ${importObjects.join(', ')}, sent before the file`, code: 'invalid_object' },
      ]);
    }
    engineFor(object);
    const templateId = fields.templateId || undefined;
    if (templateId && !uuid().safeParse(templateId).success) {
      part.file.resume();
      throw new AppError('validation_failed', 'templateId is not an id', [{ field: 'body.templateId', message: 'Not a valid id' }]);
    }
    const row = await uploadImport(
      deps.db,
      { workspaceId: p.workspaceId, actor: p.actor, role: p.role, requestId: String(request.id) },
      { object: object as ImportObject, templateId, fileName: part.filename || 'import.csv', file: part.file },
    );
    if (part.file.truncated) throw new AppError('payload_too_large', `The file is larger than ${MAX_FILE_BYTES} bytes`);
    return row;
  }
  throw new AppError('validation_failed', 'No file was sent', [
    { field: 'body.file', message: 'Send the CSV as the `file` part', code: 'missing_file' },
  ]);
}

/** CSV import: upload, map, dry run, run as a checkpointed job, cancel, revert; mapping templates. */
export function importRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10, fieldSize: 1000 } });

    app.post(
      '/imports',
      {
        schema: {
          tags,
          summary: 'Upload a CSV file to import (multipart: object, then file)',
          description:
            'Streams the file into the database, detects its encoding (BOM, UTF-16, UTF-8 or windows-1252) and delimiter, reads the header and first rows and suggests a mapping (or applies `templateId`). The import starts as a draft.',
          consumes: ['multipart/form-data'],
          response: { 201: importSchema },
        },
        // The file is streamed, not parsed into a body; the per-route limit is the multipart one.
        bodyLimit: MAX_FILE_BYTES,
      },
      async (request, reply) => {
        const row = await receiveUpload(deps, request);
        const view = await inWorkspace(deps.db, request, (ctx) => viewImport(ctx, row));
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/imports/${row.id}`).send(view);
      },
    );

    app.get(
      '/imports',
      {
        schema: {
          tags,
          summary: 'Imports, newest first',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: uuid().optional() }).strict(),
          response: { 200: z.object({ data: z.array(importSchema), nextCursor: z.string().nullable() }) },
        },
      },
      async (request) =>
        inWorkspace(deps.db, request, async (ctx) => {
          const page = await listImports(ctx, request.query.limit, request.query.cursor);
          return { data: await Promise.all(page.rows.map((r) => viewImport(ctx, r))), nextCursor: page.nextCursor };
        }),
    );

    app.get(
      '/imports/:id',
      {
        schema: {
          tags,
          summary: 'An import and its live progress (poll about once a second)',
          params: idParams,
          response: { 200: importSchema },
        },
      },
      async (request, reply) => {
        const view = await inWorkspace(deps.db, request, async (ctx) => viewImport(ctx, await getImport(ctx, request.params.id)));
        setEtag(reply, view.version);
        return view;
      },
    );

    app.patch(
      '/imports/:id',
      {
        schema: {
          tags,
          summary: 'Change a draft: mapping, upsert key, date format, encoding or delimiter',
          params: idParams,
          body: patchImportBody,
          response: { 200: importSchema },
        },
      },
      async (request, reply) => {
        const view = await inWorkspace(deps.db, request, async (ctx) =>
          viewImport(ctx, await updateImport(ctx, request.params.id, request.body, ifMatchVersion(request))),
        );
        setEtag(reply, view.version);
        return view;
      },
    );

    app.post(
      '/imports/:id/dry-run',
      {
        schema: {
          tags,
          summary: 'Plan every row without writing: the first 20 as they would be stored, counts by action and errors by kind',
          params: idParams,
          response: { 200: dryRunSchema },
        },
      },
      async (request) => inWorkspace(deps.db, request, (ctx) => dryRunImport(ctx, request.params.id, batchSizeFor(deps.db))),
    );

    app.post(
      '/imports/:id/fields',
      {
        schema: {
          tags,
          summary: 'Create a custom field from an unmapped column and map the column to it',
          params: idParams,
          body: createImportFieldBody,
          response: { 201: z.object({ field: importFieldSchema, import: importSchema }) },
        },
      },
      async (request, reply) => {
        const out = await inWorkspace(deps.db, request, async (ctx) => {
          const { field, row } = await createFieldFromColumn(ctx, request.params.id, request.body);
          return { field, import: await viewImport(ctx, row) };
        });
        return reply.code(201).send(out);
      },
    );

    app.post(
      '/imports/:id/start',
      { schema: { tags, summary: 'Start a draft import as a background job', params: idParams, response: { 202: importSchema } } },
      async (request, reply) =>
        reply
          .code(202)
          .send(await inWorkspace(deps.db, request, async (ctx) => viewImport(ctx, await startImport(ctx, deps.queue, request.params.id)))),
    );

    app.post(
      '/imports/:id/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel an import; rows already written stay until it is reverted',
          params: idParams,
          response: { 200: importSchema },
        },
      },
      async (request) => inWorkspace(deps.db, request, async (ctx) => viewImport(ctx, await cancelImport(ctx, request.params.id))),
    );

    app.post(
      '/imports/:id/revert',
      {
        schema: {
          tags,
          summary: 'Revert an import: records it created go to the trash, fields it changed are restored',
          params: idParams,
          response: { 202: importSchema },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            await inWorkspace(deps.db, request, async (ctx) => viewImport(ctx, await revertImport(ctx, deps.queue, request.params.id))),
          ),
    );

    app.get(
      '/imports/:id/errors.csv',
      {
        schema: {
          tags,
          summary: 'The bad rows with their original columns plus `row` and `error`',
          params: idParams,
          response: { 200: { description: 'CSV (RFC 4180, UTF-8), streamed', content: { 'text/csv': { schema: z.any() } } } },
        },
      },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => getImport(ctx, request.params.id));
        const base = row.file_name.replace(/\.[^.]*$/, '') || 'import';
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachment(`${base}-errors.csv`))
          .send(Readable.from(errorsCsv(deps.db, row.workspace_id, row.id, row.headers)));
      },
    );

    app.post(
      '/imports/:id/template',
      {
        schema: {
          tags,
          summary: "Save the import's mapping as a template",
          params: idParams,
          body: saveTemplateBody,
          response: { 201: importTemplateSchema },
        },
      },
      async (request, reply) => {
        const t = await inWorkspace(deps.db, request, (ctx) => saveTemplateFromImport(ctx, request.params.id, request.body.name));
        return reply.code(201).send(presentTemplate(t));
      },
    );

    app.get(
      '/import-templates',
      {
        schema: {
          tags,
          summary: 'Saved import mappings',
          querystring: z.object({ object: z.enum(importObjects).optional() }).strict(),
          response: { 200: z.object({ data: z.array(importTemplateSchema) }) },
        },
      },
      async (request) => ({
        data: (await inWorkspace(deps.db, request, (ctx) => getTemplates(ctx, request.query.object))).map(presentTemplate),
      }),
    );

    app.post(
      '/import-templates',
      {
        schema: {
          tags,
          summary: 'Save an import mapping as a template',
          body: createTemplateBody,
          response: { 201: importTemplateSchema },
        },
      },
      async (request, reply) =>
        reply.code(201).send(presentTemplate(await inWorkspace(deps.db, request, (ctx) => createTemplate(ctx, request.body)))),
    );

    app.delete(
      '/import-templates/:id',
      { schema: { tags, summary: 'Delete an import template', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, (ctx) => deleteTemplate(ctx, request.params.id));
        return reply.code(204).send(null);
      },
    );
  };
}
