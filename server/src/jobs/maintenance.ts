import { z } from 'zod';
import type { Deps } from '../deps.ts';

/** Deletes what has outlived its purpose: replay records, dead sessions, old throttle windows and delivered events. */
export async function cleanUp(deps: Pick<Deps, 'db'>): Promise<void> {
  const { db } = deps;
  await db.query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
  await db.query("DELETE FROM sessions WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'");
  await db.query("DELETE FROM auth_throttle WHERE window_started_at < now() - interval '1 day'");
  await db.query("DELETE FROM password_resets WHERE expires_at < now() - interval '1 day'");
  await db.query("DELETE FROM outbox_events WHERE dispatched_at < now() - interval '7 days'");
  await db.query("DELETE FROM consumer_receipts WHERE processed_at < now() - interval '30 days'");
  await db.query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - interval '30 days'");
}

/** Registers the hourly clean-up job. */
export async function scheduleMaintenance(deps: Deps): Promise<void> {
  const name = 'maintenance.cleanup';
  await deps.queue.work({ name, payload: z.object({}).passthrough(), retryLimit: 2, handle: () => cleanUp(deps) });
  await deps.queue.schedule(name, '17 * * * *');
}
