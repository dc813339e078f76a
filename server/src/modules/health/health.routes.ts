import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appliedMigrations } from '../../db/migrate.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';

export const RAPPORT_VERSION = '0.1.0';

/** Liveness and readiness for load balancers and operators. */
export function healthRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { auth: 'none', rateLimit: false },
        schema: {
          tags: ['Health'],
          summary: 'Whether this node and its database answer',
          response: {
            200: z.object({
              status: z.literal('ok'),
              version: z.string(),
              database: z.enum(['pglite', 'postgres']),
              schemaVersion: z.number().int(),
            }),
          },
        },
      },
      async () => {
        try {
          const applied = await appliedMigrations(deps.db);
          return { status: 'ok' as const, version: RAPPORT_VERSION, database: deps.db.kind, schemaVersion: applied.at(-1)?.version ?? 0 };
        } catch {
          throw new AppError('unavailable', 'The database does not answer');
        }
      },
    );
  };
}
