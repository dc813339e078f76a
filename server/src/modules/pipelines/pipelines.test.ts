import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { defaultSalesPipeline } from './pipelines.service.ts';

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

type Stage = { id: string; name: string; position: number; probability: number; rottenDays: number | null; requiredFields: string[] };
type Pipeline = { id: string; name: string; isDefault: boolean; stages: Stage[] };

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();

async function createPipeline(name: string, stages = ['One', 'Two', 'Three'], client = owner): Promise<Pipeline> {
  const res = await client.post('/api/v1/pipelines', { name, stages: stages.map((s, i) => ({ name: s, probability: (i + 1) * 10 })) });
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

async function createDeal(body: Record<string, unknown>) {
  const res = await owner.post('/api/v1/deals', body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

describe('the default pipeline', () => {
  it('is created with each new workspace, with the stages migration 0002 gave existing workspaces', async () => {
    const s = await signUp(t.app, { workspaceName: 'Fresh' });
    const list = (await s.client.get('/api/v1/pipelines')).json().data as Pipeline[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'Sales pipeline', isDefault: true });
    const stages = list[0]?.stages.map((st) => ({
      name: st.name,
      position: st.position,
      probability: st.probability,
      rottenDays: st.rottenDays,
    }));
    expect(stages).toEqual(defaultSalesPipeline.stages.map((st, position) => ({ ...st, position })));

    // The migration's VALUES list: ('Qualified', 0, 10, 30), …
    const sql = readFileSync(new URL('../../db/migrations/0002_crm_core.sql', import.meta.url), 'utf8');
    const values = sql.slice(sql.lastIndexOf('CROSS JOIN (VALUES'));
    const fromMigration = [...values.matchAll(/\('([^']+)', (\d+), (\d+), (\d+)\)/g)].map((m) => ({
      name: m[1],
      position: Number(m[2]),
      probability: Number(m[3]),
      rottenDays: Number(m[4]),
    }));
    expect(fromMigration).toEqual(stages);
    expect(sql).toContain(`'${defaultSalesPipeline.name}', 0, true`);

    const audit = (await s.client.get(`/api/v1/record-changes?recordId=${list[0]?.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['create']);
  });

  it('a deal with no pipeline goes to the default pipeline, first stage; making another default moves that', async () => {
    const [sales] = (await owner.get('/api/v1/pipelines')).json().data as Pipeline[];
    const deal = await createDeal({ name: 'Defaulted' });
    expect(deal).toMatchObject({ pipelineId: sales?.id, stageId: sales?.stages[0]?.id, probability: 10 });
    const other = await createPipeline('Partners');
    expect(other.isDefault).toBe(false);
    const made = await owner.patch(`/api/v1/pipelines/${other.id}`, { isDefault: true });
    expect(made.json().isDefault).toBe(true);
    expect((await owner.get(`/api/v1/pipelines/${sales?.id}`)).json().isDefault).toBe(false);
    expect((await createDeal({ name: 'Partner deal' })).stageId).toBe(other.stages[0]?.id);
    // The default pipeline cannot be deleted.
    const refused = await owner.delete(`/api/v1/pipelines/${other.id}`);
    expect(refused.statusCode).toBe(409);
    await owner.patch(`/api/v1/pipelines/${sales?.id}`, { isDefault: true });
  });
});

describe('pipelines and stages', () => {
  it('creates, renames and lists a pipeline with ETags and audit', async () => {
    const res = await owner.post('/api/v1/pipelines', {
      name: 'Renewals',
      stages: [
        { name: 'Due', probability: 50, rottenDays: 10 },
        { name: 'Quoted', probability: 70, requiredFields: ['amount', 'amount'] },
      ],
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const p = res.json() as Pipeline;
    expect(p.stages.map((s) => [s.name, s.position, s.probability, s.rottenDays, s.requiredFields])).toEqual([
      ['Due', 0, 50, 10, []],
      ['Quoted', 1, 70, null, ['amount']],
    ]);
    const stale = await owner.patch(`/api/v1/pipelines/${p.id}`, { name: 'X' }, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(412);
    const renamed = await owner.patch(`/api/v1/pipelines/${p.id}`, { name: 'Renewals 2026' }, { 'if-match': '"1"' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    const names = (await owner.get('/api/v1/pipelines')).json().data.map((x: Pipeline) => x.name);
    expect(names).toContain('Renewals 2026');
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${p.id}`)).json().data;
    expect(audit).toHaveLength(2);
    expect(audit.find((a: { action: string }) => a.action === 'update').changes.name).toEqual({ from: 'Renewals', to: 'Renewals 2026' });
  });

  it('refuses bad stage settings, naming each field, and changes nothing', async () => {
    await owner.post('/api/v1/custom-fields', { objectType: 'deal', label: 'Budget owner', type: 'text' });
    const p = await createPipeline('Strict');
    const bad = await owner.patch(`/api/v1/pipelines/${p.id}/stages/${p.stages[0]?.id}`, {
      probability: 101,
      rottenDays: 0,
    });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['body.probability', 'body.rottenDays']);
    const unknown = await owner.patch(`/api/v1/pipelines/${p.id}/stages/${p.stages[0]?.id}`, {
      requiredFields: ['amount', 'custom.nope', 'colour', 'custom.budget_owner'],
      name: 'Two',
    });
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['body.name', 'body.requiredFields[1]', 'body.requiredFields[2]']);
    const after = (await owner.get(`/api/v1/pipelines/${p.id}`)).json();
    expect(after.stages[0]).toMatchObject({ name: 'One', probability: 10, rottenDays: null, requiredFields: [] });
    const ok = await owner.patch(`/api/v1/pipelines/${p.id}/stages/${p.stages[0]?.id}`, {
      name: 'First',
      probability: 15,
      rottenDays: 5,
      requiredFields: ['amount', 'custom.budget_owner', 'contacts'],
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'First',
      probability: 15,
      rottenDays: 5,
      requiredFields: ['amount', 'custom.budget_owner', 'contacts'],
    });
    expect(ok.headers.etag).toBe('"2"');
  });

  it('adds a stage at a position, reorders, and refuses an incomplete order', async () => {
    const p = await createPipeline('Ordered');
    const [one, two, three] = p.stages as [Stage, Stage, Stage];
    const added = await owner.post(`/api/v1/pipelines/${p.id}/stages`, { name: 'One and a half', probability: 15, position: 1 });
    expect(added.statusCode).toBe(201);
    const half = added.json() as Stage;
    expect(half.position).toBe(1);
    const order = (id: string) => owner.get(`/api/v1/pipelines/${id}`).then((r) => r.json().stages.map((s: Stage) => [s.name, s.position]));
    expect(await order(p.id)).toEqual([
      ['One', 0],
      ['One and a half', 1],
      ['Two', 2],
      ['Three', 3],
    ]);
    const dup = await owner.post(`/api/v1/pipelines/${p.id}/stages`, { name: 'two', probability: 1 });
    expect(dup.statusCode).toBe(400);
    expect(fieldsOf(dup)).toEqual(['body.name']);

    const reordered = await owner.post(`/api/v1/pipelines/${p.id}/stages/reorder`, { stageIds: [three.id, two.id, half.id, one.id] });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().stages.map((s: Stage) => s.name)).toEqual(['Three', 'Two', 'One and a half', 'One']);
    const missing = await owner.post(`/api/v1/pipelines/${p.id}/stages/reorder`, { stageIds: [three.id, two.id, one.id] });
    expect(missing.statusCode).toBe(400);
    expect(fieldsOf(missing)).toEqual(['body.stageIds']);
    const other = await createPipeline('Elsewhere');
    const foreign = await owner.post(`/api/v1/pipelines/${p.id}/stages/reorder`, {
      stageIds: [three.id, two.id, half.id, other.stages[0]?.id],
    });
    expect(foreign.statusCode).toBe(400);
    expect(await order(p.id)).toEqual([
      ['Three', 0],
      ['Two', 1],
      ['One and a half', 2],
      ['One', 3],
    ]);
  });

  it('removes a stage: refused while it has deals, then moves them with ?moveTo= and records the stay', async () => {
    const p = await createPipeline('Shrinking');
    const [one, two] = p.stages as [Stage, Stage];
    const deal = await createDeal({ name: 'Caught', pipelineId: p.id, stageId: one.id });
    const trashed = await createDeal({ name: 'Trashed', pipelineId: p.id, stageId: one.id });
    await owner.delete(`/api/v1/deals/${trashed.id}`);

    const refused = await owner.delete(`/api/v1/pipelines/${p.id}/stages/${one.id}`);
    expect(refused.statusCode).toBe(409);
    expect(fieldsOf(refused)).toEqual(['query.moveTo']);
    const toItself = await owner.delete(`/api/v1/pipelines/${p.id}/stages/${one.id}?moveTo=${one.id}`);
    expect(toItself.statusCode).toBe(400);
    expect((await owner.get(`/api/v1/deals/${deal.id}`)).json().stageId).toBe(one.id);

    const removed = await owner.delete(`/api/v1/pipelines/${p.id}/stages/${one.id}?moveTo=${two.id}`);
    expect(removed.statusCode).toBe(204);
    const after = (await owner.get(`/api/v1/pipelines/${p.id}`)).json();
    expect(after.stages.map((s: Stage) => [s.name, s.position])).toEqual([
      ['Two', 0],
      ['Three', 1],
    ]);
    const moved = (await owner.get(`/api/v1/deals/${deal.id}`)).json();
    expect(moved).toMatchObject({ stageId: two.id, probability: 20 });
    const history = (await owner.get(`/api/v1/deals/${deal.id}/stage-history`)).json().data;
    expect(
      history.map((h: { stageId: string; stageName: string | null; leftAt: string | null }) => [h.stageId, h.stageName, h.leftAt === null]),
    ).toEqual([
      [one.id, null, false],
      [two.id, 'Two', true],
    ]);
    const timeline = await t.db.query<{ data: { from: { stageId: string }; to: { stageId: string; name: string } } }>(
      `SELECT data FROM timeline_entries WHERE workspace_id = $1 AND record_id = $2 AND kind = 'stage_change'`,
      [workspaceId, deal.id],
    );
    expect(timeline.rows.map((r) => [r.data.from.stageId, r.data.to.stageId, r.data.to.name])).toEqual([[one.id, two.id, 'Two']]);
    const binned = await t.db.query<{ stage_id: string }>('SELECT stage_id FROM deals WHERE id = $1', [trashed.id]);
    expect(binned.rows[0]?.stage_id).toBe(two.id);
    // The last stage stays.
    await owner.delete(`/api/v1/pipelines/${p.id}/stages/${after.stages[1].id}?moveTo=${two.id}`);
    const last = await owner.delete(`/api/v1/pipelines/${p.id}/stages/${two.id}`);
    expect(last.statusCode).toBe(409);
  });

  it('deletes a pipeline: refused while it has deals unless they move to another pipeline', async () => {
    const doomed = await createPipeline('Doomed');
    const keeper = await createPipeline('Keeper');
    const deal = await createDeal({ name: 'Survivor', pipelineId: doomed.id, stageId: doomed.stages[1]?.id });
    const refused = await owner.delete(`/api/v1/pipelines/${doomed.id}`);
    expect(refused.statusCode).toBe(409);
    const sameOne = await owner.delete(`/api/v1/pipelines/${doomed.id}?moveTo=${doomed.stages[0]?.id}`);
    expect(sameOne.statusCode).toBe(400);
    expect((await owner.get(`/api/v1/pipelines/${doomed.id}`)).statusCode).toBe(200);

    const res = await owner.delete(`/api/v1/pipelines/${doomed.id}?moveTo=${keeper.stages[2]?.id}`);
    expect(res.statusCode).toBe(204);
    expect((await owner.get(`/api/v1/pipelines/${doomed.id}`)).statusCode).toBe(404);
    expect((await owner.get(`/api/v1/deals/${deal.id}`)).json()).toMatchObject({ pipelineId: keeper.id, stageId: keeper.stages[2]?.id });
    const audit = (await owner.get(`/api/v1/record-changes?recordId=${doomed.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toContain('delete');
    const empty = await createPipeline('Empty');
    expect((await owner.delete(`/api/v1/pipelines/${empty.id}`)).statusCode).toBe(204);
  });

  it('only admins manage pipelines; everyone in the workspace reads them', async () => {
    const p = await createPipeline('Guarded');
    for (const role of ['manager', 'member', 'read_only'] as const) {
      const { client } = await addMember(owner, role);
      expect((await client.get('/api/v1/pipelines')).statusCode).toBe(200);
      expect((await client.get(`/api/v1/pipelines/${p.id}`)).statusCode).toBe(200);
      const attempts = await Promise.all([
        client.post('/api/v1/pipelines', { name: 'Mine', stages: [{ name: 'A', probability: 1 }] }),
        client.patch(`/api/v1/pipelines/${p.id}`, { name: 'Taken' }),
        client.delete(`/api/v1/pipelines/${p.id}`),
        client.post(`/api/v1/pipelines/${p.id}/stages`, { name: 'New', probability: 5 }),
        client.patch(`/api/v1/pipelines/${p.id}/stages/${p.stages[0]?.id}`, { name: 'Renamed' }),
        client.post(`/api/v1/pipelines/${p.id}/stages/reorder`, { stageIds: p.stages.map((s) => s.id).reverse() }),
        client.delete(`/api/v1/pipelines/${p.id}/stages/${p.stages[0]?.id}`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    }
    const { client: admin } = await addMember(owner, 'admin');
    expect((await admin.patch(`/api/v1/pipelines/${p.id}`, { name: 'Admin was here' })).statusCode).toBe(200);
    const after = (await owner.get(`/api/v1/pipelines/${p.id}`)).json();
    expect(after.name).toBe('Admin was here');
    expect(after.stages.map((s: Stage) => s.name)).toEqual(['One', 'Two', 'Three']);
  });
});
