import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';

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

async function created(path: string, body: Record<string, unknown>) {
  const res = await owner.post(path, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

/** A deal at `companyId`, written straight to its table (deals have their own module and tests). */
async function insertDeal(name: string, companyId: string | null) {
  const pipelineId = newId();
  const stageId = newId();
  const id = newId();
  await t.db.query('INSERT INTO pipelines (workspace_id, id, name) VALUES ($1, $2, $3)', [workspaceId, pipelineId, name]);
  await t.db.query(
    'INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability) VALUES ($1, $2, $3, $4, 0, 10)',
    [workspaceId, stageId, pipelineId, 'Qualified'],
  );
  await t.db.query(
    `INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, currency, company_id) VALUES ($1, $2, $3, $4, $5, 'USD', $6)`,
    [workspaceId, id, name, pipelineId, stageId, companyId],
  );
  return id;
}

type Entry = {
  id: string;
  kind: string;
  occurredAt: string;
  recordType: string;
  recordId: string;
  activity: { id: string; subject: string } | null;
};

/** Every entry of a timeline, following cursors `limit` at a time. */
async function readAll(path: string, limit: number): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await owner.get(`${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    entries.push(...res.json().data);
    cursor = res.json().nextCursor;
    pages += 1;
  } while (cursor);
  return { entries, pages };
}

const note = (subject: string, occurredAt: string, links: { recordType: string; recordId: string }[]) =>
  created('/api/v1/activities', { kind: 'note', subject, body: `About ${subject}`, occurredAt, links });

describe('record timelines', () => {
  it('shows a contact newest first, pages by keyset without gaps or repeats, and filters by kind', async () => {
    const contact = (await created('/api/v1/contacts', { firstName: 'Paged' })).id;
    const link = [{ recordType: 'contact', recordId: contact }];
    const subjects: string[] = [];
    // Seven activities, three at the very same time (ties are ordered by id).
    for (const [i, at] of ['2031-01-01', '2031-01-03', '2031-01-02', '2031-01-05', '2031-01-05', '2031-01-05', '2031-01-04'].entries()) {
      subjects.push((await note(`n${i}`, `${at}T12:00:00.000Z`, link)).subject);
    }
    await owner.patch(`/api/v1/contacts/${contact}`, { jobTitle: 'CTO' });

    const { entries, pages } = await readAll(`/api/v1/contacts/${contact}/timeline`, 2);
    expect(pages).toBe(5);
    expect(entries).toHaveLength(9);
    expect(new Set(entries.map((e) => e.id)).size).toBe(9);
    const key = (e: Entry) => `${e.occurredAt}|${e.id}`;
    expect(entries.map(key)).toEqual(entries.map(key).sort().reverse());
    // The notes are dated 2031, so they come before the contact's own entries, written now.
    expect(entries.slice(0, 7).map((e) => e.activity?.subject)).toEqual(['n5', 'n4', 'n3', 'n6', 'n1', 'n2', 'n0']);
    expect(entries.slice(7).map((e) => e.kind)).toEqual(['field_change', 'created']);
    const first = entries[0] as Entry & { actor: unknown; data: unknown; activity: Record<string, unknown> };
    expect(first.activity).toMatchObject({ kind: 'note', subject: 'n5', bodyHtml: '<p>About n5</p>', links: link });
    expect(first.data).toEqual({ kind: 'note', subject: 'n5', snippet: 'About n5' });
    expect(first.actor).toMatchObject({ type: 'user' });

    const onlyChanges = (await owner.get(`/api/v1/contacts/${contact}/timeline?kind=field_change,created`)).json();
    expect(onlyChanges.data.map((e: Entry) => e.kind)).toEqual(['field_change', 'created']);
    const activities = await readAll(`/api/v1/contacts/${contact}/timeline?kind=activity`, 3);
    expect(activities.entries).toHaveLength(7);
    const bad = await owner.get(`/api/v1/contacts/${contact}/timeline?kind=activity,gossip`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['query.kind']);
    expect((await owner.get(`/api/v1/contacts/${contact}/timeline?limit=201`)).statusCode).toBe(400);
    expect((await owner.get(`/api/v1/contacts/${contact}/timeline?cursor=garbage`)).statusCode).toBe(400);
  });

  it("rolls a company's contacts and deals into its timeline, each activity once, on every page size", async () => {
    const company = (await created('/api/v1/companies', { name: 'Rollup Inc' })).id;
    const person = (await created('/api/v1/contacts', { firstName: 'Insider', companies: [{ companyId: company }] })).id;
    const outsider = (await created('/api/v1/contacts', { firstName: 'Outsider' })).id;
    const deal = await insertDeal('Rollup deal', company);
    const both = await note('both', '2031-02-05T00:00:00Z', [
      { recordType: 'contact', recordId: person },
      { recordType: 'company', recordId: company },
      { recordType: 'deal', recordId: deal },
    ]);
    const viaContact = await note('contact only', '2031-02-04T00:00:00Z', [{ recordType: 'contact', recordId: person }]);
    const viaDeal = await note('deal only', '2031-02-03T00:00:00Z', [{ recordType: 'deal', recordId: deal }]);
    const direct = await note('company only', '2031-02-02T00:00:00Z', [{ recordType: 'company', recordId: company }]);
    const unrelated = await note('outsider', '2031-02-06T00:00:00Z', [{ recordType: 'contact', recordId: outsider }]);
    const shared = await note('outsider and company', '2031-02-01T00:00:00Z', [
      { recordType: 'contact', recordId: outsider },
      { recordType: 'company', recordId: company },
    ]);

    const expected = [both.id, viaContact.id, viaDeal.id, direct.id, shared.id];
    for (const limit of [1, 2, 3, 50]) {
      const { entries } = await readAll(`/api/v1/companies/${company}/timeline?kind=activity`, limit);
      expect(entries.map((e) => e.activity?.id)).toEqual(expected);
    }
    const all = (await owner.get(`/api/v1/companies/${company}/timeline`)).json().data as Entry[];
    expect(all.map((e) => e.activity?.id)).not.toContain(unrelated.id);
    // The company's and its contact's "created" entries are both there.
    expect(
      all
        .filter((e) => e.kind === 'created')
        .map((e) => e.recordId)
        .sort(),
    ).toEqual([company, person].sort());
    // The contact's own timeline is not rolled up: it shows only what is linked to it.
    const own = (await owner.get(`/api/v1/contacts/${person}/timeline?kind=activity`)).json().data as Entry[];
    expect(own.map((e) => e.activity?.id)).toEqual([both.id, viaContact.id]);
    const dealTimeline = (await owner.get(`/api/v1/deals/${deal}/timeline`)).json().data as Entry[];
    expect(dealTimeline.map((e) => e.activity?.id)).toEqual([both.id, viaDeal.id]);

    // Unlinking the contact from the company takes its entries out of the rollup.
    await owner.patch(`/api/v1/contacts/${person}`, { companies: [] });
    const after = await readAll(`/api/v1/companies/${company}/timeline?kind=activity`, 2);
    expect(after.entries.map((e) => e.activity?.id)).toEqual([both.id, viaDeal.id, direct.id, shared.id]);
  });

  it('skips deleted activities; a record in the trash is 404, a merged one 301 to the survivor', async () => {
    const contact = (await created('/api/v1/contacts', { firstName: 'Merged' })).id;
    const survivor = (await created('/api/v1/contacts', { firstName: 'Survivor' })).id;
    const gone = await note('gone', '2031-03-01T00:00:00Z', [{ recordType: 'contact', recordId: survivor }]);
    const kept = await note('kept', '2031-03-02T00:00:00Z', [{ recordType: 'contact', recordId: survivor }]);
    await owner.delete(`/api/v1/activities/${gone.id}`);
    const data = (await owner.get(`/api/v1/contacts/${survivor}/timeline?kind=activity`)).json().data as Entry[];
    expect(data.map((e) => e.activity?.id)).toEqual([kept.id]);

    await t.db.query('UPDATE contacts SET merged_into = $2 WHERE id = $1', [contact, survivor]);
    const moved = await owner.get(`/api/v1/contacts/${contact}/timeline?limit=5`);
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe(`/api/v1/contacts/${survivor}/timeline`);

    const binned = (await created('/api/v1/companies', { name: 'Binned' })).id;
    await owner.delete(`/api/v1/companies/${binned}`);
    expect((await owner.get(`/api/v1/companies/${binned}/timeline`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/deals/${newId()}/timeline`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/contacts/${newId()}/timeline`)).statusCode).toBe(404);
  });
});
