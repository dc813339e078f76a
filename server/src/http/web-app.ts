import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';

/** Where `npm run build -w web` puts the web app: `web/dist` at the repository root (from src/ and dist/ alike). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rapport</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font: 14px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2328">
<h1 style="font-size: 18px">Rapport is running, but its web app is not built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm start</code>, which builds what is missing) and reload this page.</p>
<p>The API is at <a href="/api/v1/health">/api/v1</a>; its reference at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

/** Files under assets/ have content hashes in their names, so browsers may keep them for good. */
function cacheHeaders(reply: FastifyReply, filePath: string) {
  const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/**
 * Serves the built single-page app at `/`: its files as they are, and index.html for any
 * other GET outside /api so that client-side routes survive a reload. Without a build, `/`
 * answers a short page telling how to make one.
 */
export async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  const built = existsSync(path.join(root, 'index.html'));
  if (built) {
    // The build writes .br and .gz copies of its text files (web/vite.config.ts): each is sent as the
    // browser accepts, with no compression work per request.
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false, preCompressed: true, setHeaders: cacheHeaders });
  }
  const fallback = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (url === '/api' || url.startsWith('/api/')) throw new AppError('not_found', `No route for ${request.method} ${url}`);
    if (!built)
      return reply
        .code(url === '/' ? 200 : 404)
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE);
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, fallback);
  app.get('/*', { schema: { hide: true } }, fallback);
}
