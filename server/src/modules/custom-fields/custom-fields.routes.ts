import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { createCustomFieldBody, customFieldSchema, listCustomFieldsQuery, updateCustomFieldBody } from './custom-fields.schema.ts';
import { createCustomField, listCustomFields, presentCustomField, updateCustomField } from './custom-fields.service.ts';

const tags = ['Custom fields'];

/** Custom field definitions per object (contact, company, deal). */
export function customFieldRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/custom-fields',
      {
        schema: {
          tags,
          summary: 'List custom fields',
          querystring: listCustomFieldsQuery,
          response: { 200: z.object({ data: z.array(customFieldSchema) }) },
        },
      },
      async (request) => {
        const rows = await inWorkspace(deps.db, request, (ctx) =>
          listCustomFields(ctx, { objectType: request.query.objectType, includeArchived: request.query.includeArchived === 'true' }),
        );
        return { data: rows.map(presentCustomField) };
      },
    );

    app.post(
      '/custom-fields',
      { schema: { tags, summary: 'Define a custom field (admins)', body: createCustomFieldBody, response: { 201: customFieldSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => createCustomField(ctx, request.body));
        setEtag(reply, row.version);
        return reply.code(201).send(presentCustomField(row));
      },
    );

    app.patch(
      '/custom-fields/:id',
      {
        schema: {
          tags,
          summary: 'Rename, re-order, change options, archive or restore a custom field (admins)',
          params: idParams,
          body: updateCustomFieldBody,
          response: { 200: customFieldSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const row = await inWorkspace(deps.db, request, (ctx) =>
          updateCustomField(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, row.version);
        return presentCustomField(row);
      },
    );
  };
}
