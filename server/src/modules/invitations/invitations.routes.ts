import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { createdInvitationSchema, createInvitationBody, invitationSchema } from './invitations.schema.ts';
import { inviteMember, listInvitations, presentInvitation, revokeInvitation } from './invitations.service.ts';

const tags = ['Members'];

/** Inviting people to a workspace by link. */
export function invitationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/invitations',
      { schema: { tags, summary: 'Pending invitations (admins)', response: { 200: z.object({ data: z.array(invitationSchema) }) } } },
      async (request) => ({ data: (await inWorkspace(deps.db, request, listInvitations)).map(presentInvitation) }),
    );

    app.post(
      '/invitations',
      {
        schema: {
          tags,
          summary: 'Invite someone by email (admins)',
          body: createInvitationBody,
          response: { 201: createdInvitationSchema },
        },
      },
      async (request, reply) => {
        const { invitation, url } = await inWorkspace(deps.db, request, (ctx) => inviteMember(ctx, deps, request.body));
        const workspace = await findWorkspace(deps.db, invitation.workspace_id);
        await deps.mailer.send({
          to: invitation.email,
          subject: `You are invited to ${workspace?.name ?? 'a workspace'} on Rapport`,
          text: `You have been invited to join ${workspace?.name ?? 'a workspace'} on Rapport as ${invitation.role}.\n\nAccept the invitation: ${url}\n\nThe link works for 14 days.\n`,
        });
        return reply.code(201).send({ invitation: presentInvitation(invitation), url });
      },
    );

    app.delete(
      '/invitations/:id',
      { schema: { tags, summary: 'Revoke a pending invitation (admins)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, (ctx) => revokeInvitation(ctx, request.params.id));
        return reply.code(204).send(null);
      },
    );
  };
}
