import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp, uniqueEmail } from '../test/helpers.ts';
import type { Actor } from './context.ts';
import { type Action, actions, can, mayGrantRole, type Role, roles } from './policies.ts';

const user: Actor = { type: 'user', id: 'u1', userId: 'u1' };

/** The expected decision for each role (owner, admin, manager, member, read_only) on someone else's record. */
const matrix: Record<Action, [boolean, boolean, boolean, boolean, boolean]> = {
  'workspace.read': [true, true, true, true, true],
  'workspace.update': [true, true, false, false, false],
  'members.read': [true, true, true, true, true],
  'members.update_role': [true, true, false, false, false],
  'members.remove': [true, true, false, false, false],
  'invitations.manage': [true, true, false, false, false],
  'api_keys.manage': [true, true, false, false, false],
  'webhooks.manage': [true, true, false, false, false],
  'custom_fields.manage': [true, true, false, false, false],
  'pipelines.manage': [true, true, false, false, false],
  'audit.read': [true, true, false, false, false],
  'records.read': [true, true, true, true, true],
  'records.create': [true, true, true, true, false],
  'records.update': [true, true, true, false, false],
  'records.delete': [true, true, true, false, false],
  'records.reassign': [true, true, true, false, false],
  'calendar_feed.manage': [true, true, true, true, true],
  'forms.manage': [true, true, true, false, false],
  'workspace.export': [true, true, false, false, false],
  'workspace.import': [true, true, false, false, false],
  'imports.read': [true, true, true, true, true],
  'imports.manage': [true, true, true, true, false],
};

describe('policy matrix (role × action)', () => {
  it('lists every action', () => {
    expect(Object.keys(matrix).sort()).toEqual([...actions].sort());
  });

  for (const action of actions) {
    it(action, () => {
      const got = roles.map((role) => can({ role, actor: user }, action, { ownerId: 'someone-else' }));
      expect(got).toEqual(matrix[action]);
    });
  }

  it('lets a member update and delete records they own, but not reassign them; read-only never writes', () => {
    const own = { ownerId: 'u1' };
    expect(can({ role: 'member', actor: user }, 'records.update', own)).toBe(true);
    expect(can({ role: 'member', actor: user }, 'records.delete', own)).toBe(true);
    expect(can({ role: 'member', actor: user }, 'records.reassign', own)).toBe(false);
    expect(can({ role: 'read_only', actor: user }, 'records.update', own)).toBe(false);
    expect(can({ role: 'member', actor: user }, 'records.update', { ownerId: null })).toBe(false);
  });

  it('limits a read-only API key to reading whatever its role', () => {
    const key: Actor = { type: 'api_key', id: 'k', userId: 'u1', scope: 'read' };
    for (const action of actions) {
      const reads = ['workspace.read', 'members.read', 'records.read', 'audit.read', 'imports.read'].includes(action);
      expect(can({ role: 'owner', actor: key }, action)).toBe(reads);
    }
  });

  it('never lets anyone grant a role above their own; only owners grant owner', () => {
    const grants = (r: Role) => roles.filter((target) => mayGrantRole(r, target));
    expect(grants('owner')).toEqual([...roles]);
    expect(grants('admin')).toEqual(['admin', 'manager', 'member', 'read_only']);
    expect(grants('manager')).toEqual([]);
  });
});

