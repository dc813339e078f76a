import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
beforeAll(async () => {
  t = await createTestApp();
  owner = (await signUp(t.app)).client;
});
afterAll(() => t.close());

describe('trash', () => {
  it('lists deleted records newest first with their purge date, pages, and forgets restored ones', async () => {
    const ids: string[] = [];
    for (const name of ['One', 'Two', 'Three']) {
      const c = (await owner.post('/api/v1/contacts', { firstName: name, lastName: 'Binned' })).json();
      await owner.delete(`/api/v1/contacts/${c.id}`);
      ids.push(c.id);
    }
    const first = await owner.get('/api/v1/trash?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.data.map((i: { title: string }) => i.title)).toEqual(['Three Binned', 'Two Binned']);
    const item = page.data[0];
    expect(item).toMatchObject({ objectType: 'contact', id: ids[2], restorePath: `/api/v1/contacts/${ids[2]}/restore` });
    expect(Date.parse(item.purgeAt) - Date.parse(item.deletedAt)).toBe(30 * 86_400_000);
    const second = (await owner.get(`/api/v1/trash?limit=2&cursor=${page.nextCursor}`)).json();
    expect(second.data.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    await owner.post(item.restorePath);
    const after = (await owner.get('/api/v1/trash?objectType=contact')).json();
    expect(after.data.map((i: { id: string }) => i.id)).toEqual([ids[1], ids[0]]);
  });
});
