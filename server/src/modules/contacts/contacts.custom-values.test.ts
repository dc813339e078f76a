import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContactFields, type Client, createTestApp, planField, signUp, type TestApp } from '../../../test/helpers.ts';
import { EXACT_TOTAL_UP_TO } from '../../lib/record-list.ts';

// Custom field values are also kept typed in custom_field_values (migration 0005), which filters
// and sorts read; these tests check that table follows every write and that lists through it
// answer what the jsonb says.

let t: TestApp;
let owner: Client;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
  await addContactFields(owner, [planField, { label: 'Seats', type: 'number' }, { label: 'Notes', type: 'text' }]);
});
afterAll(() => t.close());

async function createContact(body: Record<string, unknown>) {
  const res = await owner.post('/api/v1/contacts', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json() as { id: string; version: number };
}

/** The typed rows of a contact, by field key. */
async function typedValues(contactId: string) {
  const res = await t.db.query<{ key: string; text_value: string | null; number_value: string | null }>(
    `SELECT f.key, v.text_value, v.number_value FROM custom_field_values v
     JOIN custom_fields f ON f.workspace_id = v.workspace_id AND f.id = v.field_id
     WHERE v.workspace_id = $1 AND v.record_id = $2 ORDER BY f.key`,
    [workspaceId, contactId],
  );
  return res.rows;
}

async function search(body: Record<string, unknown>) {
  const res = await owner.post('/api/v1/contacts/search', body);
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json() as { data: { id: string; firstName: string }[]; nextCursor: string | null; total: number; totalIsExact: boolean };
}

/** Every first name of a sorted list, read page by page through the cursors. */
async function allPages(body: Record<string, unknown>): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await search({ ...body, limit: 2, ...(cursor ? { cursor } : {}) });
    names.push(...page.data.map((c) => c.firstName));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names;
}

