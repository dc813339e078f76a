import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { sendProblem } from '../../http/problem.ts';
import { AppError } from '../../lib/errors.ts';
import { confirmApiRoutes, confirmPageRoutes } from './forms.confirm.routes.ts';
import { sendConfirmationMail } from './forms.confirm.ts';
import { embedScript } from './forms.embed.ts';
import { type FormState, hostedFormPage, problemPage, thankYouPage } from './forms.html.ts';
import {
  checkOrigin,
  formByPublicId,
  httpUrl,
  isUrlEncoded,
  publicIdParams,
  sendHtml,
  URLENCODED,
  VISITOR_PAGE_CSP,
} from './forms.http.ts';
import { formUrls, HONEYPOT_FIELD, publicFormView } from './forms.presenter.ts';
import { countFormView, type FormRow, findFormByPublicId } from './forms.repo.ts';
import { publicFormSchema, type SubmissionBody, submissionAcceptedSchema, submissionBodySchema } from './forms.schema.ts';
import { propertiesOf } from './forms.service.ts';
import { acceptSubmission, utmOfUrl } from './forms.submit.ts';

const tags = ['Forms (public)'];

/** What the thank-you message adds when consent waits for the emailed link. */
const CONFIRM_BY_EMAIL =
  'To confirm your subscription, open the link we have emailed you. If you were subscribed already, there is nothing more to do.';

/** Submissions one address may send to one form per minute. */
export const FORM_SUBMISSIONS_PER_MINUTE = 10;

const metaNames = new Set(['consent', 'pageUrl', 'referrer', 'website']);
const TRUE_WORDS = new Set(['on', 'true', '1', 'yes']);

/** Reads a plain HTML form post into the same shape as a JSON submission (repeated names become lists). */
export function submissionFromUrlEncoded(raw: string): SubmissionBody {
  const params = new URLSearchParams(raw);
  const body: SubmissionBody = { values: {} };
  const utm: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    const one = all[0] ?? '';
    if (key === 'consent') body.consent = TRUE_WORDS.has(one.toLowerCase());
    else if (metaNames.has(key)) (body as Record<string, unknown>)[key] = one;
    else if (/^utm_(source|medium|campaign|term|content)$/.test(key)) utm[key.slice(4)] = one;
    else body.values[key] = all.length > 1 ? all : one;
  }
  if (Object.keys(utm).length > 0) body.utm = utm;
  return body;
}

async function publicDefinition(deps: Deps, form: FormRow) {
  const properties = await propertiesOf({ tx: deps.db, workspaceId: form.workspace_id });
  return publicFormView(form, properties, deps.config.publicUrl);
}

/** Answers a refusal as a short HTML page to a plain HTML form post, and as problem+json otherwise. */
function refuse(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof AppError) || !isUrlEncoded(request)) return sendProblem(request, reply, err);
  if (err.headers) reply.headers(err.headers);
  return sendHtml(reply, err.status, problemPage('This form cannot be sent', err.message));
}

/**
 * The public side of forms, without authentication: the definition the embed script renders,
 * the script itself, and the submission endpoint (JSON from the script, urlencoded from a plain
 * HTML form), with CORS limited to the form's allowed origins and a rate limit per address and form.
 */
