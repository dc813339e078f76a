import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
});
afterAll(() => t.close());

const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query<{ n: number }>(sql, params)).rows[0]?.n);

describe('batch create', () => {
  it('writes the good items and reports each bad one without writing it', async () => {
    const before = await count('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [workspaceId]);
    const res = await owner.post('/api/v1/contacts/batch/create', {
      inputs: [
        { firstName: 'Good', email: 'good1@batch.example' },
        { firstName: 'Bad', email: 'not an email' },
        { firstName: 'Also good', email: 'good2@batch.example', tags: ['x'] },
        { firstName: 42 },
        { firstName: 'Unknown field', shoeSize: 44 },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 2, updated: 0, failed: 3 });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'error', 'created', 'error', 'error']);
    expect(body.results[1].errors).toEqual([{ field: 'body.email', message: 'Not a valid email address' }]);
    expect(body.results[3].errors[0].field).toBe('body.firstName');
    expect(body.results[4].errors[0]).toMatchObject({ field: 'body.shoeSize', message: 'Unknown field' });
    expect(await count('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [workspaceId])).toBe(before + 2);
    const created = await owner.get(`/api/v1/contacts/${body.results[2].id}`);
    expect(created.json()).toMatchObject({ firstName: 'Also good', email: 'good2@batch.example', tags: ['x'] });
    // Each written record is audited and has its event and timeline entry; the bad ones have none.
    const ids = [body.results[0].id, body.results[2].id];
    expect(await count('SELECT count(*) AS n FROM record_changes WHERE record_id = ANY($1::uuid[])', [ids])).toBe(2);
    expect(
      await count("SELECT count(*) AS n FROM outbox_events WHERE record_id = ANY($1::uuid[]) AND type = 'contact.created'", [ids]),
    ).toBe(2);
    expect(await count("SELECT count(*) AS n FROM timeline_entries WHERE record_id = ANY($1::uuid[]) AND kind = 'created'", [ids])).toBe(2);
  });

  it('refuses more than 1,000 items as a whole', async () => {
    const inputs = Array.from({ length: 1001 }, (_, i) => ({ firstName: `N${i}` }));
    const res = await owner.post('/api/v1/contacts/batch/create', { inputs });
    expect(res.statusCode).toBe(400);
  });
});

describe('batch upsert', () => {
  it('writes each item its own changes when the items change different fields', async () => {
    const seed = [
      { firstName: 'Ann', lastName: 'Old', email: 'ann@cols.example', jobTitle: 'Clerk', tags: ['a'] },
      { firstName: 'Ben', lastName: 'Old', email: 'ben@cols.example', jobTitle: 'Clerk', custom: {} },
      { firstName: 'Cy', lastName: 'Old', email: 'cy@cols.example', jobTitle: 'Clerk' },
    ];
    expect((await owner.post('/api/v1/contacts/batch/upsert', { idProperty: 'email', inputs: seed })).json().created).toBe(3);
    const res = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [
        { email: 'ann@cols.example', jobTitle: 'Chief clerk' },
        { email: 'ben@cols.example', lastName: 'New', tags: ['b', 'c'] },
        { email: 'cy@cols.example', jobTitle: 'Clerk' },
      ],
    });
    // The third changes nothing: it is answered as updated but not written (its version stays 1).
    expect(res.json()).toMatchObject({ updated: 3, failed: 0 });
    const rows = await t.db.query<{
      email: string;
      first_name: string;
      last_name: string;
      job_title: string;
      tags: string[];
      version: number;
    }>(
      "SELECT email, first_name, last_name, job_title, tags, version FROM contacts WHERE workspace_id = $1 AND email LIKE '%@cols.example' ORDER BY email",
      [workspaceId],
    );
    expect(rows.rows).toEqual([
      { email: 'ann@cols.example', first_name: 'Ann', last_name: 'Old', job_title: 'Chief clerk', tags: ['a'], version: 2 },
      { email: 'ben@cols.example', first_name: 'Ben', last_name: 'New', job_title: 'Clerk', tags: ['b', 'c'], version: 2 },
      { email: 'cy@cols.example', first_name: 'Cy', last_name: 'Old', job_title: 'Clerk', tags: [], version: 1 },
    ]);
    // A batch whose items change no column, only company links, still writes them.
    const company = (await owner.post('/api/v1/companies', { name: 'Columns Ltd' })).json();
    const links = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [{ email: 'cy@cols.example', companies: [{ companyId: company.id }] }],
    });
    expect(links.json()).toMatchObject({ updated: 1, failed: 0 });
    const people = (await owner.get(`/api/v1/companies/${company.id}/contacts`)).json();
    expect(people.data.map((p: { email: string }) => p.email)).toEqual(['cy@cols.example']);
  });

  it('matches on the normalised email: re-sending the same rows creates nothing new', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ firstName: `Up${i}`, email: `up${i}@upsert.example`, lifecycleStage: 'lead' }));
    const first = await owner.post('/api/v1/contacts/batch/upsert', { idProperty: 'email', inputs });
    expect(first.json()).toMatchObject({ created: 50, updated: 0, failed: 0 });
    const again = inputs.map((c, i) => ({ ...c, email: `  UP${i}@Upsert.Example `, jobTitle: i === 7 ? 'Buyer' : undefined }));
    const second = await owner.post('/api/v1/contacts/batch/upsert', { idProperty: 'email', inputs: again });
    expect(second.json()).toMatchObject({ created: 0, updated: 50, failed: 0 });
    expect(second.json().results.map((r: { id: string }) => r.id)).toEqual(first.json().results.map((r: { id: string }) => r.id));
    expect(await count("SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND email LIKE '%@upsert.example'", [workspaceId])).toBe(
      50,
    );
    const seven = await owner.get(`/api/v1/contacts/${first.json().results[7].id}`);
    expect(seven.json().jobTitle).toBe('Buyer');
    expect(seven.headers.etag).toBe('"2"');
  });

  it("matches a contact's other addresses too, once however many of them the batch names", async () => {
    const made = await owner.post('/api/v1/contacts', {
      firstName: 'Many',
      emails: [
        { address: 'many@upsert.example', primary: true },
        { address: 'many.work@upsert.example' },
        { address: 'many.home@upsert.example' },
      ],
    });
    const id = made.json().id;
    const res = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [
        { email: 'Many.Work@upsert.example', jobTitle: 'Buyer' },
        { email: 'many.home@upsert.example', lastName: 'Ways' },
        { email: 'nobody.yet@upsert.example', firstName: 'New' },
      ],
    });
    expect(res.json()).toMatchObject({ created: 1, updated: 2, failed: 0 });
    expect(
      res
        .json()
        .results.slice(0, 2)
        .map((r: { id: string }) => r.id),
    ).toEqual([id, id]);
    const c = (await owner.get(`/api/v1/contacts/${id}`)).json();
    // An item's `email` is the contact's primary address: the last item's, keeping the others.
    expect(c).toMatchObject({ firstName: 'Many', lastName: 'Ways', jobTitle: 'Buyer', email: 'many.home@upsert.example' });
    expect(c.emails.map((e: { address: string }) => e.address).sort()).toEqual([
      'many.home@upsert.example',
      'many.work@upsert.example',
      'many@upsert.example',
    ]);
  });

  it('re-sending identical rows writes nothing: no new version, audit row or event', async () => {
    const inputs = [{ firstName: 'Same', email: 'same@upsert.example', tags: ['a', 'b'], address: { city: 'Lyon' }, custom: {} }];
    const first = (await owner.post('/api/v1/contacts/batch/upsert', { idProperty: 'email', inputs })).json();
    const id = first.results[0].id;
    const audit = () => count('SELECT count(*) AS n FROM record_changes WHERE record_id = $1', [id]);
    const before = await audit();
    const again = (await owner.post('/api/v1/contacts/batch/upsert', { idProperty: 'email', inputs })).json();
    expect(again.results[0]).toMatchObject({ status: 'updated', id });
    expect(await audit()).toBe(before);
    expect((await owner.get(`/api/v1/contacts/${id}`)).headers.etag).toBe('"1"');
  });

  it('applies items naming the same contact in order, as one contact', async () => {
    const res = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [
        { firstName: 'Twice', email: 'twice@upsert.example' },
        { email: 'TWICE@upsert.example', lastName: 'Over', tags: ['again'] },
      ],
    });
    const body = res.json();
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'updated']);
    expect(body.results[0].id).toBe(body.results[1].id);
    const c = (await owner.get(`/api/v1/contacts/${body.results[0].id}`)).json();
    expect(c).toMatchObject({ firstName: 'Twice', lastName: 'Over', tags: ['again'] });
  });

  it('upserts by external id and reports an item without one', async () => {
    const res = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'externalId',
      inputs: [{ firstName: 'Ext', externalId: 'crm-1' }, { firstName: 'NoExt' }],
    });
    expect(res.json().results[1]).toMatchObject({ status: 'error', errors: [{ field: 'body.externalId' }] });
    const again = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'externalId',
      inputs: [{ externalId: 'crm-1', jobTitle: 'VP' }],
    });
    expect(again.json().results[0]).toMatchObject({ status: 'updated', id: res.json().results[0].id });
  });
});

describe('batch update', () => {
  it('updates by id, reports unknown ids and contacts the caller may not edit', async () => {
    const member = await addMember(owner, 'member');
    const mine = (await member.client.post('/api/v1/contacts', { firstName: 'Mine' })).json();
    const theirs = (await owner.post('/api/v1/contacts', { firstName: 'Theirs' })).json();
    const res = await member.client.post('/api/v1/contacts/batch/update', {
      inputs: [
        { id: mine.id, properties: { jobTitle: 'Lead' } },
        { id: theirs.id, properties: { jobTitle: 'Hijack' } },
        { id: '01a20000-0000-7000-8000-000000000000', properties: { jobTitle: 'Ghost' } },
      ],
    });
    expect(res.json().results.map((r: { status: string; code?: string }) => r.code ?? r.status)).toEqual([
      'updated',
      'forbidden',
      'not_found',
    ]);
    expect((await owner.get(`/api/v1/contacts/${theirs.id}`)).json().jobTitle).toBeNull();
    expect((await owner.get(`/api/v1/contacts/${mine.id}`)).json().jobTitle).toBe('Lead');
  });
});
