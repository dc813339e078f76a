import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, crashingAfter, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { ensureQueues } from '../../jobs/queues.ts';
import { startWorker } from '../../server.ts';
import { runBulkJob } from './bulk-jobs.service.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  workspaceId = s.workspaceId;
});
afterAll(() => t.close());

async function seed(n: number, extra: Record<string, unknown>, tag: string) {
  for (let i = 0; i < n; i += 1000) {
    const inputs = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ firstName: `${tag}${i + k}`, tags: [tag], ...extra }));
    const res = await owner.post('/api/v1/contacts/batch/create', { inputs });
    expect(res.json().failed).toBe(0);
  }
}

const byTag = (tag: string) => [{ filters: [{ field: 'tags', operator: 'contains', value: tag }] }];

describe('bulk jobs', () => {
  it('validates the filter and patch up front, naming the bad parts, and queues nothing', async () => {
    const bad = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'contact',
      operation: 'update',
      filterGroups: [{ filters: [{ field: 'nope', operator: 'eq', value: 1 }] }],
      patch: { lifecycleStage: 'king' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.filterGroups[0].filters[0].field');
    const badPatch = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'contact',
      operation: 'update',
      filterGroups: byTag('x'),
      patch: { lifecycleStage: 'king' },
    });
    expect(badPatch.json().errors[0].field).toBe('body.patch.lifecycleStage');
    const everything = await owner.post('/api/v1/bulk-jobs', { objectType: 'contact', operation: 'delete', filterGroups: [] });
    expect(everything.statusCode).toBe(400);
    expect((await owner.get('/api/v1/bulk-jobs')).json().data).toEqual([]);
  });

  it('reassigns every matching contact, resuming after a crash without repeating a chunk', async () => {
    const rep = await addMember(owner, 'member');
    await seed(1200, { ownerId }, 'reassign');
    await seed(5, { ownerId }, 'untouched');
    const res = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'contact',
      operation: 'update',
      filterGroups: byTag('reassign'),
      patch: { ownerId: rep.userId },
    });
    expect(res.statusCode).toBe(202);
    const job = res.json();
    expect(job).toMatchObject({ status: 'queued', processed: 0, progress: 0 });

    await expect(runBulkJob(crashingAfter(t.db, 1), { workspaceId, jobId: job.id })).rejects.toThrow('simulated crash');
    const midway = (await owner.get(`/api/v1/bulk-jobs/${job.id}`)).json();
    expect(midway).toMatchObject({ status: 'running', total: 1200, processed: 500 });
    expect(midway.progress).toBeCloseTo(500 / 1200);

    await runBulkJob(t.db, { workspaceId, jobId: job.id });
    const done = (await owner.get(`/api/v1/bulk-jobs/${job.id}`)).json();
    expect(done).toMatchObject({ status: 'completed', total: 1200, processed: 1200, failed: 0, progress: 1 });
    const owners = await t.db.query<{ owner_id: string; version: number; n: number }>(
      `SELECT owner_id, version, count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND 'reassign' = ANY(tags) GROUP BY 1, 2`,
      [workspaceId],
    );
    expect(owners.rows).toEqual([{ owner_id: rep.userId, version: 2, n: 1200 }]);
    const untouched = await t.db.query(`SELECT 1 FROM contacts WHERE workspace_id = $1 AND 'untouched' = ANY(tags) AND owner_id = $2`, [
      workspaceId,
      ownerId,
    ]);
    expect(untouched.rowCount).toBe(5);
    const audited = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND action = 'update' AND request_id = $2`,
      [workspaceId, `bulk-job:${job.id}`],
    );
    expect(audited.rows[0]?.n).toBe(1200);
    // Running it again changes nothing.
    await runBulkJob(t.db, { workspaceId, jobId: job.id });
    expect((await owner.get(`/api/v1/bulk-jobs/${job.id}`)).json().processed).toBe(1200);
  });

  it('counts records a member may not change as failed and leaves them alone', async () => {
    const member = await addMember(owner, 'member');
    await seed(3, { ownerId }, 'notmine');
    await member.client.post('/api/v1/contacts', { firstName: 'Mine', tags: ['notmine'] });
    const res = await member.client.post('/api/v1/bulk-jobs', {
      objectType: 'contact',
      operation: 'update',
      filterGroups: byTag('notmine'),
      patch: { jobTitle: 'Changed' },
    });
    await runBulkJob(t.db, { workspaceId, jobId: res.json().id });
    const job = (await owner.get(`/api/v1/bulk-jobs/${res.json().id}`)).json();
    expect(job).toMatchObject({ status: 'completed', processed: 4, failed: 3 });
    const changed = await t.db.query(`SELECT 1 FROM contacts WHERE workspace_id = $1 AND job_title = 'Changed'`, [workspaceId]);
    expect(changed.rowCount).toBe(1);
  });

  it('deletes by filter through the real job worker', async () => {
    await seed(12, {}, 'doomed');
    const stop = await startWorker(t.deps);
    try {
      const res = await owner.post('/api/v1/bulk-jobs', { objectType: 'contact', operation: 'delete', filterGroups: byTag('doomed') });
      let job = res.json();
      for (let i = 0; i < 100 && job.status !== 'completed'; i++) {
        await sleep(200);
        job = (await owner.get(`/api/v1/bulk-jobs/${job.id}`)).json();
      }
      expect(job).toMatchObject({ status: 'completed', processed: 12, failed: 0 });
      const left = await owner.post('/api/v1/contacts/search', { filterGroups: byTag('doomed') });
      expect(left.json().total).toBe(0);
      const trashed = await t.db.query(
        `SELECT 1 FROM contacts WHERE workspace_id = $1 AND 'doomed' = ANY(tags) AND deleted_at IS NOT NULL`,
        [workspaceId],
      );
      expect(trashed.rowCount).toBe(12);
    } finally {
      await stop();
    }
  });
});

describe('bulk jobs on companies', () => {
  it('reassigns and then deletes the companies a filter selects, audited, leaving the rest alone', async () => {
    const manager = await addMember(owner, 'manager');
    const inputs = Array.from({ length: 7 }, (_, i) => ({ name: `Bulk Co ${i}`, industry: i < 5 ? 'Bulk target' : 'Keep' }));
    const created = await owner.post('/api/v1/companies/batch/create', { inputs });
    expect(created.json().created).toBe(7);
    const filterGroups = [{ filters: [{ field: 'industry', operator: 'eq', value: 'Bulk target' }] }];
    const res = await owner.post('/api/v1/bulk-jobs', {
      objectType: 'company',
      operation: 'update',
      filterGroups,
      patch: { ownerId: manager.userId },
    });
    expect(res.statusCode).toBe(202);
    await runBulkJob(t.db, { workspaceId, jobId: res.json().id });
    expect((await owner.get(`/api/v1/bulk-jobs/${res.json().id}`)).json()).toMatchObject({ status: 'completed', processed: 5, failed: 0 });
    const owners = await t.db.query<{ industry: string; owner_id: string; n: number }>(
      `SELECT industry, owner_id, count(*)::int AS n FROM companies WHERE workspace_id = $1 AND name LIKE 'Bulk Co %' GROUP BY 1, 2 ORDER BY 1`,
      [workspaceId],
    );
    expect(owners.rows).toEqual([
      { industry: 'Bulk target', owner_id: manager.userId, n: 5 },
      { industry: 'Keep', owner_id: ownerId, n: 2 },
    ]);
    const audited = await t.db.query(
      `SELECT 1 FROM record_changes rc JOIN companies co ON co.workspace_id = rc.workspace_id AND co.id = rc.record_id
       WHERE rc.workspace_id = $1 AND rc.action = 'update' AND co.industry = 'Bulk target'`,
      [workspaceId],
    );
    expect(audited.rowCount).toBe(5);

    const del = await owner.post('/api/v1/bulk-jobs', { objectType: 'company', operation: 'delete', filterGroups });
    await runBulkJob(t.db, { workspaceId, jobId: del.json().id });
    expect((await owner.get(`/api/v1/bulk-jobs/${del.json().id}`)).json()).toMatchObject({ status: 'completed', processed: 5 });
    const live = (
      await owner.post('/api/v1/companies/search', {
        filterGroups: [{ filters: [{ field: 'name', operator: 'starts_with', value: 'Bulk Co' }] }],
      })
    ).json();
    expect(live.data.map((c: { industry: string }) => c.industry)).toEqual(['Keep', 'Keep']);
  });
});