describe('roles over HTTP', () => {
  let t: TestApp;
  let owner: Client;
  const as: Partial<Record<Role, Client>> = {};
  let targetMemberId: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await signUp(t.app)).client;
    as.owner = owner;
    for (const role of ['admin', 'manager', 'member', 'read_only'] as const) as[role] = (await addMember(owner, role)).client;
    targetMemberId = (await addMember(owner, 'member')).memberId;
  });
  afterAll(() => t.close());

  const cases: { name: string; expect: [number, number, number, number, number]; run: (c: Client) => Promise<{ statusCode: number }> }[] = [
    { name: 'read members', expect: [200, 200, 200, 200, 200], run: (c) => c.get('/api/v1/members') },
    { name: 'read workspace', expect: [200, 200, 200, 200, 200], run: (c) => c.get('/api/v1/workspace') },
    {
      name: 'update workspace',
      expect: [200, 200, 403, 403, 403],
      run: (c) => c.patch('/api/v1/workspace', { settings: { currency: 'EUR' } }),
    },
    { name: 'list API keys', expect: [200, 200, 403, 403, 403], run: (c) => c.get('/api/v1/api-keys') },
    { name: 'create API key', expect: [201, 201, 403, 403, 403], run: (c) => c.post('/api/v1/api-keys', { name: 'k' }) },
    {
      name: 'invite',
      expect: [201, 201, 403, 403, 403],
      run: (c) => c.post('/api/v1/invitations', { email: uniqueEmail(), role: 'member' }),
    },
    {
      name: 'change a role',
      expect: [200, 200, 403, 403, 403],
      run: (c) => c.patch(`/api/v1/members/${targetMemberId}`, { role: 'member' }),
    },
    { name: 'read the audit log', expect: [200, 200, 403, 403, 403], run: (c) => c.get('/api/v1/record-changes') },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const got: number[] = [];
      for (const role of roles) got.push((await c.run(as[role] as Client)).statusCode);
      expect(got).toEqual(c.expect);
    });
  }

  it('an admin cannot invite or promote anyone to owner; the last owner cannot be demoted', async () => {
    const admin = as.admin as Client;
    expect((await admin.post('/api/v1/invitations', { email: uniqueEmail(), role: 'owner' })).statusCode).toBe(403);
    expect((await admin.patch(`/api/v1/members/${targetMemberId}`, { role: 'owner' })).statusCode).toBe(403);
    const ownerMember = (await owner.get('/api/v1/members?limit=100')).json().data.find((m: { role: string }) => m.role === 'owner');
    const demote = await owner.patch(`/api/v1/members/${ownerMember.id}`, { role: 'admin' });
    expect(demote.statusCode).toBe(409);
    expect((await owner.get(`/api/v1/members/${ownerMember.id}`)).json().role).toBe('owner');
  });
});

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('shows the secret once and stores only its hash', async () => {
    const { client, workspaceId } = await signUp(t.app);
    const res = await client.post('/api/v1/api-keys', { name: 'zapier', scope: 'read' });
    const { key, apiKey } = res.json();
    expect(key).toMatch(/^rap_[\w-]{40,}$/);
    expect(apiKey.prefix).toBe(key.slice(0, 12));
    const stored = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE workspace_id = $1', [workspaceId]);
    expect(stored.rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.rows)).not.toContain(key);
    const listed = (await client.get('/api/v1/api-keys')).body;
    expect(listed).not.toContain(key);
  });

  it('a read key reads but cannot write; a read-write key can; both record last use', async () => {
    const { client } = await signUp(t.app);
    const read = await apiKeyClient(client, 'read');
    const write = await apiKeyClient(client, 'read_write');
    expect((await read.client.get('/api/v1/members')).statusCode).toBe(200);
    const denied = await read.client.patch('/api/v1/workspace', { name: 'nope' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toContain('read-only');
    expect((await client.get('/api/v1/workspace')).json().name).not.toBe('nope');
    expect((await write.client.patch('/api/v1/workspace', { name: 'yes' })).statusCode).toBe(200);
    const keys = (await client.get('/api/v1/api-keys')).json().data;
    for (const k of keys) expect(k.lastUsedAt).not.toBeNull();
  });

  it('keys do not need CSRF tokens, and a revoked key is refused at once', async () => {
    const { client } = await signUp(t.app);
    const { client: keyClient, id } = await apiKeyClient(client);
    expect((await keyClient.post('/api/v1/api-keys', { name: 'from a script' })).statusCode).toBe(201);
    expect((await client.delete(`/api/v1/api-keys/${id}`)).statusCode).toBe(204);
    const after = await keyClient.get('/api/v1/members');
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthorized');
  });

  it('stops working when its creator leaves the workspace', async () => {
    const { client } = await signUp(t.app);
    const admin = await addMember(client, 'admin');
    const { client: keyClient } = await apiKeyClient(admin.client);
    expect((await keyClient.get('/api/v1/me')).statusCode).toBe(200);
    expect((await client.delete(`/api/v1/members/${admin.memberId}`)).statusCode).toBe(204);
    expect((await keyClient.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('rejects a malformed Authorization header and an unknown key', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } });
    expect(bad.statusCode).toBe(401);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer rap_unknownkeyvalue' } });
    expect(unknown.statusCode).toBe(401);
  });
});
