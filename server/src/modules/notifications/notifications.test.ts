import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
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

/** A notification for `userId`, written straight to its table (reminders have their own test). */
async function notify(userId: string, title: string): Promise<string> {
  const id = newId();
  await t.db.query('INSERT INTO notifications (workspace_id, id, user_id, kind, title) VALUES ($1, $2, $3, $4, $5)', [
    workspaceId,
    id,
    userId,
    'test',
    title,
  ]);
  return id;
}

describe('notifications', () => {
  it("shows each person only their own, newest first, paged, with the unread count; another's id is 404", async () => {
    const colleague = await addMember(owner, 'member');
    const mine = [await notify(ownerId, 'one'), await notify(ownerId, 'two'), await notify(ownerId, 'three')];
    const theirs = await notify(colleague.userId, 'private');

    const page1 = (await owner.get('/api/v1/notifications?limit=2')).json();
    expect(page1.data.map((n: { title: string }) => n.title)).toEqual(['three', 'two']);
    expect(page1.unreadCount).toBe(3);
    const page2 = (await owner.get(`/api/v1/notifications?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ data: [{ title: 'one', readAt: null }], nextCursor: null });

    const theirView = (await colleague.client.get('/api/v1/notifications')).json();
    expect(theirView.data.map((n: { id: string }) => n.id)).toEqual([theirs]);
    expect((await owner.post(`/api/v1/notifications/${theirs}/read`)).statusCode).toBe(404);
    expect((await colleague.client.post(`/api/v1/notifications/${mine[0]}/read`)).statusCode).toBe(404);
    expect((await owner.post(`/api/v1/notifications/${newId()}/read`)).statusCode).toBe(404);

    const read = await owner.post(`/api/v1/notifications/${mine[1]}/read`);
    expect(read.statusCode).toBe(200);
    expect(Date.parse(read.json().readAt)).toBeGreaterThan(Date.now() - 60_000);
    // Reading it again keeps the first time it was read.
    expect((await owner.post(`/api/v1/notifications/${mine[1]}/read`)).json().readAt).toBe(read.json().readAt);
    const unread = (await owner.get('/api/v1/notifications?unread=true')).json();
    expect(unread.data.map((n: { title: string }) => n.title)).toEqual(['three', 'one']);
    expect(unread.unreadCount).toBe(2);

    expect((await owner.post('/api/v1/notifications/read-all')).json()).toEqual({ marked: 2 });
    expect((await owner.get('/api/v1/notifications')).json().unreadCount).toBe(0);
    // The colleague's stays unread.
    expect((await colleague.client.get('/api/v1/notifications')).json().unreadCount).toBe(1);
    const audit = await t.db.query<{ record_id: string }>("SELECT record_id FROM record_changes WHERE record_type = 'notification'");
    expect(audit.rows.map((r) => r.record_id).sort()).toEqual([...mine].sort());
  });

  it('an API key sees the notifications of the person who made it', async () => {
    const { client } = await apiKeyClient(owner, 'read');
    const id = await notify(ownerId, 'for the key');
    expect((await client.get('/api/v1/notifications')).json().data.map((n: { id: string }) => n.id)).toContain(id);
  });
});
