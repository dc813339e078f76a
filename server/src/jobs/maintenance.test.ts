import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';
import { uploadCsv } from '../../test/imports-kit.ts';
import { runImportJob } from '../modules/imports/imports.job.ts';
import { analyzeTables, scheduleMaintenance, VACUUM_CRON, vacuumTables } from './maintenance.ts';
import { ensureQueues } from './queues.ts';

let t: TestApp;
let owner: Client;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
});
afterAll(() => t.close());

/** What the planner believes a table holds: -1 until it was first vacuumed or analyzed. */
const plannerRows = async (table: string) =>
  Number((await t.db.query<{ n: number }>(`SELECT reltuples AS n FROM pg_class WHERE oid = $1::regclass`, [table])).rows[0]?.n);

describe('keeping the database’s statistics and space', () => {
  it('vacuums and analyzes every table, pg-boss’s included', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => ({ email: `vacuum${i}@maintenance.example` }));
    expect((await owner.post('/api/v1/contacts/batch/create', { inputs })).json()).toMatchObject({ created: 40 });
    await t.db.exec('ANALYZE contacts');
    await t.db.query('DELETE FROM contacts WHERE workspace_id = $1 AND email LIKE $2', [workspaceId, 'vacuum1%']);
    await vacuumTables(t.db);
    // Statistics match what the tables hold now, the deleted rows gone from them.
    const live = Number((await t.db.query<{ n: number }>('SELECT count(*) AS n FROM contacts')).rows[0]?.n);
    expect(live).toBe(29);
    expect(await plannerRows('contacts')).toBe(live);
    expect(await plannerRows('pgboss.queue')).toBeGreaterThanOrEqual(0);
  });

  it('refreshes the statistics of the tables an import wrote to when it finishes', async () => {
    // Before: the planner still counts the contacts of the last analysis.
    const before = await plannerRows('contacts');
    const rows = Array.from({ length: 120 }, (_, i) => `Person ${i},person${i}@import-stats.example`);
    const up = await uploadCsv(owner, 'contacts', ['Name,Email', ...rows].join('\n'));
    expect(up.statusCode, up.body).toBe(201);
    expect((await owner.post(`/api/v1/imports/${up.json().id}/start`)).statusCode).toBe(202);
    await runImportJob(t.db, { workspaceId, importId: up.json().id }, { batchSize: 50 });
    expect((await owner.get(`/api/v1/imports/${up.json().id}`)).json()).toMatchObject({ status: 'completed' });
    expect(await plannerRows('contacts')).toBe(before + 120);
  });

  it('leaves out names that are not tables of the application', async () => {
    await expect(analyzeTables(t.db, ['no_such_table', 'contacts; DROP TABLE contacts'])).resolves.toBeUndefined();
    expect(await plannerRows('contacts')).toBeGreaterThan(0);
  });

  it('schedules the nightly vacuum on the embedded database only (PostgreSQL servers run autovacuum)', async () => {
    await scheduleMaintenance(t.deps);
    const schedule = await t.db.query<{ name: string; cron: string }>(
      'SELECT name, cron FROM pgboss.schedule WHERE name LIKE $1 ORDER BY name',
      ['maintenance.%'],
    );
    const expected = [{ name: 'maintenance.cleanup', cron: '17 * * * *' }];
    if (t.db.kind === 'pglite') expected.push({ name: 'maintenance.vacuum', cron: VACUUM_CRON });
    expect(schedule.rows).toEqual(expected);
  });
});
