import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { type FormRow, findFormByPublicId } from './forms.repo.ts';

/** What the public form routes and pages share: how they read requests and answer them. */

export const URLENCODED = 'application/x-www-form-urlencoded';

export const publicIdParams = z.object({ publicId: z.string().min(8).max(40) }).strict();

/** The CSP of the pages Rapport serves to visitors: inline styles, no scripts, posts allowed. */
export const VISITOR_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

/** Whether a request is a plain HTML form post (which gets HTML pages back, not JSON). */
export const isUrlEncoded = (request: FastifyRequest) => (request.headers['content-type'] ?? '').toLowerCase().startsWith(URLENCODED);

/** An http(s) URL as given, or null (page URLs and referrers are shown as links later). */
export function httpUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString().slice(0, 2000) : null;
  } catch {
    return null;
  }
}

/**
 * Applies the form's CORS rule: a request without Origin (not from a browser page) passes; one
 * from the app itself, or from an origin the form allows, gets `Access-Control-Allow-Origin`;
 * any other origin is refused with 403 and no CORS headers.
 */
export function checkOrigin(request: FastifyRequest, reply: FastifyReply, form: FormRow, publicUrl: string): void {
  const origin = request.headers.origin;
  reply.header('vary', 'Origin');
  if (!origin) return;
  const allowed = origin === new URL(publicUrl).origin || form.allowed_origins.includes('*') || form.allowed_origins.includes(origin);
  if (!allowed) throw new AppError('forbidden', `This form does not accept submissions from ${origin}; add it to the form's allowed sites`);
  reply.header('access-control-allow-origin', origin);
}

/** A form by its public id, or a 404. */
export async function formByPublicId(deps: Deps, publicId: string): Promise<FormRow> {
  const form = await findFormByPublicId(deps.db, publicId);
  if (!form) throw new AppError('not_found', 'Form not found');
  return form;
}

/** Sends an HTML page (the answer to a plain HTML form post or a visitor's page) beside the route's JSON answer. */
export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}