export function formPublicRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(URLENCODED, { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
      done(null, submissionFromUrlEncoded(String(body)));
    });

    const preflight = async (request: FastifyRequest<{ Params: { publicId: string } }>, reply: FastifyReply) => {
      const form = await formByPublicId(deps, request.params.publicId);
      checkOrigin(request, reply, form, deps.config.publicUrl);
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .send();
    };
    confirmApiRoutes(app, deps);
    for (const url of ['/public/forms/:publicId', '/public/forms/:publicId/submissions', '/public/forms/:publicId/confirmations']) {
      app.options(url, { config: { auth: 'none' }, schema: { hide: true, params: publicIdParams } }, preflight);
    }

    app.get(
      '/public/forms/:publicId',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'A form as the embed script renders it (CORS: the allowed origins of the form)',
          security: [],
          params: publicIdParams,
          response: { 200: publicFormSchema },
        },
      },
      async (request, reply) => {
        const form = await formByPublicId(deps, request.params.publicId);
        checkOrigin(request, reply, form, deps.config.publicUrl);
        if (form.status !== 'active') throw new AppError('gone', 'This form no longer accepts submissions');
        await countFormView(deps.db, form.workspace_id, form.id);
        reply.header('cache-control', 'no-store');
        return publicDefinition(deps, form);
      },
    );

    app.get(
      '/public/forms/:publicId/embed.js',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'The script that renders the form into <div data-rapport-form="publicId">',
          security: [],
          params: publicIdParams,
          response: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: z.string() } } } },
        },
      },
      async (request, reply) => {
        const form = await formByPublicId(deps, request.params.publicId);
        return reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .header('cross-origin-resource-policy', 'cross-origin')
          .send(embedScript(form.public_id, formUrls(deps.config.publicUrl, form.public_id).definition));
      },
    );

    app.post(
      '/public/forms/:publicId/submissions',
      {
        config: {
          auth: 'none',
          rateLimit: {
            max: FORM_SUBMISSIONS_PER_MINUTE,
            timeWindow: 60_000,
            keyGenerator: (request) => `form:${(request.params as { publicId?: string }).publicId}:ip:${request.ip}`,
          },
        },
        schema: {
          tags,
          summary: 'Submit a form: creates or updates the contact by email (JSON, or urlencoded from a plain HTML form)',
          description:
            'JSON answers with 200 and the thank-you message or redirect; a urlencoded post answers with a 303 redirect or a thank-you page, and shows the form again with what to fix. Wrong answers are a 422 naming each field. Limited per address and form.',
          security: [],
          params: publicIdParams,
          body: submissionBodySchema,
          response: { 200: submissionAcceptedSchema },
        },
        errorHandler: (err, request, reply) => refuse(request, reply, err),
      },
      async (request, reply) => {
        const form = await formByPublicId(deps, request.params.publicId);
        checkOrigin(request, reply, form, deps.config.publicUrl);
        const definition = await publicDefinition(deps, form);
        const body = request.body;
        const pageUrl = httpUrl(body.pageUrl) ?? httpUrl(request.headers.referer);
        // Said whenever the box was ticked, whether or not an email goes out, so the answer never tells who is subscribed.
        const confirmationRequired = form.consent.enabled && Boolean(form.consent.doubleOptIn) && body.consent === true;
        const thankYouMessage = confirmationRequired ? `${definition.thankYouMessage}\n\n${CONFIRM_BY_EMAIL}` : definition.thankYouMessage;
        const accepted = { status: 'received' as const, thankYouMessage, redirectUrl: form.redirect_url, confirmationRequired };
        const html = isUrlEncoded(request);
        // A filled honeypot is a robot: it is told the same as a person and nothing is written.
        if (!body[HONEYPOT_FIELD]?.trim()) {
          try {
            const outcome = await acceptSubmission(deps.db, form, body, {
              pageUrl,
              referrer: httpUrl(body.referrer),
              ip: request.ip ?? null,
              userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
            });
            if (outcome.confirmation) await sendConfirmationMail(deps, form, outcome.confirmation);
          } catch (err) {
            if (!(html && err instanceof AppError && err.code === 'unprocessable')) throw err;
            const state: FormState = { values: body.values, errors: err.errors, consent: body.consent, meta: hiddenMeta(body, pageUrl) };
            return sendHtml(reply, 422, hostedFormPage(definition, state));
          }
        }
        if (!html) return accepted;
        if (form.redirect_url) return (reply as FastifyReply).code(303).header('location', form.redirect_url).send();
        return sendHtml(reply, 200, thankYouPage({ name: definition.name, thankYouMessage }, pageUrl));
      },
    );
  };
}

/** The page, referrer and UTM a re-shown form carries on to its next post. */
function hiddenMeta(body: SubmissionBody, pageUrl: string | null): Record<string, string> {
  const meta: Record<string, string> = {};
  if (pageUrl) meta.pageUrl = pageUrl;
  if (body.referrer) meta.referrer = body.referrer;
  for (const [k, v] of Object.entries(body.utm ?? {})) if (v) meta[`utm_${k}`] = v;
  return meta;
}

/**
 * The standalone page of a form at /f/{publicId}: works without JavaScript, and keeps the page's
 * UTM parameters; and the double opt-in confirm pages beside it.
 */
export function formPageRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // The confirm button posts an empty urlencoded form; the link's address says everything.
    app.addContentTypeParser(URLENCODED, { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));
    confirmPageRoutes(app, deps);
    app.get('/f/:publicId', { schema: { hide: true, params: publicIdParams } }, async (request, reply) => {
      const form = await findFormByPublicId(deps.db, request.params.publicId);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      reply.header('content-security-policy', VISITOR_PAGE_CSP);
      if (!form) return reply.code(404).send(problemPage('Form not found', 'This form does not exist or was deleted.'));
      if (form.status !== 'active') return reply.code(410).send(problemPage(form.name, 'This form no longer accepts submissions.'));
      await countFormView(deps.db, form.workspace_id, form.id);
      const pageUrl = `${deps.config.publicUrl}${request.url}`;
      const meta: Record<string, string> = { pageUrl };
      const referrer = httpUrl(request.headers.referer);
      if (referrer) meta.referrer = referrer;
      for (const [k, v] of Object.entries(utmOfUrl(pageUrl))) meta[`utm_${k}`] = v;
      return reply.send(hostedFormPage(await publicDefinition(deps, form), { meta }));
    });
  };
}
