import type { components } from './schema';

/** An RFC 9457 problem as the API answers every error. */
export type Problem = components['schemas']['Problem'];

/** An API error carrying its problem, so screens can show the message and each field's error. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

/** A problem for failures that never reached the API (offline, a proxy's HTML error page). */
export function networkProblem(status: number, detail: string): Problem {
  return { type: 'about:blank', title: 'Request failed', status, code: status === 0 ? 'network' : 'internal', detail };
}

/**
 * The problem's field errors keyed by field name without its location prefix:
 * `body.email` and `body.emails[0].address` become `email` and `emails[0].address`.
 */
export function fieldErrors(problem: Problem | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const field = e.field.replace(/^(body|query|params)\./, '');
    out[field] ??= e.message;
  }
  return out;
}

/** The message a person should read for an error of any kind. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}
