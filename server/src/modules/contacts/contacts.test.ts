import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  await owner.patch('/api/v1/workspace', { settings: { phoneRegion: 'GB' } });
});
afterAll(() => t.close());

async function createContact(body: Record<string, unknown>, client = owner) {
  const res = await client.post('/api/v1/contacts', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

describe('contacts', () => {
  it('normalises emails and phones, keeps the raw phone, and defaults owner and lifecycle', async () => {
    const c = await createContact({
      firstName: 'Sarah',
      lastName: 'Connor',
      email: '  Sarah.Connor@Example.COM ',
      emails: [{ address: 'sc@work.example', label: 'work' }],
      phones: [{ number: '020 7946 0018', label: 'office' }],
      tags: ['vip', 'vip', 'q3'],
    });
    expect(c.email).toBe('sarah.connor@example.com');
    expect(c.emails).toEqual([
      { address: 'sarah.connor@example.com', label: null, primary: true },
      { address: 'sc@work.example', label: 'work', primary: false },
    ]);
    expect(c.phone).toBe('+442079460018');
    expect(c.phones[0]).toMatchObject({ number: '+442079460018', raw: '020 7946 0018', primary: true });
    expect(c.ownerId).toBe(ownerId);
    expect(c.lifecycleStage).toBe('lead');
    expect(c.tags).toEqual(['vip', 'q3']);
    expect(c.consent.email.state).toBe('never_subscribed');
  });

  it('takes ids in capitals as the same ids', async () => {
    const company = (await owner.post('/api/v1/companies', { name: 'Capital Ltd' })).json();
    const c = await createContact({
      firstName: 'Upper',
      ownerId: ownerId.toUpperCase(),
      companies: [{ companyId: company.id.toUpperCase() }],
    });
    expect(c.companies[0].companyId).toBe(company.id);
    expect(c.ownerId).toBe(ownerId);
    const read = await owner.get(`/api/v1/contacts/${c.id.toUpperCase()}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().id).toBe(c.id);
    const patched = await owner.patch(`/api/v1/contacts/${c.id.toUpperCase()}`, { ownerId: ownerId.toUpperCase(), jobTitle: 'CFO' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ ownerId, jobTitle: 'CFO' });
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const before = await t.db.query('SELECT count(*) AS n FROM contacts');
    const res = await owner.post('/api/v1/contacts', {
      firstName: 'Bad',
      email: 'not-an-email',
      phones: [{ number: '12' }],
      ownerId: '01a20000-0000-7000-8000-000000000000',
      custom: { nope: 1 },
    });
    expect(res.statusCode).toBe(400);
    const fields = res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort();
    expect(fields).toEqual(['body.custom.nope', 'body.email', 'body.ownerId', 'body.phones[0].number']);
    const after = await t.db.query('SELECT count(*) AS n FROM contacts');
    expect(after.rows).toEqual(before.rows);
  });

  it('validates custom fields by type, filters and sorts on them', async () => {
    const plan = await owner.post('/api/v1/custom-fields', {
      objectType: 'contact',
      label: 'Plan',
      type: 'single_select',
      options: [
        { value: 'free', label: 'Free' },
        { value: 'pro', label: 'Pro' },
      ],
    });
    expect(plan.statusCode).toBe(201);
    expect(plan.json().key).toBe('plan');
    await owner.post('/api/v1/custom-fields', { objectType: 'contact', label: 'Seats', type: 'number' });
    await owner.post('/api/v1/custom-fields', { objectType: 'contact', label: 'Renewal', type: 'date' });
    const bad = await owner.post('/api/v1/contacts', {
      firstName: 'X',
      custom: { plan: 'enterprise', seats: 'ten', renewal: '2026-02-30' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.custom.plan', 'body.custom.renewal', 'body.custom.seats']);
    for (const [name, plan, seats] of [
      ['Ann', 'pro', 5],
      ['Bob', 'free', 1],
      ['Cat', 'pro', 50],
      ['Dan', 'pro', 12],
    ] as const) {
      await createContact({ firstName: name, lastName: 'Seat', custom: { plan, seats, renewal: '2027-01-15' } });
    }
    const res = await owner.post('/api/v1/contacts/search', {
      filterGroups: [
        {
          filters: [
            { field: 'custom.plan', operator: 'eq', value: 'pro' },
            { field: 'custom.seats', operator: 'gte', value: 5 },
          ],
        },
      ],
      sort: [{ field: 'custom.seats', direction: 'desc' }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((c: { firstName: string }) => c.firstName)).toEqual(['Cat', 'Dan', 'Ann']);
    expect(res.json().total).toBe(3);
  });

  it('ORs groups, pages with keyset cursors over any sort, and never repeats a row', async () => {
    for (let i = 0; i < 7; i++)
      await createContact({ firstName: `Page${i}`, lastName: i % 2 ? 'Odd' : 'Even', email: `page${i}@paging.example` });
    const filterGroups = [
      { filters: [{ field: 'lastName', operator: 'eq', value: 'odd' }] },
      { filters: [{ field: 'email', operator: 'starts_with', value: 'page0' }] },
    ];
    const first = await owner.post('/api/v1/contacts/search', { filterGroups, sort: [{ field: 'firstName', direction: 'asc' }], limit: 2 });
    expect(first.json().total).toBe(4);
    const names = first.json().data.map((c: { firstName: string }) => c.firstName);
    let cursor = first.json().nextCursor;
    while (cursor) {
      const next = await owner.post('/api/v1/contacts/search', {
        filterGroups,
        sort: [{ field: 'firstName', direction: 'asc' }],
        limit: 2,
        cursor,
      });
      names.push(...next.json().data.map((c: { firstName: string }) => c.firstName));
      cursor = next.json().nextCursor;
    }
    expect(names).toEqual(['Page0', 'Page1', 'Page3', 'Page5']);
  });

  it('names the bad part of an invalid filter', async () => {
    const res = await owner.post('/api/v1/contacts/search', {
      filterGroups: [
        {
          filters: [
            { field: 'lifecycleStage', operator: 'eq', value: 'king' },
            { field: 'shoeSize', operator: 'eq', value: 1 },
            { field: 'createdAt', operator: 'contains', value: 'x' },
          ],
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'filterGroups[0].filters[0].value',
      'filterGroups[0].filters[1].field',
      'filterGroups[0].filters[2].operator',
    ]);
  });

  it('records lifecycle changes with time, the field diff in the audit log and on the timeline', async () => {
    const c = await createContact({ firstName: 'Life', email: 'life@cycle.example' });
    const res = await owner.patch(`/api/v1/contacts/${c.id}`, { lifecycleStage: 'customer', jobTitle: 'CTO' }, { 'if-match': '"1"' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.json().lifecycleStage).toBe('customer');
    expect(Date.parse(res.json().lifecycleChangedAt)).toBeGreaterThan(Date.parse(c.lifecycleChangedAt));
    const stale = await owner.patch(`/api/v1/contacts/${c.id}`, { jobTitle: 'CEO' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    const entries = await t.db.query<{ kind: string; data: Record<string, unknown> }>(
      'SELECT kind, data FROM timeline_entries WHERE record_id = $1 ORDER BY id',
      [c.id],
    );
    expect(entries.rows.map((e) => e.kind)).toEqual(['created', 'lifecycle_change', 'field_change']);
    expect(entries.rows[1]?.data).toEqual({ from: 'lead', to: 'customer' });
    expect(entries.rows[2]?.data).toEqual({ changes: { jobTitle: { from: null, to: 'CTO' } } });
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${c.id}`)).json().data;
    expect(audit[0].changes).toMatchObject({ lifecycleStage: { from: 'lead', to: 'customer' }, jobTitle: { from: null, to: 'CTO' } });
    const events = await t.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE record_id = $1 ORDER BY id', [c.id]);
    expect(events.rows.map((e) => e.type)).toEqual(['contact.created', 'contact.updated', 'contact.lifecycle_stage_changed']);
  });

  it('keeps consent history per channel', async () => {
    const c = await createContact({ firstName: 'Con', email: 'consent@example.com' });
    await owner.patch(`/api/v1/contacts/${c.id}`, {
      consent: { email: { state: 'subscribed', method: 'form', source: 'https://acme.example/signup', textVersion: 'v3' } },
    });
    const res = await owner.patch(`/api/v1/contacts/${c.id}`, { consent: { email: { state: 'unsubscribed' } } });
    expect(res.json().consent.email).toMatchObject({ state: 'unsubscribed', method: 'manual' });
    const history = await t.db.query('SELECT state, method, source, text_version FROM consent_events WHERE contact_id = $1 ORDER BY id', [
      c.id,
    ]);
    expect(history.rows).toEqual([
      { state: 'subscribed', method: 'form', source: 'https://acme.example/signup', text_version: 'v3' },
      { state: 'unsubscribed', method: 'manual', source: null, text_version: null },
    ]);
  });

  it('members edit their own contacts only; read-only users cannot create', async () => {
    const member = await addMember(owner, 'member');
    const reader = await addMember(owner, 'read_only');
    const mine = await createContact({ firstName: 'Mine' }, member.client);
    expect(mine.ownerId).toBe(member.userId);
    expect((await member.client.patch(`/api/v1/contacts/${mine.id}`, { jobTitle: 'x' })).statusCode).toBe(200);
    const theirs = await createContact({ firstName: 'Theirs' });
    expect((await member.client.patch(`/api/v1/contacts/${theirs.id}`, { jobTitle: 'x' })).statusCode).toBe(403);
    expect((await member.client.patch(`/api/v1/contacts/${mine.id}`, { ownerId })).statusCode).toBe(403);
    expect((await reader.client.post('/api/v1/contacts', { firstName: 'No' })).statusCode).toBe(403);
    expect((await reader.client.get(`/api/v1/contacts/${theirs.id}`)).statusCode).toBe(200);
  });

  it('moves a deleted contact to the trash and restores it', async () => {
    const c = await createContact({ firstName: 'Trash', email: 'trash@example.com' });
    expect((await owner.delete(`/api/v1/contacts/${c.id}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/contacts/${c.id}`)).statusCode).toBe(404);
    const list = await owner.get('/api/v1/contacts?q=trash@example.com');
    expect(list.json().data).toEqual([]);
    const restored = await owner.post(`/api/v1/contacts/${c.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect((await owner.get(`/api/v1/contacts/${c.id}`)).json().firstName).toBe('Trash');
  });

  it('lists with q, sort and fields projection', async () => {
    await createContact({ firstName: 'Quincy', lastName: 'Zed', email: 'quincy@q.example' });
    const res = await owner.get('/api/v1/contacts?q=quin&fields=firstName,email');
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([{ id: expect.any(String), firstName: 'Quincy', email: 'quincy@q.example' }]);
    const sorted = await owner.get('/api/v1/contacts?sort=-lastName&limit=1');
    expect(sorted.json().data[0].lastName).toBe('Zed');
  });

  it('stores SQL- and script-looking values verbatim', async () => {
    const evil = "'); DROP TABLE contacts; -- <script>alert(1)</script>";
    const c = await createContact({ firstName: evil });
    expect((await owner.get(`/api/v1/contacts/${c.id}`)).json().firstName).toBe(evil);
    const found = await owner.post('/api/v1/contacts/search', {
      filterGroups: [{ filters: [{ field: 'firstName', operator: 'contains', value: "'); DROP" }] }],
    });
    expect(found.json().data.map((x: { id: string }) => x.id)).toEqual([c.id]);
  });
});
