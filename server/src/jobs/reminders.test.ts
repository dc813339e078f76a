import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';
import { REMINDERS_QUEUE, scheduleReminders, sendDueReminders } from './reminders.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
});
afterAll(() => t.close());

async function task(body: Record<string, unknown>, client = owner) {
  const res = await client.post('/api/v1/tasks', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const reminders = async (taskId: string) =>
  (
    await t.db.query<{ user_id: string; kind: string; title: string; record_id: string }>(
      'SELECT user_id, kind, title, record_id FROM notifications WHERE source_key = $1',
      [`task-reminder:${taskId}`],
    )
  ).rows;
const remindedAt = async (taskId: string) =>
  (await t.db.query<{ reminded_at: Date | null }>('SELECT reminded_at FROM tasks WHERE id = $1', [taskId])).rows[0]?.reminded_at ?? null;

describe('task reminders', () => {
  it('notifies the assignee once per due reminder, however often the sweep runs', async () => {
    const member = await addMember(owner, 'member');
    const due = await task({ title: 'Call Sarah', remindAt: ago(60_000), assigneeId: member.userId });
    const later = await task({ title: 'Later', remindAt: new Date(Date.now() + 3_600_000).toISOString() });
    const completed = await task({ title: 'Done already', remindAt: ago(60_000) });
    await owner.post(`/api/v1/tasks/${completed.id}/complete`);
    const binned = await task({ title: 'Binned', remindAt: ago(60_000) });
    await owner.delete(`/api/v1/tasks/${binned.id}`);

    expect(await sendDueReminders(t.db)).toBe(1);
    expect(await sendDueReminders(t.db)).toBe(0);
    expect(await reminders(due.id)).toEqual([
      { user_id: member.userId, kind: 'task_reminder', title: 'Reminder: Call Sarah', record_id: due.id },
    ]);
    expect(await remindedAt(due.id)).not.toBeNull();
    for (const other of [later, completed, binned]) expect(await reminders(other.id)).toEqual([]);

    // Even if a sweep found the task again (a crash after the insert), the source key keeps one notification.
    await t.db.query('UPDATE tasks SET reminded_at = NULL WHERE id = $1', [due.id]);
    expect(await sendDueReminders(t.db)).toBe(1);
    expect(await reminders(due.id)).toHaveLength(1);

    const inbox = (await member.client.get('/api/v1/notifications')).json();
    expect(inbox.unreadCount).toBe(1);
    expect(inbox.data[0]).toMatchObject({
      kind: 'task_reminder',
      title: 'Reminder: Call Sarah',
      record: { recordType: 'task', recordId: due.id },
    });
  });

  it('works through many tasks in batches', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await task({ title: `Batch ${i}`, remindAt: ago(1000) })).id);
    expect(await sendDueReminders(t.db, { batchSize: 3 })).toBe(7);
    for (const id of ids) expect(await reminders(id)).toHaveLength(1);
  });

  it('fires again after its time is moved, with a fresh notification', async () => {
    const t1 = await task({ title: 'Moved', remindAt: ago(1000) });
    await sendDueReminders(t.db);
    await owner.post(`/api/v1/notifications/${(await owner.get('/api/v1/notifications')).json().data[0].id}/read`);
    const res = await owner.patch(`/api/v1/tasks/${t1.id}`, { remindAt: ago(500) });
    expect(res.json().remindedAt).toBeNull();
    expect(await reminders(t1.id)).toEqual([]);
    expect(await sendDueReminders(t.db)).toBe(1);
    const inbox = (await owner.get('/api/v1/notifications?unread=true')).json();
    expect(inbox.data.map((n: { record: { recordId: string } }) => n.record.recordId)).toContain(t1.id);
  });

  it('a reminder that fell due while no worker ran fires when the worker starts, then every minute', async () => {
    // Due an hour ago, while "the server was down": nothing has swept it yet.
    const missed = await task({ title: 'Missed while down', remindAt: ago(3_600_000) });
    expect(await reminders(missed.id)).toEqual([]);
    await t.deps.queue.start();
    await scheduleReminders(t.deps);
    const deadline = Date.now() + 20_000;
    while ((await reminders(missed.id)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await reminders(missed.id)).toEqual([
      { user_id: ownerId, kind: 'task_reminder', title: 'Reminder: Missed while down', record_id: missed.id },
    ]);
    const schedule = await t.db.query<{ cron: string }>('SELECT cron FROM pgboss.schedule WHERE name = $1', [REMINDERS_QUEUE]);
    expect(schedule.rows).toEqual([{ cron: '* * * * *' }]);
  });
});
