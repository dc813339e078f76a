import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { apiKeySchema, createApiKeyBody, createdApiKeySchema } from './api-keys.schema.ts';
import { createApiKey, listApiKeys, presentApiKey, revokeApiKey } from './api-keys.service.ts';

const tags = ['API keys'];

/** API keys for scripts and integrations (admins). */
export function apiKeyRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api-keys',
      { schema: { tags, summary: 'List API keys', response: { 200: z.object({ data: z.array(apiKeySchema) }) } } },
      async (request) => ({ data: (await inWorkspace(deps.db, request, listApiKeys)).map(presentApiKey) }),
    );

    app.post(
      '/api-keys',
      {
        schema: {
          tags,
          summary: 'Create an API key (the secret is shown once)',
          body: createApiKeyBody,
          response: { 201: createdApiKeySchema },
        },
      },
      async (request, reply) => {
        const { apiKey, key } = await inWorkspace(deps.db, request, (ctx) => createApiKey(ctx, request.body));
        return reply.code(201).send({ apiKey: presentApiKey(apiKey), key });
      },
    );

    app.delete(
      '/api-keys/:id',
      { schema: { tags, summary: 'Revoke an API key', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, (ctx) => revokeApiKey(ctx, request.params.id));
        return reply.code(204).send(null);
      },
    );
  };
}
