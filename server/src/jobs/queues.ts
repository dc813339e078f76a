import { BULK_QUEUE } from '../modules/bulk-jobs/bulk-jobs.service.ts';
import { IMPORT_QUEUE } from '../modules/imports/imports.service.ts';
import { WEBHOOK_DELIVERY_QUEUE } from '../modules/webhooks/webhooks.delivery.ts';
import type { Queue } from './queue.ts';
import { REMINDERS_QUEUE } from './reminders.ts';

/** Queues that API nodes enqueue into; created at boot so a send never precedes the worker. */
export const sendQueues = [BULK_QUEUE, REMINDERS_QUEUE, WEBHOOK_DELIVERY_QUEUE, IMPORT_QUEUE];

/** Creates every queue jobs are sent to (idempotent). */
export async function ensureQueues(queue: Queue): Promise<void> {
  for (const name of sendQueues) await queue.ensureQueue(name);
}
