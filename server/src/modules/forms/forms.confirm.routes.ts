import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { sendProblem } from '../../http/problem.ts';
import { AppError } from '../../lib/errors.ts';
import { confirmConsent, readConfirmationLink } from './forms.confirm.ts';
import { confirmedPage, confirmPage, problemPage } from './forms.html.ts';
import { checkOrigin, formByPublicId, publicIdParams, sendHtml, VISITOR_PAGE_CSP } from './forms.http.ts';
import { confirmationBodySchema, confirmationResultSchema } from './forms.schema.ts';

type App = Parameters<FastifyPluginAsyncZod>[0];

const CONFIRMED = 'Thank you: your subscription is confirmed.';
const linkParams = publicIdParams.extend({ token: z.string().min(1).max(200) }).strict();

/** The API form of the confirm button: JSON in, JSON or problem+json out (CORS as the form's submissions). */
export function confirmApiRoutes(app: App, deps: Deps): void {
  app.post(
    '/public/forms/:publicId/confirmations',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['Forms (public)'],
        summary: 'Confirm a double opt-in from the token of its emailed link',
        description:
          'Turns the email consent the submission left pending into subscribed, once. An unknown token is a 404; a used or expired link, or consent withdrawn since, a 410 whose errors[].code says which (link_used, link_expired, link_withdrawn).',
        security: [],
        params: publicIdParams,
        body: confirmationBodySchema,
        response: { 200: confirmationResultSchema },
      },
    },
    async (request, reply) => {
      const form = await formByPublicId(deps, request.params.publicId);
      checkOrigin(request, reply, form, deps.config.publicUrl);
      const { channels } = await confirmConsent(deps.db, form.public_id, request.body.token, { ip: request.ip ?? null });
      return { status: 'confirmed' as const, channels, message: CONFIRMED };
    },
  );
}

/** Answers a refusal on a visitor's page as a short HTML page. */
function refusePage(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!(err instanceof AppError)) return sendProblem(request, reply, err);
  return sendHtml(reply, err.status, problemPage('Confirm your subscription', err.message));
}

/**
 * The pages an emailed link opens at /f/{publicId}/confirm/{token}: GET shows a confirm button and
 * changes nothing (mail scanners fetch links); the button's POST confirms and thanks. Used,
 * expired and unknown links get a page saying so.
 */
export function confirmPageRoutes(app: App, deps: Deps): void {
  // The token is in the address: not cached, and (the app's same-origin referrer policy) never handed to another site.
  const headers = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('content-security-policy', VISITOR_PAGE_CSP);
  const options = { schema: { hide: true, params: linkParams }, errorHandler: refusePage };

  app.get('/f/:publicId/confirm/:token', options, async (request, reply) => {
    headers(reply);
    const { publicId, token } = request.params;
    const { form } = await readConfirmationLink(deps.db, publicId, token);
    return sendHtml(reply, 200, confirmPage(form.name, `/f/${encodeURIComponent(publicId)}/confirm/${encodeURIComponent(token)}`));
  });

  app.post('/f/:publicId/confirm/:token', options, async (request, reply) => {
    headers(reply);
    const { form } = await confirmConsent(deps.db, request.params.publicId, request.params.token, { ip: request.ip ?? null });
    return sendHtml(reply, 200, confirmedPage(form.name));
  });
}
