import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

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

const count = async (sql: string, params: unknown[] = [workspaceId]) => (await t.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;

describe('POST /demo-data', () => {
  it('is refused to members, read-only users and read-only keys, and changes nothing', async () => {
    const member = await addMember(owner, 'member');
    const readOnly = await addMember(owner, 'read_only');
    const readKey = await apiKeyClient(owner, 'read');
    for (const client of [member.client, readOnly.client, readKey.client]) {
      const res = await client.post('/api/v1/demo-data');
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
    expect(await count('SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1')).toBe(0);
  });

  it('fills an empty workspace with a realistic, audited sample', async () => {
    const res = await owner.post('/api/v1/demo-data');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ companies: 40, contacts: 250, deals: 60, activities: 400, tasks: 40 });

    const contacts = (await owner.get('/api/v1/contacts?limit=5')).json();
    expect(contacts.total).toBe(250);
    for (const c of contacts.data) {
      expect(c.email).toMatch(/@[a-z]+\.example$/);
      expect(c.phone).toMatch(/^\+44/);
      expect(c.jobTitle).toBeTruthy();
      expect(c.ownerId).toBe(ownerId);
    }
    expect(await count('SELECT count(DISTINCT lifecycle_stage)::int AS n FROM contacts WHERE workspace_id = $1')).toBeGreaterThan(4);
    expect(await count('SELECT count(*)::int AS n FROM contact_companies WHERE workspace_id = $1 AND is_primary')).toBe(250);

    // Three people were entered twice, as in real data: the duplicates review finds each pair with its reason.
    const pairs = (await owner.get('/api/v1/contacts/duplicates?limit=100')).json().data as { reasons: string[] }[];
    const reasons = pairs.flatMap((p) => p.reasons);
    for (const reason of ['same_email', 'same_phone', 'similar_name_same_company']) expect(reasons).toContain(reason);

    const companies = (await owner.get('/api/v1/companies?limit=100')).json();
    expect(companies.total).toBe(40);
    expect(companies.data.every((c: { domain: string; industry: string }) => c.domain && c.industry)).toBe(true);

    const deals = (await owner.post('/api/v1/deals/search', { limit: 100 })).json().data as {
      status: string;
      stageId: string;
      amount: number;
      rotten: boolean;
      contacts: unknown[];
    }[];
    expect(deals).toHaveLength(60);
    expect(deals.filter((d) => d.status === 'won').length).toBeGreaterThan(0);
    expect(deals.filter((d) => d.status === 'lost').length).toBeGreaterThan(0);
    expect(deals.filter((d) => d.rotten)).toHaveLength(2);
    expect(new Set(deals.map((d) => d.stageId)).size).toBe(5);
    expect(deals.every((d) => d.amount > 0 && d.contacts.length === 1)).toBe(true);

    // Activities are spread over the last 90 days, of every kind, and linked to deals too.
    const kinds = await t.db.query<{ kind: string; n: number; oldest: Date; newest: Date }>(
      `SELECT kind, count(*)::int AS n, min(occurred_at) AS oldest, max(occurred_at) AS newest
       FROM activities WHERE workspace_id = $1 GROUP BY kind ORDER BY kind`,
      [workspaceId],
    );
    expect(kinds.rows.map((r) => [r.kind, r.n])).toEqual([
      ['call', 100],
      ['email', 100],
      ['meeting', 100],
      ['note', 100],
    ]);
    for (const r of kinds.rows) {
      expect(r.newest.getTime()).toBeLessThanOrEqual(Date.now());
      expect(r.oldest.getTime()).toBeGreaterThan(Date.now() - 91 * 86_400_000);
    }
    expect(
      await count(`SELECT count(DISTINCT record_id)::int AS n FROM activity_links WHERE workspace_id = $1 AND record_type = 'deal'`),
    ).toBeGreaterThan(40);

    // Tasks for the caller: some overdue, some due today, most upcoming.
    const bucket = async (name: string) =>
      (await owner.get(`/api/v1/tasks/mine?bucket=${name}&limit=100`)).json().data as { assigneeId: string }[];
    const [overdue, today, upcoming] = [await bucket('overdue'), await bucket('today'), await bucket('upcoming')];
    expect(overdue.length).toBeGreaterThan(5);
    expect(today.length).toBeGreaterThan(0);
    expect(upcoming.length).toBeGreaterThan(10);
    expect(overdue.length + today.length + upcoming.length).toBe(40);
    expect([...overdue, ...today, ...upcoming].every((task) => task.assigneeId === ownerId)).toBe(true);

    // Audited the normal way, by the caller.
    expect(
      await count(
        `SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND action = 'create' AND actor_id = $2 AND record_type = 'contact'`,
        [workspaceId, ownerId],
      ),
    ).toBe(250);
  }, 60_000);

  it('refuses a second load with 409 and adds nothing', async () => {
    const res = await owner.post('/api/v1/demo-data');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('conflict');
    expect(await count('SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1')).toBe(250);
    expect(await count('SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1')).toBe(40);
  });

  it('loads into a second workspace the same sample, separately', async () => {
    const other = await signUp(t.app);
    await other.client.post('/api/v1/contacts', { firstName: 'Real' });
    expect((await other.client.post('/api/v1/demo-data')).statusCode).toBe(409);
    expect(await count('SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1', [other.workspaceId])).toBe(1);
  });
});
