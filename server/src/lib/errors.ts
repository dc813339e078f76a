/** The closed set of error codes Rapport answers with; each maps to one HTTP status. */
export const errorStatus = {
  moved_permanently: 301,
  validation_failed: 400,
  malformed_request: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  import_not_draft: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  unprocessable: 422,
  stage_requirements: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** One offending field: a JSON-pointer-like path into the input and what is wrong with it. */
export type FieldError = { field: string; message: string; code?: string };

/** A failure a client can act on; rendered as RFC 9457 problem+json in one place (http/problem.ts). */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
}

/** Shorthands for the errors domain code raises most. */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'Your role does not allow this action') => new AppError('forbidden', message);
export const conflict = (message: string, errors?: FieldError[]) => new AppError('conflict', message, errors);
export const validationFailed = (message: string, errors: FieldError[]) => new AppError('validation_failed', message, errors);

/** The 412 answered when a write names an older version (If-Match) than the current one. */
export function staleWrite(current: number): AppError {
  return new AppError(
    'precondition_failed',
    `The record changed since you read it (now version ${current}); read it again and reapply your change`,
    undefined,
    { etag: `"${current}"` },
  );
}
