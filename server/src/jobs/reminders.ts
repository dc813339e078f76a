import { z } from 'zod';
import type { Database, Queryable } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/ids.ts';

/** The queue of the reminder sweep, run every minute and once when a worker starts. */
export const REMINDERS_QUEUE = 'tasks.send-reminders';

type DueReminder = { workspace_id: string; id: string; title: string; assignee_id: string | null; due_at: Date | null };

/**
 * Sends the reminders that are due: for every open task whose `remind_at` has passed and whose
 * reminder has not fired, one in-app notification to its assignee, and the task marked reminded.
 * Works in batches of `batchSize`, each one transaction; the notification's source key
 * (`task-reminder:<taskId>`, unique) makes a repeated sweep harmless. A reminder that fell due
 * while no worker ran fires on the next sweep. Returns how many tasks it marked reminded.
 */
export async function sendDueReminders(db: Database, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  let total = 0;
  for (;;) {
    const n = await db.transaction((tx) => remindBatch(tx, batchSize));
    total += n;
    if (n < batchSize) return total;
  }
}

async function remindBatch(tx: Queryable, batchSize: number): Promise<number> {
  const due = await tx.query<DueReminder>(
    `SELECT workspace_id, id, title, assignee_id, due_at FROM tasks
     WHERE remind_at <= now() AND reminded_at IS NULL AND status = 'open' AND deleted_at IS NULL
     ORDER BY remind_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [batchSize],
  );
  if (due.rows.length === 0) return 0;
  const toSend = due.rows.filter((t) => t.assignee_id);
  await tx.query(
    `INSERT INTO notifications (workspace_id, id, user_id, kind, title, body, record_type, record_id, source_key)
     SELECT n.workspace_id, n.id, n.user_id, 'task_reminder', n.title, n.body, 'task', n.task_id, 'task-reminder:' || n.task_id
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[]) AS n (workspace_id, id, user_id, title, body, task_id)
     ON CONFLICT (workspace_id, source_key) WHERE source_key IS NOT NULL DO NOTHING`,
    [
      toSend.map((t) => t.workspace_id),
      toSend.map(() => newId()),
      toSend.map((t) => t.assignee_id),
      toSend.map((t) => `Reminder: ${t.title}`),
      toSend.map((t) => (t.due_at ? `Due ${t.due_at.toISOString()}` : null)),
      toSend.map((t) => t.id),
    ],
  );
  await tx.query(
    `UPDATE tasks SET reminded_at = now() FROM unnest($1::uuid[], $2::uuid[]) AS d (workspace_id, id)
     WHERE tasks.workspace_id = d.workspace_id AND tasks.id = d.id`,
    [due.rows.map((t) => t.workspace_id), due.rows.map((t) => t.id)],
  );
  return due.rows.length;
}

/** Registers the reminder sweep: every minute, and once now so reminders missed while down fire at start. */
export async function scheduleReminders(deps: Deps): Promise<void> {
  await deps.queue.work({
    name: REMINDERS_QUEUE,
    payload: z.object({}).passthrough(),
    batchSize: 1,
    retryLimit: 3,
    handle: async () => {
      const sent = await sendDueReminders(deps.db);
      if (sent > 0) deps.log.info({ sent }, 'sent task reminders');
    },
  });
  await deps.queue.schedule(REMINDERS_QUEUE, '* * * * *');
  await deps.queue.send(REMINDERS_QUEUE, {});
}
