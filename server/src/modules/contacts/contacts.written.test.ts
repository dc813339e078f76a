import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContactFields, type Client, createTestApp, planField, signUp, type TestApp } from '../../../test/helpers.ts';
import type { Ctx } from '../../context.ts';
import { contactWriteEnv, planContact } from './contacts.plan.ts';
import { type ContactRow, findContactRow } from './contacts.repo.ts';
import { applyContactWrites } from './contacts.write.ts';

// A write answers with the contact as it was stored without reading the row back (contacts.repo.ts,
// writtenRows): the answer must be exactly what a read of the same contact gives, compared as JSON text.

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
  await addContactFields(owner, [
    planField,
    { label: 'Seats', type: 'number' },
    {
      label: 'Regions',
      type: 'multi_select',
      options: [
        { value: 'emea', label: 'EMEA' },
        { value: 'apac', label: 'APAC' },
      ],
    },
    { label: 'Renewal', type: 'date' },
    { label: 'Vip', type: 'boolean' },
    { label: 'Website', type: 'url' },
  ]);
});
afterAll(() => t.close());

/** Everything a contact can hold, with keys in an order jsonb would not keep. */
const full = (email: string) => ({
  firstName: 'Zoë',
  lastName: "O'Neil  ",
  emails: [
    { address: email, label: 'work', primary: true },
    { address: `other.${email}`, label: 'home' },
  ],
  phones: [{ number: '+44 20 7946 0958', label: 'office' }],
  jobTitle: 'Head of "Ops"',
  ownerId,
  lifecycleStage: 'lead',
  leadSource: 'webinar',
  utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
  tags: ['vip', 'émigré', 'b'],
  address: { street: '1 Long Street', city: 'Leeds', country: 'GB' },
  timezone: 'Europe/London',
  consent: { email: { state: 'subscribed', method: 'form', source: 'https://example.com/form' } },
  externalId: `ext-${email}`,
  custom: { website: 'https://example.com', vip: true, renewal: '2027-03-01', regions: ['apac', 'emea'], seats: 12.5, plan: 'pro' },
});

async function expectSameAsRead(answer: Record<string, unknown>) {
  const read = await owner.get(`/api/v1/contacts/${answer.id}`);
  expect(read.statusCode).toBe(200);
  expect(JSON.stringify(answer)).toBe(JSON.stringify(read.json()));
}

describe('a write answers with the contact as stored', () => {
  it('on create, update and clearing fields', async () => {
    const created = await owner.post('/api/v1/contacts', full('written1@example.com'));
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ownerId, tags: ['vip', 'émigré', 'b'], custom: { seats: 12.5, plan: 'pro' } });
    await expectSameAsRead(created.json());

    const id = created.json().id;
    const patched = await owner.patch(`/api/v1/contacts/${id}`, {
      lifecycleStage: 'customer',
      custom: { seats: 3, vip: false },
      tags: ['z', 'a'],
      utm: { term: 'crm' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.headers.etag).toBe('"2"');
    expect(patched.json()).toMatchObject({ lifecycleStage: 'customer', tags: ['z', 'a'], custom: { seats: 3, vip: false, plan: 'pro' } });
    await expectSameAsRead(patched.json());

    const cleared = await owner.patch(`/api/v1/contacts/${id}`, {
      jobTitle: null,
      address: { city: null },
      custom: { plan: null },
      ownerId: null,
    });
    expect(cleared.statusCode).toBe(200);
    await expectSameAsRead(cleared.json());
  });

  it('on batch create and upsert', async () => {
    const created = await owner.post('/api/v1/contacts/batch/create', { inputs: [full('written2@example.com'), { firstName: 'Bare' }] });
    expect(created.json()).toMatchObject({ created: 2, failed: 0 });
    const upserted = await owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [{ ...full('written2@example.com'), jobTitle: 'CEO' }, full('written3@example.com')],
    });
    expect(upserted.json()).toMatchObject({ created: 1, updated: 1, failed: 0 });
    // Batch answers carry ids only; the rows they wrote are presented in their events (without timestamps).
    const ids = [...created.json().results, ...upserted.json().results].map((r: { id: string }) => r.id);
    const events = await t.db.query<{ record_id: string; payload: { record: Record<string, unknown> } }>(
      "SELECT record_id, payload FROM outbox_events WHERE record_id = ANY($1::uuid[]) AND type IN ('contact.created', 'contact.updated') ORDER BY id",
      [ids],
    );
    expect(events.rows).toHaveLength(4);
    const last = new Map(events.rows.map((e) => [e.record_id, e.payload.record]));
    for (const [id, record] of last) {
      const read = (await owner.get(`/api/v1/contacts/${id}`)).json();
      expect(read).toMatchObject(record);
      expect(Object.keys(record).length).toBeGreaterThan(15);
    }
  });
});

// A write builds its audit rows and events while its statements run, from the row as it will be
// saved (contacts.write.ts); what it predicted is checked against what was saved.
describe('a write sent to the database in one go', () => {
  it('gives its events the row as saved when a column it keeps moved after the contact was read', async () => {
    const created = (await owner.post('/api/v1/contacts', { email: 'moved@example.com', firstName: 'Before' })).json();
    const ctx: Ctx = { workspaceId, actor: { type: 'user', id: ownerId, userId: ownerId }, role: 'owner', tx: t.db };
    const current = (await findContactRow(t.db, workspaceId, created.id)) as ContactRow;
    expect(current.last_activity_at).toBeNull();
    // An activity logged meanwhile sets the contact's last activity time, without a new version.
    await t.db.query(`UPDATE contacts SET last_activity_at = now() - interval '1 hour' WHERE id = $1`, [created.id]);
    const input = { firstName: 'After', lifecycleStage: 'customer' as const };
    const plan = planContact(ctx, await contactWriteEnv(ctx, [input]), input, current);
    await t.db.transaction((tx) => applyContactWrites({ ...ctx, tx }, [{ id: created.id, plan, current }]));

    const read = (await owner.get(`/api/v1/contacts/${created.id}`)).json();
    expect(read).toMatchObject({ firstName: 'After', lifecycleStage: 'customer' });
    expect(read.lastActivityAt).toEqual(expect.any(String));
    const events = await t.db.query<{ type: string; payload: { record: Record<string, unknown> } }>(
      'SELECT type, payload FROM outbox_events WHERE record_id = $1 AND type <> $2 ORDER BY type',
      [created.id, 'contact.created'],
    );
    expect(events.rows.map((e) => e.type)).toEqual(['contact.lifecycle_stage_changed', 'contact.updated']);
    for (const e of events.rows) expect(e.payload.record).toEqual(read);
  });

  it('reports the statement that failed, not the ones after it, and writes nothing', async () => {
    const first = await owner.post('/api/v1/contacts', { email: 'ext1@example.com', externalId: 'taken-1' });
    expect(first.statusCode).toBe(201);
    const count = async () =>
      (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1', [workspaceId])).rows[0]?.n;
    const before = await count();
    const second = await owner.post('/api/v1/contacts', { email: 'ext2@example.com', externalId: 'taken-1' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'body.externalId' }] });
    expect(await count()).toBe(before);
    expect((await owner.get('/api/v1/contacts?limit=500')).json().data.map((c: { email: string }) => c.email)).not.toContain(
      'ext2@example.com',
    );
  });
});
