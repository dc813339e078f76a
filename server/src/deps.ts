import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Queue } from './jobs/queue.ts';
import type { Mailer } from './lib/mailer.ts';

/** What the routes and jobs of one running Rapport share. */
export type Deps = {
  db: Database;
  config: Config;
  mailer: Mailer;
  queue: Queue;
  log: FastifyBaseLogger;
};
