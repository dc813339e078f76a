import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Deps } from './deps.ts';
import { authenticate } from './http/authenticate.ts';
import { idempotencyHooks } from './http/idempotency.ts';
import { installProblemHandlers } from './http/problem.ts';
import { DEFAULT_WEB_ROOT, serveWebApp } from './http/web-app.ts';
import type { Queue } from './jobs/queue.ts';
import { AppError } from './lib/errors.ts';
import { newId } from './lib/ids.ts';
import { createMailer, type Mailer } from './lib/mailer.ts';
import { hashToken } from './lib/tokens.ts';
import { activityRoutes } from './modules/activities/activities.routes.ts';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { bulkJobRoutes } from './modules/bulk-jobs/bulk-jobs.routes.ts';
import { calendarFeedRoutes } from './modules/calendar-feed/calendar-feed.routes.ts';
import { companyRoutes } from './modules/companies/companies.routes.ts';
import { contactRoutes } from './modules/contacts/contacts.routes.ts';
import { customFieldRoutes } from './modules/custom-fields/custom-fields.routes.ts';
import { dealRoutes } from './modules/deals/deals.routes.ts';
import { dedupeRoutes } from './modules/dedupe/dedupe.routes.ts';
import { demoRoutes } from './modules/demo/demo.routes.ts';
import { exportRoutes } from './modules/exports/exports.routes.ts';
import { formPageRoutes, formPublicRoutes } from './modules/forms/forms.public.routes.ts';
import { formRoutes } from './modules/forms/forms.routes.ts';
import { healthRoutes, RAPPORT_VERSION } from './modules/health/health.routes.ts';
import { importRoutes } from './modules/imports/imports.routes.ts';
import { invitationRoutes } from './modules/invitations/invitations.routes.ts';
import { memberRoutes } from './modules/members/members.routes.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { pipelineRoutes } from './modules/pipelines/pipelines.routes.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { taskRoutes } from './modules/tasks/tasks.routes.ts';
import { timelineRoutes } from './modules/timeline/timeline.routes.ts';
import { trashRoutes } from './modules/trash/trash.routes.ts';
import { vcardRoutes } from './modules/vcard/vcard.routes.ts';
import { viewRoutes } from './modules/views/views.routes.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';
import { workspaceRoutes } from './modules/workspaces/workspaces.routes.ts';

/** What buildApp needs; the mailer defaults to the one the config describes, the web app to web/dist. */
export type AppInput = { config: Config; db: Database; queue: Queue; mailer?: Mailer; webRoot?: string };

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Who a request counts against for rate limiting: its API key, its session, or its address. */
function rateLimitKey(request: FastifyRequest): string {
  const bearer = request.headers.authorization;
  if (bearer) return `key:${hashToken(bearer).slice(0, 32)}`;
  const session = request.cookies?.rapport_session;
  if (session) return `session:${hashToken(session).slice(0, 32)}`;
  return `ip:${request.ip}`;
}

/** Builds the HTTP app (API, OpenAPI document, reference docs, the web app); tests drive it with app.inject. */
export async function buildApp(input: AppInput): Promise<{ app: FastifyInstance; deps: Deps }> {
  const { config, db, queue } = input;
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : newId();
    },
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  const deps: Deps = { db, config, queue, mailer: input.mailer ?? createMailer(config, app.log), log: app.log };

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  // Only JSON is accepted as a request body; anything else is a 415.
  app.removeContentTypeParser('text/plain');

  await app.register(cookie);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_req, context) =>
      new AppError('rate_limited', `Rate limit of ${context.max} requests per minute exceeded; retry after ${context.after}`),
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', String(request.id));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    // A conditional GET whose ETag still matches gets a bodyless 304.
    const etag = reply.getHeader('etag');
    if (request.method === 'GET' && reply.statusCode === 200 && etag && request.headers['if-none-match'] === etag) {
      reply.code(304);
      return '';
    }
    return payload;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rapport API',
        version: RAPPORT_VERSION,
        description:
          'The Rapport CRM API. Authenticate with a session cookie (browser; writes need X-CSRF-Token) or `Authorization: Bearer <api key>`. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key created in settings' },
          session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const idempotency = idempotencyHooks(db);
  await app.register(
    async (api) => {
      api.addHook('preValidation', authenticate(db));
      api.addHook('preHandler', idempotency.preHandler);
      api.addHook('onSend', idempotency.onSend);
      api.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
      const modules = [
        healthRoutes,
        authRoutes,
        workspaceRoutes,
        memberRoutes,
        invitationRoutes,
        apiKeyRoutes,
        auditRoutes,
        customFieldRoutes,
        contactRoutes,
        companyRoutes,
        pipelineRoutes,
        dealRoutes,
        dedupeRoutes,
        searchRoutes,
        viewRoutes,
        bulkJobRoutes,
        trashRoutes,
        activityRoutes,
        timelineRoutes,
        taskRoutes,
        notificationRoutes,
        webhookRoutes,
        demoRoutes,
        vcardRoutes,
        calendarFeedRoutes,
        formRoutes,
        formPublicRoutes,
        exportRoutes,
        importRoutes,
      ];
      for (const routes of modules) {
        await api.register(routes(deps));
      }
    },
    { prefix: '/api/v1' },
  );

  await app.register(formPageRoutes(deps));
  await serveWebApp(app, input.webRoot ?? DEFAULT_WEB_ROOT);

  return { app, deps };
}
