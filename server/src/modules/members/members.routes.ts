import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, pageOf, pageQuery } from '../../http/schemas.ts';
import { presentMember } from './members.presenter.ts';
import { memberSchema, updateMemberBody } from './members.schema.ts';
import { changeMemberRole, getMember, listMembers, removeMember } from './members.service.ts';

const tags = ['Members'];

/** The people in a workspace and their roles. */
export function memberRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members',
      { schema: { tags, summary: 'List members', querystring: pageQuery, response: { 200: pageOf(memberSchema) } } },
      async (request) => {
        const page = await inWorkspace(deps.db, request, (ctx) => listMembers(ctx, request.query));
        return { ...page, data: page.data.map(presentMember) };
      },
    );

    app.get(
      '/members/:id',
      { schema: { tags, summary: 'Get a member', params: idParams, response: { 200: memberSchema } } },
      async (request, reply) => {
        const m = await inWorkspace(deps.db, request, (ctx) => getMember(ctx, request.params.id));
        setEtag(reply, m.version);
        return presentMember(m);
      },
    );

    app.patch(
      '/members/:id',
      {
        schema: {
          tags,
          summary: "Change a member's role (admins)",
          params: idParams,
          body: updateMemberBody,
          response: { 200: memberSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const m = await inWorkspace(deps.db, request, (ctx) =>
          changeMemberRole(ctx, { id: request.params.id, role: request.body.role, expectedVersion }),
        );
        setEtag(reply, m.version);
        return presentMember(m);
      },
    );

    app.delete(
      '/members/:id',
      { schema: { tags, summary: 'Remove a member (admins)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => removeMember(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );
  };
}
