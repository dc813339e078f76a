import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { presentWorkspace } from './workspaces.presenter.ts';
import { updateWorkspaceBody, workspaceSchema } from './workspaces.schema.ts';
import { getWorkspace, updateWorkspace } from './workspaces.service.ts';

const tags = ['Workspace'];

/** The current workspace and its defaults. */
export function workspaceRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/workspace',
      { schema: { tags, summary: 'The current workspace', response: { 200: workspaceSchema } } },
      async (request, reply) => {
        const w = await inWorkspace(deps.db, request, getWorkspace);
        setEtag(reply, w.version);
        return presentWorkspace(w);
      },
    );

    app.patch(
      '/workspace',
      {
        schema: {
          tags,
          summary: 'Rename the workspace or change its defaults (admins)',
          body: updateWorkspaceBody,
          response: { 200: workspaceSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const w = await inWorkspace(deps.db, request, (ctx) => updateWorkspace(ctx, { patch: request.body, expectedVersion }));
        setEtag(reply, w.version);
        return presentWorkspace(w);
      },
    );
  };
}