describe('custom field values', () => {
  it('keeps the typed values in step with creates, edits, removals and batch writes; free text stays in the jsonb', async () => {
    const c = await createContact({ firstName: 'Typed', custom: { plan: 'pro', seats: 12, notes: 'free text' } });
    expect(await typedValues(c.id)).toEqual([
      { key: 'plan', text_value: 'pro', number_value: null },
      { key: 'seats', text_value: null, number_value: '12' },
    ]);
    const edited = await owner.patch(`/api/v1/contacts/${c.id}`, { custom: { plan: 'free', seats: null } }, { 'if-match': '"1"' });
    expect(edited.statusCode).toBe(200);
    expect(await typedValues(c.id)).toEqual([{ key: 'plan', text_value: 'free', number_value: null }]);
    const batch = await owner.post('/api/v1/contacts/batch/update', { inputs: [{ id: c.id, properties: { custom: { seats: 3 } } }] });
    expect(batch.json().failed).toBe(0);
    expect(await typedValues(c.id)).toEqual([
      { key: 'plan', text_value: 'free', number_value: null },
      { key: 'seats', text_value: null, number_value: '3' },
    ]);
    // An edit that leaves custom alone leaves its rows alone.
    await owner.patch(`/api/v1/contacts/${c.id}`, { jobTitle: 'CTO' }, { 'if-match': '"3"' });
    expect(await typedValues(c.id)).toHaveLength(2);
    await t.db.query('DELETE FROM contacts WHERE workspace_id = $1 AND id = $2', [workspaceId, c.id]);
    expect(await typedValues(c.id)).toEqual([]);
  });

  it('follows the one item of a batch that changes custom values among items that do not (0017)', async () => {
    const a = await createContact({ firstName: 'Still', custom: { plan: 'pro' } });
    const b = await createContact({ firstName: 'Moved', custom: { plan: 'pro', seats: 5 } });
    const c = await createContact({ firstName: 'Other', custom: { seats: 1 } });
    const batch = await owner.post('/api/v1/contacts/batch/update', {
      inputs: [
        { id: a.id, properties: { jobTitle: 'Buyer' } },
        { id: b.id, properties: { custom: { plan: 'free', seats: null } } },
        { id: c.id, properties: { jobTitle: 'Lead' } },
      ],
    });
    expect(batch.json().failed).toBe(0);
    expect(await typedValues(a.id)).toEqual([{ key: 'plan', text_value: 'pro', number_value: null }]);
    expect(await typedValues(b.id)).toEqual([{ key: 'plan', text_value: 'free', number_value: null }]);
    expect(await typedValues(c.id)).toEqual([{ key: 'seats', text_value: null, number_value: '1' }]);
  });

  it('filters through the typed values as the jsonb would: a missing value is empty, not equal, not in', async () => {
    const tag = 'Filt';
    const rows = [
      ['A', { plan: 'pro', seats: 5 }],
      ['B', { plan: 'free', seats: 50 }],
      ['C', { seats: 20 }],
      ['D', {}],
    ] as const;
    for (const [name, custom] of rows) await createContact({ firstName: name, lastName: tag, custom });
    const names = async (filter: Record<string, unknown>) =>
      (
        await search({
          filterGroups: [{ filters: [{ field: 'lastName', operator: 'eq', value: tag }, filter] }],
          sort: [{ field: 'firstName', direction: 'asc' }],
        })
      ).data.map((c) => c.firstName);
    expect(await names({ field: 'custom.plan', operator: 'eq', value: 'pro' })).toEqual(['A']);
    expect(await names({ field: 'custom.plan', operator: 'neq', value: 'pro' })).toEqual(['B', 'C', 'D']);
    expect(await names({ field: 'custom.plan', operator: 'not_in', values: ['pro', 'free'] })).toEqual(['C', 'D']);
    expect(await names({ field: 'custom.plan', operator: 'is_empty' })).toEqual(['C', 'D']);
    expect(await names({ field: 'custom.seats', operator: 'is_not_empty' })).toEqual(['A', 'B', 'C']);
    expect(await names({ field: 'custom.seats', operator: 'between', values: [5, 20] })).toEqual(['A', 'C']);
    expect(await names({ field: 'custom.seats', operator: 'lt', value: 20 })).toEqual(['A']);
  });

  it('sorts on a typed value in both directions, missing values last, page by page without repeats', async () => {
    const tag = 'Sorted';
    const rows = [
      ['S1', { seats: 30, plan: 'pro' }],
      ['S2', { seats: 10 }],
      ['S3', {}],
      ['S4', { seats: 30, plan: 'free' }],
      ['S5', { seats: 20 }],
      ['S6', {}],
    ] as const;
    const ids = new Map<string, string>();
    for (const [name, custom] of rows) ids.set(name, (await createContact({ firstName: name, lastName: tag, custom })).id);
    const filterGroups = [{ filters: [{ field: 'lastName', operator: 'eq', value: tag }] }];
    // Ties and missing values follow the id, in the sort's direction; ids grow with creation.
    expect(await allPages({ filterGroups, sort: [{ field: 'custom.seats', direction: 'desc' }] })).toEqual([
      'S4',
      'S1',
      'S5',
      'S2',
      'S6',
      'S3',
    ]);
    expect(await allPages({ filterGroups, sort: [{ field: 'custom.seats', direction: 'asc' }] })).toEqual([
      'S2',
      'S5',
      'S1',
      'S4',
      'S3',
      'S6',
    ]);
    expect(await allPages({ filterGroups, sort: [{ field: 'custom.plan', direction: 'asc' }] })).toEqual([
      'S4',
      'S1',
      'S2',
      'S3',
      'S5',
      'S6',
    ]);
  });

  it('counts exactly up to EXACT_TOTAL_UP_TO matches, then estimates and says so', async () => {
    const cap = EXACT_TOTAL_UP_TO;
    const inputs = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ firstName: `Many${from + i}`, lastName: 'Many', custom: { plan: 'free' } }));
    expect((await owner.post('/api/v1/contacts/batch/create', { inputs: inputs(0, cap) })).json().failed).toBe(0);
    const filterGroups = [{ filters: [{ field: 'lastName', operator: 'eq', value: 'Many' }] }];
    const exact = await search({ filterGroups, limit: 5 });
    expect(exact).toMatchObject({ total: cap, totalIsExact: true });
    expect(exact.data).toHaveLength(5);
    expect((await owner.post('/api/v1/contacts/batch/create', { inputs: inputs(cap, 100) })).json().failed).toBe(0);
    await t.db.exec('ANALYZE contacts');
    const estimated = await search({ filterGroups, limit: 5 });
    expect(estimated.totalIsExact).toBe(false);
    // Never less than what was counted; the estimate itself is the planner's.
    expect(estimated.total).toBeGreaterThan(cap);
    const small = await search({ filterGroups: [{ filters: [{ field: 'firstName', operator: 'eq', value: 'Many7' }] }] });
    expect(small).toMatchObject({ total: 1, totalIsExact: true });
    // A later page still counts: past the cap, 5 a page, the cap counted then the estimate.
    const second = await search({ filterGroups, limit: 5, cursor: estimated.nextCursor });
    expect(second.totalIsExact).toBe(false);
    const fewer = [{ filters: [{ field: 'firstName', operator: 'starts_with', value: 'Many1' }] }];
    // Many1, Many10–19, Many100–199 and Many1000–1099: 1 + 10 + 100 + 100 = 211 of them, in pages of 50.
    expect(await search({ filterGroups: fewer, limit: 50 })).toMatchObject({ total: 211, totalIsExact: true });
  });
});
