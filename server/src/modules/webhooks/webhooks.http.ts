import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { AttemptResult } from './webhooks.dispatch.repo.ts';
import { guardedLookup, hostOf, isPrivateAddress, PrivateTargetError } from './webhooks.targets.ts';

/** How long a receiver has to answer, and how much of its answer the log keeps. */
export const DELIVERY_TIMEOUT_MS = 10_000;
const BODY_EXCERPT_CHARS = 1000;
const BODY_READ_LIMIT = 64 * 1024;

/**
 * POSTs one signed webhook and reports what happened; never throws. A 2xx answer is a success;
 * redirects are not followed (a moved endpoint should be updated, not chased). Private and
 * loopback addresses are refused before connecting unless `allowPrivate`.
 */
export async function postWebhook(
  target: { url: string; allowPrivate: boolean },
  headers: Record<string, string>,
  body: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<AttemptResult> {
  const attemptedAt = new Date();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const url = new URL(target.url);
    const host = hostOf(url);
    if (isIP(host) && isPrivateAddress(host) && !target.allowPrivate) throw new PrivateTargetError(host, host);
    const { status, text } = await send(url, target.allowPrivate, headers, body, timeoutMs);
    return { attemptedAt, responseStatus: status, responseTimeMs: elapsed(), responseBody: text.slice(0, BODY_EXCERPT_CHARS), error: null };
  } catch (err) {
    return { attemptedAt, responseStatus: null, responseTimeMs: elapsed(), responseBody: null, error: describe(err, timeoutMs) };
  }
}

function send(url: URL, allowPrivate: boolean, headers: Record<string, string>, body: string, timeoutMs: number) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'user-agent': 'Rapport-Webhooks/1',
          'content-length': Buffer.byteLength(body),
        },
        lookup: guardedLookup(allowPrivate) as never,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < BODY_READ_LIMIT) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof PrivateTargetError) return err.message;
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (e.cause instanceof PrivateTargetError) return e.cause.message;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `No answer within ${timeoutMs / 1000} s`;
  return e.code ? `${e.code}: ${e.message}` : (e.message ?? String(err));
}
