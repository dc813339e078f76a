import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let member: Client;
let readOnly: Client;
beforeAll(async () => {
  t = await createTestApp();
  owner = (await signUp(t.app)).client;
  member = (await addMember(owner, 'member')).client;
  readOnly = (await addMember(owner, 'read_only')).client;
  await owner.post('/api/v1/custom-fields', {
    objectType: 'contact',
    label: 'Tier',
    type: 'single_select',
    options: [{ value: 'gold', label: 'Gold' }],
  });
});
afterAll(() => t.close());

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();
const leads = {
  objectType: 'contact',
  name: 'Gold leads',
  filterGroups: [
    {
      filters: [
        { field: 'lifecycleStage', operator: 'eq', value: 'lead' },
        { field: 'custom.tier', operator: 'eq', value: 'gold' },
      ],
    },
  ],
  sort: [{ field: 'custom.tier', direction: 'desc' }],
  columns: ['name', 'email', 'custom.tier', 'lifecycleStage'],
};

describe('saved views', () => {
  it('saves filters, sort and columns; a private view is its owner’s alone, a shared one everyone’s', async () => {
    const mine = await member.post('/api/v1/views', leads);
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({ ...leads, visibility: 'private' });
    const shared = await member.post('/api/v1/views', { ...leads, name: 'Team leads', visibility: 'workspace' });
    expect(shared.statusCode).toBe(201);

    const ownerSees = (await owner.get('/api/v1/views?objectType=contact')).json().data.map((v: { name: string }) => v.name);
    expect(ownerSees).toEqual(['Team leads']);
    expect((await owner.get(`/api/v1/views/${mine.json().id}`)).statusCode).toBe(404);
    expect((await member.get('/api/v1/views?objectType=deal')).json().data).toEqual([]);
    const memberSees = (await member.get('/api/v1/views'))
      .json()
      .data.map((v: { name: string }) => v.name)
      .sort();
    expect(memberSees).toEqual(['Gold leads', 'Team leads']);

    // The saved filter runs as saved.
    const view = mine.json();
    const run = await member.post('/api/v1/contacts/search', { filterGroups: view.filterGroups, sort: view.sort });
    expect(run.statusCode).toBe(200);

    const renamed = await member.patch(`/api/v1/views/${view.id}`, { name: 'Golden leads' }, { 'if-match': '"1"' });
    expect(renamed.json().name).toBe('Golden leads');
    expect((await member.patch(`/api/v1/views/${view.id}`, { name: 'Stale' }, { 'if-match': '"1"' })).statusCode).toBe(412);
    expect((await member.delete(`/api/v1/views/${view.id}`)).statusCode).toBe(204);
    expect((await member.get(`/api/v1/views/${view.id}`)).statusCode).toBe(404);
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${view.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual(['create', 'delete', 'update']);
  });

  it("only an admin changes someone else's shared view; read-only people keep private views", async () => {
    const shared = (await member.post('/api/v1/views', { ...leads, name: 'Shared by member', visibility: 'workspace' })).json();
    const other = (await addMember(owner, 'member')).client;
    expect((await other.patch(`/api/v1/views/${shared.id}`, { name: 'Mine now' })).statusCode).toBe(403);
    expect((await other.delete(`/api/v1/views/${shared.id}`)).statusCode).toBe(403);
    expect((await owner.patch(`/api/v1/views/${shared.id}`, { name: 'Curated' })).json().name).toBe('Curated');

    expect((await readOnly.post('/api/v1/views', leads)).statusCode).toBe(201);
    expect((await readOnly.post('/api/v1/views', { ...leads, visibility: 'workspace' })).statusCode).toBe(403);
    const key = (await apiKeyClient(owner, 'read')).client;
    expect((await key.post('/api/v1/views', leads)).statusCode).toBe(403);
    expect((await key.get('/api/v1/views')).statusCode).toBe(200);
  });

  it('refuses unknown fields, operators, sorts and columns, naming each, and saves nothing', async () => {
    const before = (await member.get('/api/v1/views?limit=500')).json().data.length;
    const res = await member.post('/api/v1/views', {
      ...leads,
      filterGroups: [
        {
          filters: [
            { field: 'shoeSize', operator: 'eq', value: 1 },
            { field: 'lifecycleStage', operator: 'eq', value: 'king' },
          ],
        },
      ],
      sort: [{ field: 'nope' }],
      columns: ['name', 'bogus'],
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(
      expect.arrayContaining(['body.filterGroups[0].filters[0].field', 'body.filterGroups[0].filters[1].value']),
    );
    const second = await member.post('/api/v1/views', { ...leads, sort: [{ field: 'nope' }], columns: ['name', 'bogus'] });
    expect(fieldsOf(second)).toEqual(['body.columns[1]', 'body.sort[0].field']);
    expect((await member.post('/api/v1/views', { ...leads, objectType: 'planet' })).statusCode).toBe(400);
    expect((await member.get('/api/v1/views?limit=500')).json().data.length).toBe(before);
    expect((await member.get('/api/v1/views?cursor=nonsense')).statusCode).toBe(400);
  });
});
