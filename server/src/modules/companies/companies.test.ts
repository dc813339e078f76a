import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseDomain } from './companies.normalize.ts';

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
  await owner.patch('/api/v1/workspace', { settings: { phoneRegion: 'GB', currency: 'EUR' } });
});
afterAll(() => t.close());

async function createCompany(body: Record<string, unknown>, client = owner) {
  const res = await client.post('/api/v1/companies', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();
const count = async (table: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

/** A deal at `companyId`, written straight to the table (deals have their own module and tests). */
async function insertDeal(companyId: string, deal: { name: string; amount?: number; status?: string; deleted?: boolean; close?: string }) {
  const pipelineId = newId();
  const stageId = newId();
  await t.db.query('INSERT INTO pipelines (workspace_id, id, name) VALUES ($1, $2, $3)', [workspaceId, pipelineId, `P ${deal.name}`]);
  await t.db.query(
    'INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability) VALUES ($1, $2, $3, $4, 0, 10)',
    [workspaceId, stageId, pipelineId, 'Qualified'],
  );
  const id = newId();
  await t.db.query(
    `INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, amount, currency, owner_id, company_id, status, expected_close_date, deleted_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'EUR', $7, $8, $9, $10, $11)`,
    [
      workspaceId,
      id,
      deal.name,
      pipelineId,
      stageId,
      deal.amount ?? null,
      ownerId,
      companyId,
      deal.status ?? 'open',
      deal.close ?? null,
      deal.deleted ? new Date() : null,
    ],
  );
  return { id, pipelineId, stageId };
}

describe('domain normalisation', () => {
  it('reduces a pasted website to its bare, lower-case host', () => {
    expect(normaliseDomain('https://www.Acme.com/path?x')).toBe('acme.com');
    expect(normaliseDomain('WWW.ACME.COM')).toBe('acme.com');
    expect(normaliseDomain('acme.com.')).toBe('acme.com');
    expect(normaliseDomain('  http://shop.acme.co.uk:8080/#top ')).toBe('shop.acme.co.uk');
    expect(normaliseDomain('//acme.com/about')).toBe('acme.com');
    expect(normaliseDomain('münchen.de')).toBe('xn--mnchen-3ya.de');
    expect(normaliseDomain('www.com')).toBe('www.com');
  });

  it('refuses what is not a hostname with a dot', () => {
    for (const bad of [
      '',
      'acme',
      'localhost',
      '1.2.3.4',
      'someone@acme.com',
      'acme..com',
      '-acme.com',
      'a b.com',
      'acme_x.com',
      '[::1]',
    ]) {
      expect(normaliseDomain(bad), bad).toBeUndefined();
    }
  });
});

describe('companies', () => {
  it('creates a company with normalised domain, phone and money, defaults, ETag, audit and timeline', async () => {
    const res = await owner.post('/api/v1/companies', {
      name: '  Acme Corp ',
      domain: 'https://www.Acme-Corp.example/pricing?ref=x',
      industry: 'Manufacturing',
      employeeCount: 250,
      annualRevenue: 1_250_000_00,
      phone: '020 7946 0018',
      address: { city: 'London', country: 'GB', region: '' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const c = res.json();
    expect(res.headers.location).toBe(`/api/v1/companies/${c.id}`);
    expect(c).toMatchObject({
      name: 'Acme Corp',
      domain: 'acme-corp.example',
      industry: 'Manufacturing',
      employeeCount: 250,
      annualRevenue: 125_000_000,
      annualRevenueCurrency: 'EUR',
      phone: '+442079460018',
      address: { city: 'London', country: 'GB' },
      parentCompanyId: null,
      ownerId,
      custom: {},
    });
    expect((await owner.get(`/api/v1/companies/${c.id}`)).json()).toEqual(c);
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${c.id}`)).json().data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      recordType: 'company',
      action: 'create',
      changes: { domain: { from: null, to: 'acme-corp.example' } },
    });
    const events = await t.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE record_id = $1', [c.id]);
    expect(events.rows.map((e) => e.type)).toEqual(['company.created']);
    const timeline = await t.db.query('SELECT record_type, kind, data FROM timeline_entries WHERE record_id = $1', [c.id]);
    expect(timeline.rows).toEqual([{ record_type: 'company', kind: 'created', data: { name: 'Acme Corp' } }]);
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const before = await count('companies');
    const res = await owner.post('/api/v1/companies', {
      domain: 'not a domain',
      phone: '12',
      annualRevenue: 100,
      annualRevenueCurrency: 'ZZZ',
      ownerId: '01a20000-0000-7000-8000-000000000000',
      parentCompanyId: '01a20000-0000-7000-8000-000000000001',
      custom: { nope: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(fieldsOf(res)).toEqual([
      'body.annualRevenueCurrency',
      'body.custom.nope',
      'body.domain',
      'body.name',
      'body.ownerId',
      'body.parentCompanyId',
      'body.phone',
    ]);
    const shape = await owner.post('/api/v1/companies', { name: 'X', employeeCount: -1, annualRevenue: 1.5, colour: 'red' });
    expect(shape.statusCode).toBe(400);
    expect(fieldsOf(shape)).toEqual(['body.annualRevenue', 'body.colour', 'body.employeeCount']);
    expect(await count('companies')).toBe(before);
  });

  it('keeps domains unique among live companies (409 naming body.domain), freeing a trashed one', async () => {
    const first = await createCompany({ name: 'Dup One', domain: 'https://www.dup.example/' });
    const clash = await owner.post('/api/v1/companies', { name: 'Dup Two', domain: 'DUP.EXAMPLE.' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('conflict');
    expect(clash.json().errors).toEqual([{ field: 'body.domain', message: `Already used by company ${first.id}`, code: 'duplicate' }]);
    const other = await createCompany({ name: 'Dup Three', domain: 'dup3.example' });
    const moved = await owner.patch(`/api/v1/companies/${other.id}`, { domain: 'www.dup.example' });
    expect(moved.statusCode).toBe(409);
    expect(fieldsOf(moved)).toEqual(['body.domain']);
    expect((await owner.patch(`/api/v1/companies/${first.id}`, { domain: 'http://dup.example/again' })).statusCode).toBe(200);

    expect((await owner.delete(`/api/v1/companies/${first.id}`)).statusCode).toBe(204);
    const reused = await createCompany({ name: 'Dup Four', domain: 'dup.example' });
    expect(reused.domain).toBe('dup.example');
    const restore = await owner.post(`/api/v1/companies/${first.id}/restore`);
    expect(restore.statusCode).toBe(409);
    expect(fieldsOf(restore)).toEqual(['domain']);
    expect((await owner.get(`/api/v1/companies/${first.id}`)).statusCode).toBe(404);
  });

  it('links parent companies but refuses a missing parent, itself, or a loop', async () => {
    const top = await createCompany({ name: 'Holding' });
    const mid = await createCompany({ name: 'Subsidiary', parentCompanyId: top.id });
    const leaf = await createCompany({ name: 'Branch', parentCompanyId: mid.id });
    expect(leaf.parentCompanyId).toBe(mid.id);
    const self = await owner.patch(`/api/v1/companies/${top.id}`, { parentCompanyId: top.id });
    expect(self.statusCode).toBe(400);
    expect(fieldsOf(self)).toEqual(['body.parentCompanyId']);
    const direct = await owner.patch(`/api/v1/companies/${mid.id}`, { parentCompanyId: leaf.id });
    expect(direct.statusCode).toBe(400);
    expect(fieldsOf(direct)).toEqual(['body.parentCompanyId']);
    const indirect = await owner.patch(`/api/v1/companies/${top.id}`, { parentCompanyId: leaf.id });
    expect(indirect.statusCode).toBe(400);
    expect((await owner.get(`/api/v1/companies/${top.id}`)).json().parentCompanyId).toBeNull();
    await owner.delete(`/api/v1/companies/${top.id}`);
    const trashedParent = await owner.post('/api/v1/companies', { name: 'Orphan', parentCompanyId: top.id });
    expect(fieldsOf(trashedParent)).toEqual(['body.parentCompanyId']);
    await owner.post(`/api/v1/companies/${top.id}/restore`);

    const children = await owner.post('/api/v1/companies/search', {
      filterGroups: [{ filters: [{ field: 'parentCompanyId', operator: 'eq', value: mid.id }] }],
    });
    expect(children.json().data.map((c: { name: string }) => c.name)).toEqual(['Branch']);
    const underHolding = await owner.post('/api/v1/companies/search', {
      filterGroups: [{ filters: [{ association: 'parentCompany', filters: [{ field: 'name', operator: 'eq', value: 'holding' }] }] }],
    });
    expect(underHolding.json().data.map((c: { name: string }) => c.name)).toEqual(['Subsidiary']);
  });

  it('validates company custom fields by type, filters and sorts on them', async () => {
    await owner.post('/api/v1/custom-fields', {
      objectType: 'company',
      label: 'Tier',
      type: 'single_select',
      options: [
        { value: 'gold', label: 'Gold' },
        { value: 'silver', label: 'Silver' },
      ],
    });
    await owner.post('/api/v1/custom-fields', { objectType: 'company', label: 'Seats', type: 'number' });
    await owner.post('/api/v1/custom-fields', { objectType: 'contact', label: 'Nickname', type: 'text' });
    const bad = await owner.post('/api/v1/companies', { name: 'Bad', custom: { tier: 'platinum', seats: 'ten', nickname: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['body.custom.nickname', 'body.custom.seats', 'body.custom.tier']);
    for (const [name, tier, seats] of [
      ['Cf A', 'gold', 10],
      ['Cf B', 'silver', 99],
      ['Cf C', 'gold', 40],
    ] as const) {
      await createCompany({ name, custom: { tier, seats } });
    }
    const res = await owner.post('/api/v1/companies/search', {
      filterGroups: [{ filters: [{ field: 'custom.tier', operator: 'eq', value: 'gold' }] }],
      sort: [{ field: 'custom.seats', direction: 'desc' }],
      fields: ['name', 'custom.seats'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      { id: expect.any(String), name: 'Cf C', custom: { seats: 40 } },
      { id: expect.any(String), name: 'Cf A', custom: { seats: 10 } },
    ]);
    const c = res.json().data[0];
    const cleared = await owner.patch(`/api/v1/companies/${c.id}`, { custom: { seats: null } });
    expect(cleared.json().custom).toEqual({ tier: 'gold' });
  });

  it('finds companies through their contacts and deals', async () => {
    const initech = await createCompany({ name: 'Initech', domain: 'initech.example' });
    const hooli = await createCompany({ name: 'Hooli', domain: 'hooli.example' });
    await owner.post('/api/v1/contacts', { firstName: 'Peter', email: 'peter@initech.example', companies: [{ companyId: initech.id }] });
    await owner.post('/api/v1/contacts', { firstName: 'Gavin', email: 'gavin@hooli.example', companies: [{ companyId: hooli.id }] });
    await insertDeal(hooli.id, { name: 'Hooli renewal', amount: 500_000, status: 'won' });
    await insertDeal(initech.id, { name: 'Initech lost', status: 'lost' });

    const byContact = await owner.post('/api/v1/companies/search', {
      filterGroups: [
        { filters: [{ association: 'contacts', filters: [{ field: 'email', operator: 'contains', value: '@initech.example' }] }] },
      ],
    });
    expect(byContact.statusCode).toBe(200);
    expect(byContact.json().data.map((c: { id: string }) => c.id)).toEqual([initech.id]);
    expect(byContact.json().total).toBe(1);

    const byDeal = await owner.post('/api/v1/companies/search', {
      filterGroups: [
        {
          filters: [
            { association: 'deals', filters: [{ field: 'status', operator: 'eq', value: 'won' }] },
            { field: 'domain', operator: 'is_not_empty' },
          ],
        },
        { filters: [{ field: 'name', operator: 'eq', value: 'no such company' }] },
      ],
    });
    expect(byDeal.json().data.map((c: { id: string }) => c.id)).toEqual([hooli.id]);

    const bad = await owner.post('/api/v1/companies/search', {
      filterGroups: [{ filters: [{ association: 'tickets', filters: [{ field: 'x', operator: 'eq', value: 1 }] }] }],
    });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['filterGroups[0].filters[0].association']);
  });

  it('pages with keyset cursors over any sort (nulls last) without repeats, with the total', async () => {
    const sizes = [5, 50, null, 20, 5, 500];
    for (const [i, employeeCount] of sizes.entries()) await createCompany({ name: `Pager ${i}`, employeeCount, industry: 'Paging' });
    const filterGroups = [{ filters: [{ field: 'industry', operator: 'eq', value: 'paging' }] }];
    const seen: { name: string; employeeCount: number | null }[] = [];
    let cursor: string | undefined;
    do {
      const res = await owner.post('/api/v1/companies/search', {
        filterGroups,
        sort: [{ field: 'employeeCount', direction: 'desc' }],
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(res.json().total).toBe(6);
      seen.push(...res.json().data);
      cursor = res.json().nextCursor ?? undefined;
    } while (cursor);
    expect(seen.map((c) => c.employeeCount)).toEqual([500, 50, 20, 5, 5, null]);
    expect(new Set(seen.map((c) => c.name)).size).toBe(6);

    const asc = await owner.get('/api/v1/companies?sort=name&limit=3&fields=name');
    const names = asc.json().data.map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(Object.keys(asc.json().data[0]).sort()).toEqual(['id', 'name']);
    expect((await owner.get('/api/v1/companies?sort=shoeSize')).statusCode).toBe(400);
    expect((await owner.get('/api/v1/companies?limit=501')).statusCode).toBe(400);
    expect((await owner.get('/api/v1/companies?cursor=bm9wZQ')).statusCode).toBe(400);
  });

  it('matches q against a name or domain prefix and pasted websites', async () => {
    await createCompany({ name: 'Quuxly Labs', domain: 'quuxly.example' });
    await createCompany({ name: 'Zed Systems', domain: 'zsys.example' });
    const byName = (await owner.get('/api/v1/companies?q=quux&fields=name,domain')).json();
    expect(byName.data).toEqual([{ id: expect.any(String), name: 'Quuxly Labs', domain: 'quuxly.example' }]);
    expect(byName.total).toBe(1);
    const byDomain = (await owner.get('/api/v1/companies?q=zsys')).json();
    expect(byDomain.data.map((c: { name: string }) => c.name)).toEqual(['Zed Systems']);
    const byUrl = (await owner.get(`/api/v1/companies?q=${encodeURIComponent('https://www.ZSYS.example/contact')}`)).json();
    expect(byUrl.data.map((c: { name: string }) => c.name)).toEqual(['Zed Systems']);
    expect((await owner.get('/api/v1/companies?q=%25')).json().data).toEqual([]);
  });

  it('records updates in the audit log and on the timeline, and refuses stale writes', async () => {
    const c = await createCompany({ name: 'Versioned', industry: 'Retail' });
    const res = await owner.patch(`/api/v1/companies/${c.id}`, { industry: 'Wholesale', employeeCount: 12 }, { 'if-match': '"1"' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    const stale = await owner.patch(`/api/v1/companies/${c.id}`, { industry: 'Other' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect((await owner.delete(`/api/v1/companies/${c.id}`, { 'if-match': '"1"' })).statusCode).toBe(412);
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${c.id}`)).json().data;
    expect(audit[0]).toMatchObject({
      action: 'update',
      changes: { industry: { from: 'Retail', to: 'Wholesale' }, employeeCount: { from: null, to: 12 } },
    });
    const timeline = await t.db.query<{ kind: string; data: Record<string, unknown> }>(
      'SELECT kind, data FROM timeline_entries WHERE record_id = $1 ORDER BY id',
      [c.id],
    );
    expect(timeline.rows.map((e) => e.kind)).toEqual(['created', 'field_change']);
    expect(timeline.rows[1]?.data).toEqual({
      changes: { industry: { from: 'Retail', to: 'Wholesale' }, employeeCount: { from: null, to: 12 } },
    });
    const noop = await owner.patch(`/api/v1/companies/${c.id}`, { industry: 'Wholesale' });
    expect(noop.statusCode).toBe(200);
    const entries = await t.db.query('SELECT 1 FROM timeline_entries WHERE record_id = $1', [c.id]);
    expect(entries.rows).toHaveLength(2);
  });

  it('clears the revenue currency with the revenue and accepts a lower-case code', async () => {
    const c = await createCompany({ name: 'Money', annualRevenue: 900, annualRevenueCurrency: 'gbp' });
    expect(c).toMatchObject({ annualRevenue: 900, annualRevenueCurrency: 'GBP' });
    const cleared = (await owner.patch(`/api/v1/companies/${c.id}`, { annualRevenue: null })).json();
    expect(cleared).toMatchObject({ annualRevenue: null, annualRevenueCurrency: null });
  });

  it('members edit their own companies only; read-only users and read keys cannot write', async () => {
    const member = await addMember(owner, 'member');
    const reader = await addMember(owner, 'read_only');
    const manager = await addMember(owner, 'manager');
    const mine = await createCompany({ name: 'Member Co' }, member.client);
    expect(mine.ownerId).toBe(member.userId);
    expect((await member.client.patch(`/api/v1/companies/${mine.id}`, { industry: 'Own' })).statusCode).toBe(200);
    const theirs = await createCompany({ name: 'Owner Co' });
    expect((await member.client.patch(`/api/v1/companies/${theirs.id}`, { industry: 'x' })).statusCode).toBe(403);
    expect((await member.client.delete(`/api/v1/companies/${theirs.id}`)).statusCode).toBe(403);
    expect((await member.client.patch(`/api/v1/companies/${mine.id}`, { ownerId })).statusCode).toBe(403);
    expect((await member.client.post('/api/v1/companies', { name: 'Given away', ownerId })).statusCode).toBe(403);
    expect((await manager.client.patch(`/api/v1/companies/${mine.id}`, { ownerId: manager.userId })).json().ownerId).toBe(manager.userId);
    expect((await reader.client.post('/api/v1/companies', { name: 'No' })).statusCode).toBe(403);
    expect((await reader.client.patch(`/api/v1/companies/${theirs.id}`, { name: 'No' })).statusCode).toBe(403);
    expect((await reader.client.get(`/api/v1/companies/${theirs.id}`)).json().name).toBe('Owner Co');
    const readKey = (await apiKeyClient(owner, 'read')).client;
    expect((await readKey.post('/api/v1/companies', { name: 'No' })).statusCode).toBe(403);
    expect((await readKey.get(`/api/v1/companies/${theirs.id}/contacts`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/companies/${theirs.id}`)).json().industry).toBeNull();
  });

  it('moves a deleted company to the trash and restores it with its links', async () => {
    const c = await createCompany({ name: 'Binned Co', domain: 'binned.example' });
    await owner.post('/api/v1/contacts', { firstName: 'Linked', companies: [{ companyId: c.id, title: 'CFO' }] });
    expect((await owner.delete(`/api/v1/companies/${c.id}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/companies/${c.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/companies/${c.id}/contacts`)).statusCode).toBe(404);
    expect((await owner.patch(`/api/v1/companies/${c.id}`, { name: 'Zombie' })).statusCode).toBe(404);
    expect((await owner.get('/api/v1/companies?q=binned')).json().data).toEqual([]);
    expect((await owner.post(`/api/v1/companies/${newId()}/restore`)).statusCode).toBe(404);
    const restored = await owner.post(`/api/v1/companies/${c.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json().name).toBe('Binned Co');
    expect((await owner.post(`/api/v1/companies/${c.id}/restore`)).statusCode).toBe(404);
    const people = (await owner.get(`/api/v1/companies/${c.id}/contacts`)).json();
    expect(people.data.map((p: { name: string; title: string }) => [p.name, p.title])).toEqual([['Linked', 'CFO']]);
    const timeline = await t.db.query<{ kind: string }>('SELECT kind FROM timeline_entries WHERE record_id = $1 ORDER BY id', [c.id]);
    expect(timeline.rows.map((e) => e.kind)).toEqual(['created', 'deleted', 'restored']);
    const events = await t.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE record_id = $1 ORDER BY id', [c.id]);
    expect(events.rows.map((e) => e.type)).toEqual(['company.created', 'company.deleted', 'company.restored']);
  });

  it("lists a company's contacts with title and role, keyset paged, without trashed contacts", async () => {
    const c = await createCompany({ name: 'Peopled' });
    const ids: string[] = [];
    for (const [name, title, role] of [
      ['Ada', 'CEO', 'decision maker'],
      ['Ben', 'CTO', 'champion'],
      ['Cyd', null, null],
    ] as const) {
      const res = await owner.post('/api/v1/contacts', { firstName: name, companies: [{ companyId: c.id, title, role }] });
      ids.push(res.json().id);
    }
    await owner.post('/api/v1/contacts', { firstName: 'Elsewhere' });
    const first = (await owner.get(`/api/v1/companies/${c.id}/contacts?limit=2`)).json();
    expect(first.total).toBe(3);
    expect(first.data).toEqual([
      expect.objectContaining({ id: ids[0], name: 'Ada', title: 'CEO', role: 'decision maker', primary: true, lifecycleStage: 'lead' }),
      expect.objectContaining({ id: ids[1], name: 'Ben', title: 'CTO', role: 'champion' }),
    ]);
    const second = (await owner.get(`/api/v1/companies/${c.id}/contacts?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.data.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
    expect(second.nextCursor).toBeNull();
    await owner.delete(`/api/v1/contacts/${ids[1]}`);
    const after = (await owner.get(`/api/v1/companies/${c.id}/contacts`)).json();
    expect(after.data.map((p: { id: string }) => p.id)).toEqual([ids[0], ids[2]]);
    expect(after.total).toBe(2);
  });

  it("lists a company's deals, optionally by status, without trashed deals", async () => {
    const c = await createCompany({ name: 'Dealer' });
    const open = await insertDeal(c.id, { name: 'Big one', amount: 1_000_000, close: '2026-09-30' });
    const won = await insertDeal(c.id, { name: 'Won one', amount: 2_000, status: 'won' });
    await insertDeal(c.id, { name: 'Binned one', deleted: true });
    const res = (await owner.get(`/api/v1/companies/${c.id}/deals`)).json();
    expect(res.total).toBe(2);
    expect(res.data).toEqual([
      {
        id: open.id,
        name: 'Big one',
        pipelineId: open.pipelineId,
        stageId: open.stageId,
        amount: 1_000_000,
        currency: 'EUR',
        status: 'open',
        ownerId,
        expectedCloseDate: '2026-09-30',
      },
      expect.objectContaining({ id: won.id, status: 'won', expectedCloseDate: null }),
    ]);
    const wonOnly = (await owner.get(`/api/v1/companies/${c.id}/deals?status=won`)).json();
    expect(wonOnly.data.map((d: { id: string }) => d.id)).toEqual([won.id]);
    const paged = (await owner.get(`/api/v1/companies/${c.id}/deals?limit=1`)).json();
    expect(paged.data.map((d: { id: string }) => d.id)).toEqual([open.id]);
    const rest = (await owner.get(`/api/v1/companies/${c.id}/deals?limit=1&cursor=${paged.nextCursor}`)).json();
    expect(rest.data.map((d: { id: string }) => d.id)).toEqual([won.id]);
  });

  it('answers 301 with the survivor for a merged-away company', async () => {
    const survivor = await createCompany({ name: 'Survivor' });
    const merged = await createCompany({ name: 'Merged away' });
    await t.db.query('UPDATE companies SET merged_into = $2 WHERE id = $1', [merged.id, survivor.id]);
    const res = await owner.get(`/api/v1/companies/${merged.id}`);
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(`/api/v1/companies/${survivor.id}`);
    const sub = await owner.get(`/api/v1/companies/${merged.id}/contacts`);
    expect(sub.statusCode).toBe(301);
    expect(sub.headers.location).toBe(`/api/v1/companies/${survivor.id}/contacts`);
    expect((await owner.patch(`/api/v1/companies/${merged.id}`, { name: 'x' })).statusCode).toBe(301);
    const list = (await owner.get('/api/v1/companies?q=merged')).json();
    expect(list.data).toEqual([]);
  });
});

describe('company batches', () => {
  it('upserts by normalised domain: updates the match, creates the rest, reports bad items, in order', async () => {
    const acme = await createCompany({ name: 'Acme Batch', domain: 'https://www.acme-batch.example' });
    const before = await count('companies');
    const res = await owner.post('/api/v1/companies/batch/upsert', {
      idProperty: 'domain',
      inputs: [
        { name: 'Acme Renamed', domain: 'ACME-batch.example' },
        { name: 'New Co', domain: 'newco-batch.example' },
        { name: 'Bad Domain Co', domain: 'not a domain' },
        { name: 'New Co Again', domain: 'www.newco-batch.example', industry: 'Shipping' },
        { name: '' },
        { name: 'No Domain' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 1, updated: 2, failed: 3 });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['updated', 'created', 'error', 'updated', 'error', 'error']);
    expect(body.results[0].id).toBe(acme.id);
    expect(body.results[3].id).toBe(body.results[1].id);
    expect(body.results[2].errors.map((e: { field: string }) => e.field)).toEqual(['body.domain']);
    expect(body.results[4].errors.map((e: { field: string }) => e.field)).toEqual(['body.name']);
    expect(body.results[5].errors.map((e: { field: string }) => e.field)).toEqual(['body.domain']);
    expect(await count('companies')).toBe((before ?? 0) + 1);
    expect((await owner.get(`/api/v1/companies/${acme.id}`)).json().name).toBe('Acme Renamed');
    expect((await owner.get(`/api/v1/companies/${body.results[1].id}`)).json()).toMatchObject({
      name: 'New Co Again',
      industry: 'Shipping',
    });
  });

  it('rolls back a bad item whole, even one refused by the database, and writes the good ones', async () => {
    const res = await owner.post('/api/v1/companies/batch/create', {
      inputs: [
        { name: 'Ext One', externalId: 'batch-ext-1' },
        { name: 'Ext Clash', externalId: 'batch-ext-1' },
        { name: 'Ext Two', externalId: 'batch-ext-2' },
      ],
    });
    expect(res.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'created',
      'conflict',
      'created',
    ]);
    const names = await t.db.query<{ name: string }>(`SELECT name FROM companies WHERE name LIKE 'Ext %' ORDER BY name`);
    expect(names.rows.map((r) => r.name)).toEqual(['Ext One', 'Ext Two']);
    const audit = await t.db.query(`SELECT 1 FROM record_changes rc JOIN companies co ON co.id = rc.record_id WHERE co.name = 'Ext Clash'`);
    expect(audit.rows).toEqual([]);

    const upsert = await owner.post('/api/v1/companies/batch/upsert', {
      idProperty: 'externalId',
      inputs: [{ name: 'Ext One Renamed', externalId: 'batch-ext-1' }, { name: 'Missing id' }],
    });
    expect(upsert.json()).toMatchObject({ updated: 1, failed: 1 });
    const update = await owner.post('/api/v1/companies/batch/update', {
      inputs: [
        { id: upsert.json().results[0].id, properties: { industry: 'Tools' } },
        { id: newId(), properties: { industry: 'Ghost' } },
      ],
    });
    expect(update.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual(['updated', 'not_found']);
    const readOnly = (await addMember(owner, 'read_only')).client;
    const refused = await readOnly.post('/api/v1/companies/batch/create', { inputs: [{ name: 'Nope' }] });
    expect(refused.json().results[0].code).toBe('forbidden');
    expect((await owner.post('/api/v1/companies/batch/create', { inputs: [] })).statusCode).toBe(400);
  });
});
