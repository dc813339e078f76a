import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { ensureQueues } from '../../jobs/queues.ts';
import { runBulkJob } from '../bulk-jobs/bulk-jobs.service.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
let workspaceId: string;
type Stage = { id: string; name: string };
let pipeline: { id: string; stages: Stage[] };
let stages: Stage[];
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  workspaceId = s.workspaceId;
  await owner.patch('/api/v1/workspace', { settings: { currency: 'EUR' } });
  pipeline = (await owner.get('/api/v1/pipelines')).json().data[0];
  stages = pipeline.stages;
});
afterAll(() => t.close());

async function createDeal(body: Record<string, unknown>, client = owner) {
  const res = await client.post('/api/v1/deals', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();
const stage = (i: number) => stages[i]?.id as string;
const timelineOf = async (id: string) =>
  (
    await t.db.query<{ kind: string; data: Record<string, unknown> }>(
      'SELECT kind, data FROM timeline_entries WHERE workspace_id = $1 AND record_id = $2 ORDER BY occurred_at, id',
      [workspaceId, id],
    )
  ).rows;

describe('deals', () => {
  it('creates a deal with defaults, effective probability, weighted amount, contacts, ETag, audit and timeline', async () => {
    const company = (await owner.post('/api/v1/companies', { name: 'Acme' })).json();
    const contact = (await owner.post('/api/v1/contacts', { firstName: 'Sarah' })).json();
    const res = await owner.post('/api/v1/deals', {
      name: '  Acme renewal ',
      amount: 12_345,
      companyId: company.id,
      expectedCloseDate: '2026-09-30',
      contacts: [{ contactId: contact.id, role: 'Champion' }],
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const d = res.json();
    expect(res.headers.location).toBe(`/api/v1/deals/${d.id}`);
    expect(d).toMatchObject({
      name: 'Acme renewal',
      pipelineId: pipeline.id,
      stageId: stage(0),
      amount: 12_345,
      currency: 'EUR',
      expectedCloseDate: '2026-09-30',
      probability: 10,
      probabilityOverridden: false,
      weightedAmount: 1235,
      ownerId,
      companyId: company.id,
      contacts: [{ contactId: contact.id, role: 'Champion' }],
      status: 'open',
      lostReason: null,
      closedAt: null,
      rotten: false,
      custom: {},
    });
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json()).toEqual(d);
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${d.id}`)).json().data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ recordType: 'deal', action: 'create' });
    expect((await timelineOf(d.id)).map((e) => e.kind)).toEqual(['created']);
    const history = (await owner.get(`/api/v1/deals/${d.id}/stage-history`)).json().data;
    expect(history).toMatchObject([{ stageId: stage(0), stageName: 'Qualified', leftAt: null }]);
  });

  it('overrides the probability, and null goes back to the stage default', async () => {
    const d = await createDeal({ name: 'Weighted', amount: 999, probability: 33 });
    expect(d).toMatchObject({ probability: 33, probabilityOverridden: true, weightedAmount: 330 });
    const moved = (await owner.patch(`/api/v1/deals/${d.id}`, { stageId: stage(3) })).json();
    expect(moved).toMatchObject({ probability: 33, weightedAmount: 330 });
    const back = (await owner.patch(`/api/v1/deals/${d.id}`, { probability: null })).json();
    expect(back).toMatchObject({ probability: 60, probabilityOverridden: false, weightedAmount: 599 });
    const noAmount = (await owner.patch(`/api/v1/deals/${d.id}`, { amount: null })).json();
    expect(noAmount.weightedAmount).toBeNull();
    const found = await owner.post('/api/v1/deals/search', {
      filterGroups: [
        {
          filters: [
            { field: 'id', operator: 'eq', value: d.id },
            { field: 'probability', operator: 'eq', value: 60 },
          ],
        },
      ],
    });
    expect(found.json().total).toBe(1);
  });

  it('records each stage change: closes the stay, opens the next, durations, timeline', async () => {
    const d = await createDeal({ name: 'Mover' });
    // Entered its first stage two hours ago.
    await t.db.query(`UPDATE deal_stage_history SET entered_at = now() - interval '2 hours' WHERE workspace_id = $1 AND deal_id = $2`, [
      workspaceId,
      d.id,
    ]);
    const moved = await owner.patch(`/api/v1/deals/${d.id}`, { stageId: stage(2) }, { 'if-match': '"1"' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ stageId: stage(2), probability: 40 });
    expect(Date.parse(moved.json().stageEnteredAt)).toBeGreaterThan(Date.parse(d.stageEnteredAt));
    await owner.patch(`/api/v1/deals/${d.id}`, { stageId: stage(1) });
    const history = (await owner.get(`/api/v1/deals/${d.id}/stage-history`)).json().data;
    expect(history.map((h: { stageName: string }) => h.stageName)).toEqual(['Qualified', 'Demo scheduled', 'Contact made']);
    expect(history[0].durationSeconds).toBeGreaterThanOrEqual(7199);
    expect(history[0].durationSeconds).toBeLessThan(7300);
    expect(history[0].leftAt).toBe(history[1].enteredAt);
    expect(history[1].leftAt).toBe(history[2].enteredAt);
    expect(history[2].leftAt).toBeNull();
    expect(history[1].durationSeconds).toBeLessThan(60);
    const changes = (await timelineOf(d.id)).filter((e) => e.kind === 'stage_change').map((e) => e.data);
    expect(changes).toEqual([
      {
        from: { pipelineId: pipeline.id, stageId: stage(0), name: 'Qualified' },
        to: { pipelineId: pipeline.id, stageId: stage(2), name: 'Demo scheduled' },
      },
      {
        from: { pipelineId: pipeline.id, stageId: stage(2), name: 'Demo scheduled' },
        to: { pipelineId: pipeline.id, stageId: stage(1), name: 'Contact made' },
      },
    ]);
    // A field change alone adds no stay.
    await owner.patch(`/api/v1/deals/${d.id}`, { amount: 5 });
    expect((await owner.get(`/api/v1/deals/${d.id}/stage-history`)).json().data).toHaveLength(3);
    expect((await timelineOf(d.id)).at(-1)).toMatchObject({ kind: 'field_change', data: { changes: { amount: { from: null, to: 5 } } } });
  });

  it('refuses to enter a stage whose required fields are empty (422 naming each), changing nothing', async () => {
    await owner.post('/api/v1/custom-fields', { objectType: 'deal', label: 'Budget', type: 'number' });
    const strict = (
      await owner.post('/api/v1/pipelines', {
        name: 'Strict',
        stages: [
          { name: 'Open', probability: 10 },
          { name: 'Committed', probability: 90, requiredFields: ['amount', 'expectedCloseDate', 'contacts', 'custom.budget'] },
        ],
      })
    ).json();
    const d = await createDeal({ name: 'Not ready', pipelineId: strict.id, amount: 100 });
    const res = await owner.patch(`/api/v1/deals/${d.id}`, { stageId: strict.stages[1].id, amount: null, name: 'Renamed' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('stage_requirements');
    expect(fieldsOf(res)).toEqual(['body.amount', 'body.contacts', 'body.custom.budget', 'body.expectedCloseDate']);
    expect(res.json().errors[0].code).toBe('required_by_stage');
    const same = await owner.get(`/api/v1/deals/${d.id}`);
    expect(same.json()).toMatchObject({ name: 'Not ready', stageId: strict.stages[0].id, amount: 100 });
    expect(same.headers.etag).toBe('"1"');
    expect((await owner.get(`/api/v1/deals/${d.id}/stage-history`)).json().data).toHaveLength(1);
    expect((await owner.get(`/api/v1/record-changes?recordId=${d.id}`)).json().data).toHaveLength(1);
    // Creating a deal straight into the stage is held to the same rule.
    const created = await owner.post('/api/v1/deals', { name: 'Skip ahead', pipelineId: strict.id, stageId: strict.stages[1].id });
    expect(created.statusCode).toBe(422);
    // Filled in the same write, it enters.
    const contact = (await owner.post('/api/v1/contacts', { firstName: 'Buyer' })).json();
    const ok = await owner.patch(`/api/v1/deals/${d.id}`, {
      stageId: strict.stages[1].id,
      expectedCloseDate: '2026-12-01',
      contacts: [{ contactId: contact.id }],
      custom: { budget: 5000 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ stageId: strict.stages[1].id, probability: 90, custom: { budget: 5000 } });
  });

  it('marks won and lost with closedAt and a lost reason, and reopens', async () => {
    const d = await createDeal({ name: 'Closer', amount: 1000 });
    const won = (await owner.patch(`/api/v1/deals/${d.id}`, { status: 'won' })).json();
    expect(won.status).toBe('won');
    expect(Date.parse(won.closedAt)).toBeGreaterThan(Date.now() - 60_000);
    const lost = (await owner.patch(`/api/v1/deals/${d.id}`, { status: 'lost', lostReason: 'Price' })).json();
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'Price' });
    expect(lost.closedAt).not.toBe(won.closedAt);
    const reopened = (await owner.patch(`/api/v1/deals/${d.id}`, { status: 'open' })).json();
    expect(reopened).toMatchObject({ status: 'open', closedAt: null, lostReason: null });
    const statuses = (await timelineOf(d.id)).filter((e) => e.kind === 'status_change').map((e) => e.data);
    expect(statuses).toEqual([
      { from: 'open', to: 'won', lostReason: null },
      { from: 'won', to: 'lost', lostReason: 'Price' },
      { from: 'lost', to: 'open', lostReason: null },
    ]);
    const byStatus = await owner.post('/api/v1/deals/search', {
      filterGroups: [
        {
          filters: [
            { field: 'status', operator: 'eq', value: 'won' },
            { field: 'id', operator: 'eq', value: d.id },
          ],
        },
      ],
    });
    expect(byStatus.json().total).toBe(0);
  });

  it('is rotten when open and idle in its stage past the stage limit; activity or a move freshens it', async () => {
    const d = await createDeal({ name: 'Stale', stageId: stage(4) });
    expect(d.rotten).toBe(false);
    await t.db.query(`UPDATE deals SET stage_entered_at = now() - interval '8 days' WHERE id = $1`, [d.id]);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().rotten).toBe(true);
    const filtered = await owner.post('/api/v1/deals/search', {
      filterGroups: [{ filters: [{ field: 'rotten', operator: 'eq', value: true }] }],
    });
    expect(filtered.json().data.map((x: { id: string }) => x.id)).toEqual([d.id]);
    await t.db.query(`UPDATE deals SET last_activity_at = now() - interval '1 day' WHERE id = $1`, [d.id]);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().rotten).toBe(false);
    await t.db.query(`UPDATE deals SET last_activity_at = now() - interval '9 days' WHERE id = $1`, [d.id]);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().rotten).toBe(true);
    // Won deals are never rotten; a stage without a limit never rots.
    expect((await owner.patch(`/api/v1/deals/${d.id}`, { status: 'won' })).json().rotten).toBe(false);
    await owner.patch(`/api/v1/deals/${d.id}`, { status: 'open', stageId: stage(3) });
    await t.db.query(`UPDATE deals SET stage_entered_at = now() - interval '15 days', last_activity_at = NULL WHERE id = $1`, [d.id]);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().rotten).toBe(true);
    await t.db.query(`UPDATE pipeline_stages SET rotten_days = NULL WHERE id = $1`, [stage(3)]);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().rotten).toBe(false);
    await t.db.query(`UPDATE pipeline_stages SET rotten_days = 14 WHERE id = $1`, [stage(3)]);
  });

  it('validates, naming every bad field, and writes nothing', async () => {
    const other = (await owner.post('/api/v1/pipelines', { name: 'Other', stages: [{ name: 'Elsewhere', probability: 5 }] })).json();
    const binned = (await owner.post('/api/v1/companies', { name: 'Binned' })).json();
    await owner.delete(`/api/v1/companies/${binned.id}`);
    const gone = (await owner.post('/api/v1/contacts', { firstName: 'Gone' })).json();
    await owner.delete(`/api/v1/contacts/${gone.id}`);
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deals')).rows[0]?.n;
    const res = await owner.post('/api/v1/deals', {
      name: 'Bad',
      currency: 'XYZ',
      stageId: other.stages[0].id,
      companyId: binned.id,
      contacts: [{ contactId: gone.id }],
      ownerId: '01a20000-0000-7000-8000-000000000000',
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.companyId', 'body.contacts[0].contactId', 'body.currency', 'body.ownerId', 'body.stageId']);
    const unknownCompany = await owner.post('/api/v1/deals', { name: 'X', companyId: '01a20000-0000-7000-8000-000000000001' });
    expect(fieldsOf(unknownCompany)).toEqual(['body.companyId']);
    const noName = await owner.post('/api/v1/deals', { amount: -1 });
    expect(noName.statusCode).toBe(400);
    expect(fieldsOf(noName)).toEqual(['body.amount']);
    const missingName = await owner.post('/api/v1/deals', {});
    expect(fieldsOf(missingName)).toEqual(['body.name']);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deals')).rows[0]?.n).toBe(before);
    // Naming the stage's pipeline moves the deal there.
    const d = await createDeal({ name: 'Hopper' });
    const hop = await owner.patch(`/api/v1/deals/${d.id}`, { pipelineId: other.id });
    expect(hop.json()).toMatchObject({ pipelineId: other.id, stageId: other.stages[0].id });
    const wrong = await owner.patch(`/api/v1/deals/${d.id}`, { stageId: stage(1) });
    expect(fieldsOf(wrong)).toEqual(['body.stageId']);
    const lowerCurrency = await owner.patch(`/api/v1/deals/${d.id}`, { currency: 'gbp' });
    expect(lowerCurrency.json().currency).toBe('GBP');
  });

  it('replaces contacts with roles through PUT /deals/{id}/contacts', async () => {
    const a = (await owner.post('/api/v1/contacts', { firstName: 'Ann' })).json();
    const b = (await owner.post('/api/v1/contacts', { firstName: 'Bob' })).json();
    const d = await createDeal({ name: 'People', contacts: [{ contactId: a.id }] });
    const res = await owner.request('PUT', `/api/v1/deals/${d.id}/contacts`, {
      contacts: [
        { contactId: b.id, role: 'Decision maker' },
        { contactId: a.id, role: 'Champion' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().contacts).toEqual([
      { contactId: b.id, role: 'Decision maker' },
      { contactId: a.id, role: 'Champion' },
    ]);
    const viaContact = await owner.post('/api/v1/deals/search', {
      filterGroups: [{ filters: [{ association: 'contacts', filters: [{ field: 'id', operator: 'eq', value: b.id }] }] }],
    });
    expect(viaContact.json().data.map((x: { id: string }) => x.id)).toEqual([d.id]);
    // A deleted contact drops off the deal's list.
    await owner.delete(`/api/v1/contacts/${a.id}`);
    expect((await owner.get(`/api/v1/deals/${d.id}`)).json().contacts).toEqual([{ contactId: b.id, role: 'Decision maker' }]);
    const bad = await owner.request('PUT', `/api/v1/deals/${d.id}/contacts`, { contacts: [{ contactId: a.id }] });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['body.contacts[0].contactId']);
  });

  it('lists, sorts, projects and pages; deletes to the trash and restores', async () => {
    const tag = `L${Date.now()}`;
    for (const [i, amount] of [300, 100, 200].entries()) await createDeal({ name: `${tag} ${i}`, amount });
    const page = await owner.get(`/api/v1/deals?q=${tag}&sort=-amount&limit=2&fields=name,amount,weightedAmount`);
    expect(page.json().total).toBe(3);
    expect(page.json().data).toEqual([
      { id: expect.any(String), name: `${tag} 0`, amount: 300, weightedAmount: 30 },
      { id: expect.any(String), name: `${tag} 2`, amount: 200, weightedAmount: 20 },
    ]);
    const next = await owner.get(`/api/v1/deals?q=${tag}&sort=-amount&limit=2&cursor=${page.json().nextCursor}`);
    expect(next.json().data.map((x: { amount: number }) => x.amount)).toEqual([100]);
    const doomed = page.json().data[0].id;
    expect((await owner.delete(`/api/v1/deals/${doomed}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/deals/${doomed}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/deals?q=${tag}`)).json().total).toBe(2);
    const restored = await owner.post(`/api/v1/deals/${doomed}/restore`);
    expect(restored.statusCode).toBe(200);
    expect((await timelineOf(doomed)).map((e) => e.kind)).toEqual(['created', 'deleted', 'restored']);
    expect((await owner.post(`/api/v1/deals/${doomed}/restore`)).statusCode).toBe(404);
  });

  it('roles: read_only reads but cannot write; a member edits only own deals', async () => {
    const mine = await createDeal({ name: 'Owner deal' });
    const { client: reader } = await addMember(owner, 'read_only');
    expect((await reader.get(`/api/v1/deals/${mine.id}`)).statusCode).toBe(200);
    expect((await reader.get(`/api/v1/deals/${mine.id}/stage-history`)).statusCode).toBe(200);
    const attempts = await Promise.all([
      reader.post('/api/v1/deals', { name: 'Nope' }),
      reader.patch(`/api/v1/deals/${mine.id}`, { name: 'Nope' }),
      reader.delete(`/api/v1/deals/${mine.id}`),
      reader.request('PUT', `/api/v1/deals/${mine.id}/contacts`, { contacts: [] }),
      reader.post('/api/v1/deals/batch/create', { inputs: [{ name: 'Nope' }] }),
    ]);
    expect(attempts.slice(0, 4).map((r) => r.statusCode)).toEqual([403, 403, 403, 403]);
    expect(attempts[4]?.json()).toMatchObject({ created: 0, failed: 1, results: [{ status: 'error', code: 'forbidden' }] });
    const { client: readKey } = await apiKeyClient(owner, 'read');
    expect((await readKey.post('/api/v1/deals', { name: 'Nope' })).statusCode).toBe(403);
    const { client: member } = await addMember(owner, 'member');
    const own = await createDeal({ name: 'Member deal' }, member);
    expect((await member.patch(`/api/v1/deals/${own.id}`, { stageId: stage(1) })).statusCode).toBe(200);
    expect((await member.patch(`/api/v1/deals/${mine.id}`, { name: 'Taken' })).statusCode).toBe(403);
    expect((await owner.get(`/api/v1/deals/${mine.id}`)).json().name).toBe('Owner deal');
  });
});

describe('deal batches', () => {
  it('creates good items and reports bad ones, never half-writing one', async () => {
    const res = await owner.post('/api/v1/deals/batch/create', {
      inputs: [
        { name: 'Batch A', amount: 10, externalId: 'crm-1' },
        { name: 'Batch B', currency: 'NOPE' },
        { name: 'Batch C', stageId: stage(2), colour: 'red' },
        { name: 'Batch D', externalId: 'crm-1' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ created: 1, failed: 3 });
    expect(body.results.map((r: { status: string; code?: string }) => [r.status, r.code])).toEqual([
      ['created', undefined],
      ['error', 'validation_failed'],
      ['error', 'validation_failed'],
      ['error', 'conflict'],
    ]);
    expect(body.results[1].errors.map((e: { field: string }) => e.field)).toEqual(['body.currency']);
    expect(body.results[2].errors.map((e: { field: string }) => e.field)).toEqual(['body.colour']);
    const names = (await owner.get('/api/v1/deals?q=Batch')).json().data.map((d: { name: string }) => d.name);
    expect(names).toEqual(['Batch A']);
    const history = (await owner.get(`/api/v1/deals/${body.results[0].id}/stage-history`)).json().data;
    expect(history).toHaveLength(1);
  });

  it('upserts by external id and updates by id, with stage moves and requirements per item', async () => {
    const up = await owner.post('/api/v1/deals/batch/upsert', {
      idProperty: 'externalId',
      inputs: [{ externalId: 'crm-1', stageId: stage(1) }, { externalId: 'crm-2', name: 'Batch E', amount: 50 }, { name: 'No key' }],
    });
    expect(up.json()).toMatchObject({ created: 1, updated: 1, failed: 1 });
    expect(up.json().results[2].errors[0].field).toBe('body.externalId');
    const first = up.json().results[0].id;
    expect((await owner.get(`/api/v1/deals/${first}`)).json()).toMatchObject({ name: 'Batch A', stageId: stage(1) });
    expect((await owner.get(`/api/v1/deals/${first}/stage-history`)).json().data).toHaveLength(2);

    await owner.patch(`/api/v1/pipelines/${pipeline.id}/stages/${stage(3)}`, { requiredFields: ['expectedCloseDate'] });
    const second = up.json().results[1].id;
    const update = await owner.post('/api/v1/deals/batch/update', {
      inputs: [
        { id: first, properties: { stageId: stage(3) } },
        { id: second, properties: { stageId: stage(3), expectedCloseDate: '2027-01-31' } },
        { id: '01a20000-0000-7000-8000-000000000000', properties: { name: 'Ghost' } },
      ],
    });
    expect(update.json().results.map((r: { status: string; code?: string }) => [r.status, r.code])).toEqual([
      ['error', 'stage_requirements'],
      ['updated', undefined],
      ['error', 'not_found'],
    ]);
    expect(update.json().results[0].errors.map((e: { field: string }) => e.field)).toEqual(['body.expectedCloseDate']);
    expect((await owner.get(`/api/v1/deals/${first}`)).json().stageId).toBe(stage(1));
    expect((await owner.get(`/api/v1/deals/${second}`)).json()).toMatchObject({ stageId: stage(3), expectedCloseDate: '2027-01-31' });
    await owner.patch(`/api/v1/pipelines/${pipeline.id}/stages/${stage(3)}`, { requiredFields: [] });
  });
});

describe('bulk jobs on deals', () => {
  it("reassigns all of one owner's open deals and leaves the rest", async () => {
    await t.deps.queue.start();
    await ensureQueues(t.deps.queue);
    const rep = await addMember(owner, 'member');
    const leaver = await addMember(owner, 'member');
    const open = await Promise.all([1, 2, 3].map((i) => createDeal({ name: `Leaver open ${i}`, ownerId: leaver.userId })));
    const won = await createDeal({ name: 'Leaver won', ownerId: leaver.userId, status: 'won' });
    const res = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'deal',
      operation: 'update',
      filterGroups: [
        {
          filters: [
            { field: 'ownerId', operator: 'eq', value: leaver.userId },
            { field: 'status', operator: 'eq', value: 'open' },
          ],
        },
      ],
      patch: { ownerId: rep.userId },
    });
    expect(res.statusCode).toBe(202);
    await runBulkJob(t.db, { workspaceId, jobId: res.json().id });
    expect((await owner.get(`/api/v1/bulk-jobs/${res.json().id}`)).json()).toMatchObject({ status: 'completed', processed: 3, failed: 0 });
    for (const d of open) expect((await owner.get(`/api/v1/deals/${d.id}`)).json().ownerId).toBe(rep.userId);
    expect((await owner.get(`/api/v1/deals/${won.id}`)).json().ownerId).toBe(leaver.userId);
    const audited = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND record_type = 'deal' AND request_id = $2`,
      [workspaceId, `bulk-job:${res.json().id}`],
    );
    expect(audited.rows[0]?.n).toBe(3);

    const del = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'deal',
      operation: 'delete',
      filterGroups: [{ filters: [{ field: 'ownerId', operator: 'eq', value: leaver.userId }] }],
    });
    await runBulkJob(t.db, { workspaceId, jobId: del.json().id });
    expect((await owner.get(`/api/v1/deals/${won.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/deals/${open[0]?.id}`)).statusCode).toBe(200);
  });
});
