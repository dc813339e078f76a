import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  workspaceId = s.workspaceId;
});
afterAll(() => t.close());

async function created(path: string, body: Record<string, unknown>, client = owner) {
  const res = await client.post(path, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();
const timelineKinds = async (recordId: string) =>
  (
    await t.db.query<{ kind: string; task_id: string | null; data: Record<string, unknown> }>(
      "SELECT kind, task_id, data FROM timeline_entries WHERE record_id = $1 AND kind LIKE 'task%' ORDER BY id",
      [recordId],
    )
  ).rows;

/** The next midnight in `timeZone`, as the database computes it. */
async function nextMidnight(timeZone: string): Promise<Date> {
  const res = await t.db.query<{ at: Date }>("SELECT (date_trunc('day', now() AT TIME ZONE $1) + interval '1 day') AT TIME ZONE $1 AS at", [
    timeZone,
  ]);
  return res.rows[0]?.at as Date;
}

describe('tasks', () => {
  it('creates a task for its creator, on its record timeline; completing and reopening it', async () => {
    const contact = (await created('/api/v1/contacts', { firstName: 'Follow' })).id;
    const task = await created('/api/v1/tasks', {
      title: 'Send the quote',
      notes: 'Include the discount',
      dueAt: '2030-06-01T09:00:00+02:00',
      priority: 'high',
      record: { recordType: 'contact', recordId: contact },
    });
    expect(task).toMatchObject({
      title: 'Send the quote',
      dueAt: '2030-06-01T07:00:00.000Z',
      priority: 'high',
      status: 'open',
      completedAt: null,
      assigneeId: ownerId,
      createdBy: ownerId,
      record: { recordType: 'contact', recordId: contact },
    });
    expect(await timelineKinds(contact)).toEqual([{ kind: 'task_created', task_id: task.id, data: { title: 'Send the quote' } }]);

    const done = await owner.post(`/api/v1/tasks/${task.id}/complete`, {}, { 'if-match': '"1"' });
    expect(done.statusCode).toBe(200);
    expect(done.json().status).toBe('completed');
    expect(Date.parse(done.json().completedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await timelineKinds(contact)).map((e) => e.kind)).toEqual(['task_created', 'task_completed']);
    const timeline = (await owner.get(`/api/v1/contacts/${contact}/timeline?kind=task_completed`)).json().data;
    expect(timeline).toMatchObject([{ kind: 'task_completed', taskId: task.id, data: { title: 'Send the quote' } }]);

    // Completing again changes nothing and adds nothing to the timeline.
    const again = await owner.post(`/api/v1/tasks/${task.id}/complete`);
    expect(again.json().completedAt).toBe(done.json().completedAt);
    expect(await timelineKinds(contact)).toHaveLength(2);

    const reopened = await owner.patch(`/api/v1/tasks/${task.id}`, { status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', completedAt: null });
    const audit = await t.db.query<{ action: string; changes: Record<string, { to: unknown }> }>(
      "SELECT action, changes FROM record_changes WHERE record_type = 'task' AND record_id = $1 ORDER BY id",
      [task.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'update', 'update']);
    expect(audit.rows[1]?.changes.status?.to).toBe('completed');
    expect(audit.rows[2]?.changes.status?.to).toBe('open');
  });

  it('refuses an assignee from outside the workspace and a record that does not exist, changing nothing', async () => {
    const stranger = await signUp(t.app, { workspaceName: 'Strangers' });
    const before = (await t.db.query('SELECT 1 FROM tasks WHERE workspace_id = $1', [workspaceId])).rows.length;
    const res = await owner.post('/api/v1/tasks', {
      title: 'Bad',
      assigneeId: stranger.userId,
      record: { recordType: 'deal', recordId: newId() },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.assigneeId', 'body.record']);
    const foreignContact = (await created('/api/v1/contacts', { firstName: 'Theirs' }, stranger.client)).id;
    const foreign = await owner.post('/api/v1/tasks', { title: 'Bad', record: { recordType: 'contact', recordId: foreignContact } });
    expect(fieldsOf(foreign)).toEqual(['body.record']);
    expect(fieldsOf(await owner.post('/api/v1/tasks', { title: '  ' }))).toEqual(['body.title']);
    expect(fieldsOf(await owner.post('/api/v1/tasks', { title: 'x', priority: 'urgent' }))).toEqual(['body.priority']);
    expect((await t.db.query('SELECT 1 FROM tasks WHERE workspace_id = $1', [workspaceId])).rows.length).toBe(before);
  });

  it("sorts the caller's open tasks into overdue, today and upcoming by the workspace's time zone", async () => {
    const me = await addMember(owner, 'member');
    const hour = 3_600_000;
    // Two zones whose midnights are an hour apart: UTC+14 and UTC-11.
    const east = await nextMidnight('Pacific/Kiritimati');
    const west = await nextMidnight('Pacific/Pago_Pago');
    const [early, late] = east < west ? [east, west] : [west, east];
    const between = new Date(early.getTime() + hour / 2);
    const task = (title: string, dueAt: Date | null, extra: Record<string, unknown> = {}) =>
      created('/api/v1/tasks', { title, dueAt: dueAt?.toISOString() ?? null, ...extra }, me.client);
    const overdue = await task('Overdue', new Date(Date.now() - hour));
    const soon = await task('Soon', new Date(Math.min(Date.now() + 60_000, early.getTime() - 1000)));
    const edge = await task('Between the midnights', between);
    const upcoming = await task('Upcoming', new Date(late.getTime() + 24 * hour));
    await task('No due time', null);
    const done = await task('Done', new Date(Date.now() - 2 * hour));
    await me.client.post(`/api/v1/tasks/${done.id}/complete`);
    await created('/api/v1/tasks', { title: 'Not mine', dueAt: new Date(Date.now() - hour).toISOString() });
    const deleted = await task('Deleted', new Date(Date.now() - hour));
    await me.client.delete(`/api/v1/tasks/${deleted.id}`);

    const bucket = async (name: string) =>
      (await me.client.get(`/api/v1/tasks/mine?bucket=${name}`)).json().data.map((x: { title: string }) => x.title);
    const setZone = (timezone: string) => owner.patch('/api/v1/workspace', { settings: { timezone } });

    // In the zone whose midnight comes later, the task between the two midnights is due today.
    await setZone(late === east ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago');
    expect(await bucket('overdue')).toEqual([overdue.title]);
    expect(await bucket('today')).toEqual([soon.title, edge.title]);
    expect(await bucket('upcoming')).toEqual([upcoming.title]);
    // In the other, today ends before it: it is upcoming.
    await setZone(late === east ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati');
    expect(await bucket('today')).toEqual([soon.title]);
    expect(await bucket('upcoming')).toEqual([edge.title, upcoming.title]);

    const page1 = (await me.client.get('/api/v1/tasks/mine?bucket=upcoming&limit=1')).json();
    expect(page1.data.map((x: { id: string }) => x.id)).toEqual([edge.id]);
    const page2 = (await me.client.get(`/api/v1/tasks/mine?bucket=upcoming&limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ data: [{ id: upcoming.id }], nextCursor: null });
    expect((await me.client.get('/api/v1/tasks/mine?bucket=someday')).statusCode).toBe(400);
  });

  it('lists and filters tasks through the shared search', async () => {
    const a = await created('/api/v1/tasks', { title: 'Filter me high', priority: 'high' });
    await created('/api/v1/tasks', { title: 'Filter me low', priority: 'low' });
    const res = await owner.post('/api/v1/tasks/search', {
      filterGroups: [
        {
          filters: [
            { field: 'priority', operator: 'eq', value: 'high' },
            { field: 'title', operator: 'starts_with', value: 'Filter me' },
          ],
        },
      ],
    });
    expect(res.json()).toMatchObject({ total: 1, data: [{ id: a.id }] });
    expect((await owner.get('/api/v1/tasks?q=filter%20me&sort=title')).json().data.map((x: { title: string }) => x.title)).toEqual([
      'Filter me high',
      'Filter me low',
    ]);
    expect((await owner.get(`/api/v1/tasks/${a.id}`)).headers.etag).toBe('"1"');
  });

  it('re-arms the reminder when its time changes', async () => {
    const task = await created('/api/v1/tasks', { title: 'Remind me', remindAt: new Date(Date.now() - 1000).toISOString() });
    await t.db.query('UPDATE tasks SET reminded_at = now() WHERE id = $1', [task.id]);
    expect((await owner.patch(`/api/v1/tasks/${task.id}`, { title: 'Renamed' })).json().remindedAt).not.toBeNull();
    const moved = await owner.patch(`/api/v1/tasks/${task.id}`, { remindAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(moved.json().remindedAt).toBeNull();
  });

  it('read-only members cannot write; members change tasks assigned to them or that they made, not others', async () => {
    const readOnly = await addMember(owner, 'read_only');
    const member = await addMember(owner, 'member');
    const colleague = await addMember(owner, 'member');
    expect((await readOnly.client.post('/api/v1/tasks', { title: 'No' })).statusCode).toBe(403);
    const ownersTask = await created('/api/v1/tasks', { title: 'Owner task' });
    const assignedToMember = await created('/api/v1/tasks', { title: 'For member', assigneeId: member.userId });
    const madeByMember = await created('/api/v1/tasks', { title: 'Delegated', assigneeId: colleague.userId }, member.client);
    expect(madeByMember.assigneeId).toBe(colleague.userId);
    for (const path of [`/api/v1/tasks/${ownersTask.id}/complete`, `/api/v1/tasks/${assignedToMember.id}/complete`]) {
      expect((await readOnly.client.post(path)).statusCode).toBe(403);
    }
    expect((await readOnly.client.delete(`/api/v1/tasks/${ownersTask.id}`)).statusCode).toBe(403);
    expect((await member.client.patch(`/api/v1/tasks/${ownersTask.id}`, { title: 'Mine now' })).statusCode).toBe(403);
    expect((await member.client.post(`/api/v1/tasks/${assignedToMember.id}/complete`)).statusCode).toBe(200);
    expect((await member.client.patch(`/api/v1/tasks/${madeByMember.id}`, { priority: 'low' })).statusCode).toBe(200);
    expect((await colleague.client.post(`/api/v1/tasks/${madeByMember.id}/complete`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/tasks/${ownersTask.id}`)).json()).toMatchObject({ title: 'Owner task', status: 'open' });
  });
});
