import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DatabaseError } from '../db/database.ts';
import { AppError, type ErrorCode, errorStatus, type FieldError } from '../lib/errors.ts';

/** The RFC 9457 body Rapport sends for every error. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
};

const titles: Record<ErrorCode, string> = {
  moved_permanently: 'Moved permanently',
  validation_failed: 'Validation failed',
  malformed_request: 'Malformed request',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  csrf_failed: 'CSRF token missing or invalid',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  import_not_draft: 'Import already started',
  gone: 'Gone',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  idempotency_key_reused: 'Idempotency key reused with a different request',
  unprocessable: 'Unprocessable request',
  stage_requirements: 'Stage requirements not met',
  precondition_required: 'Precondition required',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

/** Builds the problem body for an error code. */
export function problem(code: ErrorCode, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://rapport.dev/problems/${code.replaceAll('_', '-')}`,
    title: titles[code],
    status: errorStatus[code],
    code,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Maps Fastify's own request errors (parsing, body size, content type) onto Rapport's codes. */
function fromFastifyError(err: FastifyError): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_request', 'The body is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('malformed_request', err.message);
    default:
      break;
  }
  if (err instanceof SyntaxError || err.name === 'SyntaxError') {
    return new AppError('malformed_request', 'The body is not valid JSON');
  }
  if (err.statusCode === 429) return new AppError('rate_limited', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode === 404 ? 'not_found' : 'malformed_request', err.message);
  }
  return undefined;
}

function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const errors: FieldError[] = err.validation.map((v) => {
      const segs = v.instancePath.split('/').filter(Boolean);
      const keys = (v.params as { keys?: string[] }).keys;
      if (v.keyword === 'unrecognized_keys' && keys) {
        return { field: [where, ...segs, ...keys].join('.'), message: 'Unknown field', code: 'unrecognized_keys' };
      }
      return { field: [where, ...segs].join('.'), message: v.message ?? 'Invalid value', code: v.keyword };
    });
    return new AppError('validation_failed', `The request ${where} is not valid`, errors);
  }
  if (err instanceof DatabaseError) {
    if (err.code === '23505') return new AppError('conflict', 'A record with the same unique value already exists');
    if (err.code === '22P02' || err.code === '22003' || err.code === '22007' || err.code === '22008') {
      return new AppError('validation_failed', 'A value has the wrong format', [{ field: 'body', message: err.message }]);
    }
    return undefined;
  }
  const fe = err as FastifyError;
  if (typeof fe?.code === 'string' || typeof fe?.statusCode === 'number') return fromFastifyError(fe);
  return undefined;
}

/** Sends a problem+json response for `err`, never leaking a stack trace. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const app = toAppError(err);
  let body: Problem;
  if (app) {
    body = problem(app.code, app.message, app.errors);
    if (app.headers) reply.headers(app.headers);
    if (app.status >= 500) request.log.error({ err }, 'request failed');
  } else {
    request.log.error({ err }, 'unhandled error');
    body = problem('internal', 'Something went wrong on our side; the request id identifies it in the logs');
  }
  body.instance = request.url.split('?')[0];
  body.requestId = String(request.id);
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Installs the one error handler and the not-found handler on the app. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => sendProblem(request, reply, err));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
