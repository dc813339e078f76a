import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';
import { newId } from '../lib/ids.ts';
import { purgeTrash, schedulePurge } from './purge.ts';

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

async function post(path: string, body: Record<string, unknown>, client = owner): Promise<string> {
  const res = await client.post(path, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json().id;
}

/** Moves a record's deletion `days` into the past, as if it had sat in the trash that long. */
async function binnedDaysAgo(table: string, id: string, days: number) {
  await t.db.query(`UPDATE ${table} SET deleted_at = now() - make_interval(days => $2) WHERE id = $1`, [id, days]);
}

const exists = async (table: string, id: string) => (await t.db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rows.length === 1;
const one = async <T>(sql: string, params: unknown[]) => (await t.db.query<T>(sql, params)).rows[0] as T;

/** Deals, activities and tasks have their own modules; here they are written straight to their tables. */
async function insertDeal(companyId: string | null, name: string) {
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

async function insertActivity(links: { recordType: string; recordId: string }[]) {
  const id = newId();
  await t.db.query(`INSERT INTO activities (workspace_id, id, kind, body) VALUES ($1, $2, 'note', 'A note')`, [workspaceId, id]);
  for (const l of links) {
    await t.db.query('INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id) VALUES ($1, $2, $3, $4)', [
      workspaceId,
      id,
      l.recordType,
      l.recordId,
    ]);
  }
  return id;
}

async function insertTask(title: string, record?: { recordType: string; recordId: string }) {
  const id = newId();
  await t.db.query('INSERT INTO tasks (workspace_id, id, title, record_type, record_id) VALUES ($1, $2, $3, $4, $5)', [
    workspaceId,
    id,
    title,
    record?.recordType ?? null,
    record?.recordId ?? null,
  ]);
  return id;
}

describe('purging the trash', () => {
  it('deletes records binned over 30 days ago, detaches what pointed at them, and audits each', async () => {
    const oldContact = await post('/api/v1/contacts', { firstName: 'Old', email: 'old@purge.example' });
    const recentContact = await post('/api/v1/contacts', { firstName: 'Recent' });
    const parent = await post('/api/v1/companies', { name: 'Gone Parent', domain: 'gone.example' });
    const childKept = await post('/api/v1/companies', { name: 'Kept Child', parentCompanyId: parent });
    const childGone = await post('/api/v1/companies', { name: 'Gone Child', parentCompanyId: parent });
    const liveContact = await post('/api/v1/contacts', { firstName: 'Live', companies: [{ companyId: parent }] });
    const liveDeal = await insertDeal(parent, 'Live deal');
    const oldDeal = await insertDeal(parent, 'Old deal');
    await t.db.query('INSERT INTO deal_contacts (workspace_id, deal_id, contact_id) VALUES ($1, $2, $3)', [
      workspaceId,
      oldDeal,
      liveContact,
    ]);
    const oldActivity = await insertActivity([{ recordType: 'contact', recordId: liveContact }]);
    await t.db.query(
      `INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, activity_id) VALUES ($1, $2, 'contact', $3, 'activity', now(), $4)`,
      [workspaceId, newId(), liveContact, oldActivity],
    );
    const liveActivity = await insertActivity([
      { recordType: 'contact', recordId: oldContact },
      { recordType: 'contact', recordId: liveContact },
    ]);
    const oldTask = await insertTask('Old task');
    const liveTask = await insertTask('Call Old', { recordType: 'contact', recordId: oldContact });

    for (const [path, id] of [
      ['contacts', oldContact],
      ['contacts', recentContact],
      ['companies', childGone],
      ['companies', parent],
    ] as const) {
      expect((await owner.delete(`/api/v1/${path}/${id}`)).statusCode).toBe(204);
    }
    await t.db.query('UPDATE deals SET deleted_at = now() WHERE id = $1', [oldDeal]);
    await t.db.query('UPDATE activities SET deleted_at = now() WHERE id = $1', [oldActivity]);
    await t.db.query('UPDATE tasks SET deleted_at = now() WHERE id = $1', [oldTask]);
    for (const [table, id] of [
      ['contacts', oldContact],
      ['companies', parent],
      ['companies', childGone],
      ['deals', oldDeal],
      ['activities', oldActivity],
      ['tasks', oldTask],
    ] as const) {
      await binnedDaysAgo(table, id, 31);
    }
    await binnedDaysAgo('contacts', recentContact, 29);

    const purged = await purgeTrash(t.db);
    expect(purged).toEqual({ activity: 1, task: 1, deal: 1, contact: 1, company: 2 });

    for (const [table, id] of [
      ['contacts', oldContact],
      ['companies', parent],
      ['companies', childGone],
      ['deals', oldDeal],
      ['activities', oldActivity],
      ['tasks', oldTask],
    ] as const) {
      expect(await exists(table, id), `${table} ${id}`).toBe(false);
    }
    // Still in the trash (29 days), and still restorable.
    expect((await owner.post(`/api/v1/contacts/${recentContact}/restore`)).statusCode).toBe(200);

    // What pointed at purged records is detached, with a new version, and survives.
    expect(await one('SELECT parent_company_id, version FROM companies WHERE id = $1', [childKept])).toEqual({
      parent_company_id: null,
      version: 2,
    });
    expect(await one('SELECT company_id, version FROM deals WHERE id = $1', [liveDeal])).toEqual({ company_id: null, version: 2 });
    expect(await one('SELECT record_type, record_id FROM tasks WHERE id = $1', [liveTask])).toEqual({ record_type: null, record_id: null });
    const links = await t.db.query('SELECT record_id FROM activity_links WHERE activity_id = $1', [liveActivity]);
    expect(links.rows).toEqual([{ record_id: liveContact }]);
    const live = (await owner.get(`/api/v1/contacts/${liveContact}`)).json();
    expect(live.companies).toEqual([]);
    expect((await t.db.query('SELECT 1 FROM contact_companies WHERE company_id = $1', [parent])).rows).toEqual([]);
    expect((await t.db.query('SELECT 1 FROM deal_contacts WHERE deal_id = $1', [oldDeal])).rows).toEqual([]);

    // Their own timelines and the entries showing a purged activity are gone; others' stay.
    const timeline = await t.db.query<{ record_id: string; kind: string }>(
      'SELECT record_id, kind FROM timeline_entries WHERE record_id = ANY($1::uuid[]) OR activity_id = $2 ORDER BY id',
      [[oldContact, parent, childGone, liveContact], oldActivity],
    );
    expect(timeline.rows).toEqual([{ record_id: liveContact, kind: 'created' }]);

    // One audit row and one event per purged record, by the system; one per detached row.
    const audit = await t.db.query<{ record_type: string; record_id: string; action: string; actor_type: string; changes: unknown }>(
      "SELECT record_type, record_id, action, actor_type, changes FROM record_changes WHERE actor_type = 'system' ORDER BY record_type, action",
    );
    const purgedRow = (record_type: string, record_id: string) => ({
      record_type,
      record_id,
      action: 'delete',
      actor_type: 'system',
      changes: { purged: { from: false, to: true } },
    });
    expect(audit.rows).toEqual(
      expect.arrayContaining([
        purgedRow('contact', oldContact),
        purgedRow('company', parent),
        purgedRow('company', childGone),
        purgedRow('deal', oldDeal),
        purgedRow('activity', oldActivity),
        purgedRow('task', oldTask),
        {
          record_type: 'company',
          record_id: childKept,
          action: 'update',
          actor_type: 'system',
          changes: { parentCompanyId: { from: parent, to: null } },
        },
        {
          record_type: 'deal',
          record_id: liveDeal,
          action: 'update',
          actor_type: 'system',
          changes: { companyId: { from: parent, to: null } },
        },
        {
          record_type: 'task',
          record_id: liveTask,
          action: 'update',
          actor_type: 'system',
          changes: { recordType: { from: 'contact', to: null }, recordId: { from: oldContact, to: null } },
        },
        {
          record_type: 'activity',
          record_id: liveActivity,
          action: 'update',
          actor_type: 'system',
          changes: { link: { from: { recordType: 'contact', recordId: oldContact }, to: null } },
        },
      ]),
    );
    expect(audit.rows).toHaveLength(10);
    const events = await t.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE record_id = $1 ORDER BY id', [oldContact]);
    expect(events.rows.map((e) => e.type)).toEqual(['contact.created', 'contact.deleted', 'contact.purged']);

    expect(await purgeTrash(t.db)).toEqual({ activity: 0, task: 0, deal: 0, contact: 0, company: 0 });
  });

  it('works through many batches and every workspace, auditing each in its own', async () => {
    const other = await signUp(t.app, { workspaceName: 'Other' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await post('/api/v1/contacts', { firstName: `Batch ${i}` }));
    const foreign = await post('/api/v1/contacts', { firstName: 'Foreign' }, other.client);
    for (const id of [...ids, foreign]) {
      await t.db.query("UPDATE contacts SET deleted_at = now() - interval '45 days' WHERE id = $1", [id]);
    }
    expect((await purgeTrash(t.db, { batchSize: 2 })).contact).toBe(6);
    const left = await t.db.query('SELECT id FROM contacts WHERE id = ANY($1::uuid[])', [[...ids, foreign]]);
    expect(left.rows).toEqual([]);
    const audit = await one<{ workspace_id: string }>(
      "SELECT workspace_id FROM record_changes WHERE record_id = $1 AND action = 'delete'",
      [foreign],
    );
    expect(audit.workspace_id).toBe(other.workspaceId);
  });

  it('runs daily as a pg-boss job that purges when it fires', async () => {
    await t.deps.queue.start();
    await schedulePurge(t.deps);
    const schedule = await t.db.query<{ cron: string }>("SELECT cron FROM pgboss.schedule WHERE name = 'records.purge-trash'");
    expect(schedule.rows).toEqual([{ cron: '41 3 * * *' }]);
    const id = await post('/api/v1/contacts', { firstName: 'Job' });
    await t.db.query("UPDATE contacts SET deleted_at = now() - interval '31 days' WHERE id = $1", [id]);
    await t.deps.queue.send('records.purge-trash', {});
    const deadline = Date.now() + 20_000;
    while ((await exists('contacts', id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await exists('contacts', id)).toBe(false);
  });
});
