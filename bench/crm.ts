import type { Database, Queryable } from '../server/src/db/database.ts';
import { vacuumTables } from '../server/src/jobs/maintenance.ts';
import { newId } from '../server/src/lib/ids.ts';
import { EXACT_TOTAL_UP_TO } from '../server/src/lib/record-list.ts';
import { crmScale, fullSeed, type SeedOptions, seedCrm } from './crm-seed.ts';
import { reusableName, withBenchNode } from './harness.ts';
import { type Stats, stats } from './stats.ts';

/**
 * CRM core benchmark, through the authenticated HTTP API on a seeded workspace, each scenario
 * beside the same work as raw SQL in the same run: get a contact (and its first timeline page
 * once that endpoint exists), a filtered + sorted list page on standard and custom fields, the
 * global search, and a batch upsert of 1,000 contacts.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
/**
 * Rounds of the naive raw-SQL baselines (the jsonb list query and the four-table text search),
 * which take seconds each at scale 1: a few dozen give their percentiles without making a run
 * last an hour.
 */
const BASELINE_ROUNDS = Number(process.env.BENCH_BASELINE_ROUNDS ?? ROUNDS);

export type Scenario = {
  name: string;
  target: string;
  http: Stats;
  raw: Stats;
  /**
   * The same work as raw SQL done the way the server does it, where that differs from the bare
   * form: a list page read through the typed custom values; a batch with the change history,
   * events and timeline entries every write leaves behind.
   */
  rawAsServer?: Stats;
};
export type CrmResult = {
  backend: 'pglite' | 'postgres';
  scale: number;
  counts: ReturnType<typeof crmScale>;
  seedMs: Record<string, number>;
  /** Whether the seed was made by an earlier run and kept (BENCH_REUSE=1). */
  seedReused: boolean;
  scenarios: Scenario[];
  /** What went wrong in a scenario that could not be measured. */
  notes: string[];
};

/** Three lists of `n` new ids (history rows, timeline entries, events), for the raw SQL of a batch's full work. */
const threeIdLists = (n: number) => [0, 1, 2].map(() => Array.from({ length: n }, newId));

/**
 * The end of a raw batch statement in full, after its CTE `n` (the contacts as saved, numbered
 * `i`, with their `changes`): each contact's change-history row, timeline entry and event (the
 * record as saved), their ids from parameters $4, $5 and $6.
 */
const trailOf = (action: 'create' | 'update', kind: string, timelineData: string) => `
  x AS (SELECT * FROM unnest($4::uuid[], $5::uuid[], $6::uuid[]) WITH ORDINALITY AS x (h, t, e, i)),
  h AS (INSERT INTO record_changes (workspace_id, id, record_type, record_id, action, actor_type, changes)
        SELECT $1, x.h, 'contact', n.id, '${action}', 'system', n.changes FROM n JOIN x ON x.i = n.i),
  t AS (INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, actor_type, data)
        SELECT $1, x.t, 'contact', n.id, '${kind}', now(), 'system', ${timelineData} FROM n JOIN x ON x.i = n.i)
  INSERT INTO outbox_events (workspace_id, id, type, record_type, record_id, payload, actor_type)
  SELECT $1, x.e, 'contact.${action}d', 'contact', n.id,
         jsonb_build_object('record', to_jsonb(n) - 'search' - 'changes' - 'i', 'changes', n.changes), 'system'
  FROM n JOIN x ON x.i = n.i`;

async function timeEach(rounds: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/**
 * Seeds the workspace, or on a kept database (BENCH_REUSE=1) finds the seed an earlier run
 * finished (recorded in `bench_seed` with its times) and uses it as it is.
 */
export async function seededOnce(
  db: Database,
  reused: boolean,
  ws: string,
  userId: string,
  scale: number,
  options: SeedOptions = fullSeed,
): Promise<Record<string, number>> {
  await db.exec('CREATE TABLE IF NOT EXISTS bench_seed (scale float8 PRIMARY KEY, seed_ms jsonb NOT NULL)');
  const done = await db.query<{ seed_ms: Record<string, number> }>('SELECT seed_ms FROM bench_seed WHERE scale = $1', [scale]);
  if (done.rows[0]) return done.rows[0].seed_ms;
  if (reused) throw new Error('the kept bench database has no finished seed (an earlier run stopped half-way): drop it and run again');
  const seedMs = await seedCrm(db, ws, userId, scale, options);
  await db.query('INSERT INTO bench_seed (scale, seed_ms) VALUES ($1, $2)', [scale, JSON.stringify(seedMs)]);
  return seedMs;
}

/** Seeds one backend and measures the scenarios. */
export async function benchCrm(backend: 'pglite' | 'postgres', adminUrl: string, scale: number): Promise<CrmResult> {
  const reuse = process.env.BENCH_REUSE === '1' ? reusableName('crm', scale) : undefined;
  return withBenchNode(backend, adminUrl, { worker: false, reuse }, async ({ db, base, key, workspaceId, userId, raw, reused, warm }) => {
    const ws = workspaceId;
    const seedMs = await seededOnce(db, reused, ws, userId, scale);
    const counts = crmScale(scale);
    const notes: string[] = [];
    // The tables are vacuumed first, as Rapport's maintenance keeps them in use (autovacuum on a
    // server, the nightly vacuum embedded; BENCH_VACUUM=0 skips it). This machine's server runs
    // with autovacuum off, so a kept database would otherwise carry the dead rows of every
    // earlier run's batches, and each run would read more of them than the last.
    if (process.env.BENCH_VACUUM !== '0') {
      const t0 = performance.now();
      await vacuumTables(db);
      notes.push(
        `the tables were vacuumed and analyzed (Rapport's maintenance job) before timing, in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    } else notes.push('the tables were not vacuumed before timing (BENCH_VACUUM=0)');
    // The database's files are read into memory first (BENCH_WARM=0 leaves the cache as it is):
    // otherwise a run measures whatever else the machine read last (the other backend's run or
    // seed, which pushes this database's pages out), not the database. The raw SQL runs in the
    // same state.
    if (process.env.BENCH_WARM !== '0') {
      const warmed = await warm();
      notes.push(
        warmed
          ? `the database's files (${(warmed.mb / 1024).toFixed(1)} GiB) were read into the page cache before timing, in ${(warmed.ms / 1000).toFixed(0)} s`
          : "the database's files could not be read from here (a server elsewhere, or a role not allowed to see where they are), so they were not read into memory before timing",
      );
    } else notes.push("the page cache was left as the machine had it (BENCH_WARM=0): this database's pages were not read in first");
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const paths = Object.keys(((await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths);
    // Two sets of contacts, one for the HTTP calls and one for their raw SQL: read the same
    // contacts right after the HTTP calls, the raw SQL found their pages in memory and the HTTP
    // calls did not, which made the ratio between them the cache's.
    const picked = (
      await db.query<{ id: string }>('SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY random() LIMIT $2', [ws, 2 * ROUNDS])
    ).rows.map((r) => r.id);
    const ids = picked.slice(0, ROUNDS);
    const rawIds = picked.slice(ROUNDS);
    const scenarios: Scenario[] = [];

    const withTimeline = paths.includes('/api/v1/contacts/{id}/timeline');
    const getHttp = await timeEach(ids.length, async (i) => {
      const r = await fetch(`${base}/api/v1/contacts/${ids[i]}`, { headers });
      if (r.status !== 200) throw new Error(`get contact answered ${r.status}`);
      await r.arrayBuffer();
      if (withTimeline) await (await fetch(`${base}/api/v1/contacts/${ids[i]}/timeline?limit=20`, { headers })).arrayBuffer();
    });
    const getRaw = await timeEach(ids.length, async (i) => {
      await raw.query('SELECT * FROM contacts WHERE workspace_id = $1 AND id = $2', [ws, rawIds[i]]);
      await raw.query(
        'SELECT cc.company_id, co.name FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id WHERE cc.workspace_id = $1 AND cc.contact_id = $2',
        [ws, rawIds[i]],
      );
      if (withTimeline) {
        // The page as the API returns it: each entry with its activity and the records that activity is linked to.
        await raw.query(
          `SELECT te.*, a.*, (SELECT json_agg(l.*) FROM activity_links l WHERE l.workspace_id = $1 AND l.activity_id = a.id) AS links
           FROM (SELECT * FROM timeline_entries WHERE workspace_id = $1 AND record_type = $2 AND record_id = $3
                 ORDER BY occurred_at DESC, id DESC LIMIT 20) te
           LEFT JOIN activities a ON a.workspace_id = $1 AND a.id = te.activity_id
           ORDER BY te.occurred_at DESC, te.id DESC`,
          [ws, 'contact', rawIds[i]],
        );
      }
    });
    scenarios.push({
      name: withTimeline ? 'get a contact + first timeline page' : 'get a contact (timeline endpoint not built yet)',
      target: 'p95 ≤ 15 ms',
      http: stats(getHttp),
      raw: stats(getRaw),
    });

    const stagesList = ['lead', 'mql', 'sql'];
    const listBody = (i: number) => ({
      filterGroups: [
        {
          filters: [
            { field: 'lifecycleStage', operator: 'eq', value: stagesList[i % 3] },
            { field: 'custom.plan', operator: 'eq', value: 'pro' },
          ],
        },
      ],
      sort: [{ field: i % 2 ? 'lastName' : 'custom.seats', direction: 'desc' }],
      limit: 50,
    });
    const listHttp = await timeEach(ROUNDS, async (i) => {
      const r = await fetch(`${base}/api/v1/contacts/search`, { method: 'POST', headers, body: JSON.stringify(listBody(i)) });
      if (r.status !== 200) throw new Error(`search answered ${r.status}`);
      await r.arrayBuffer();
    });
    const listRaw = await timeEach(BASELINE_ROUNDS, async (i) => {
      const order = i % 2 ? 'lower(last_name) DESC NULLS LAST' : "((custom->>'seats')::numeric) DESC NULLS LAST";
      await raw.query(
        `SELECT * FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND merged_into IS NULL AND lifecycle_stage = $2 AND custom->>'plan' = 'pro' ORDER BY ${order}, id DESC LIMIT 51`,
        [ws, stagesList[i % 3]],
      );
      await raw.query(
        `SELECT count(*) FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND merged_into IS NULL AND lifecycle_stage = $2 AND custom->>'plan' = 'pro'`,
        [ws, stagesList[i % 3]],
      );
    });
    // The same page as the server reads it now: the custom filter as an EXISTS over
    // custom_field_values, the sort in its index's order (the custom one in that table's), records
    // without a value after, a count capped at EXACT_TOTAL_UP_TO + 1 and, past it, the planner's estimate.
    const fieldIds = new Map(
      (
        await raw.query<{ key: string; id: string }>(
          "SELECT key, id FROM custom_fields WHERE workspace_id = $1 AND object_type = 'contact'",
          [ws],
        )
      ).rows.map((r) => [r.key, r.id]),
    );
    const listRawNow = await timeEach(ROUNDS, async (i) => {
      const where = `c.workspace_id = $1 AND c.deleted_at IS NULL AND c.merged_into IS NULL AND c.lifecycle_stage = $2
        AND EXISTS (SELECT 1 FROM custom_field_values p WHERE p.workspace_id = c.workspace_id AND p.field_id = $3 AND p.record_id = c.id AND p.text_value = 'pro')`;
      const params = [ws, stagesList[i % 3], fieldIds.get('plan')];
      if (i % 2)
        await raw.query(
          `(SELECT c.* FROM contacts c WHERE ${where} AND lower(c.last_name) IS NOT NULL ORDER BY lower(c.last_name) DESC, c.id DESC LIMIT 51)
           UNION ALL (SELECT c.* FROM contacts c WHERE ${where} AND lower(c.last_name) IS NULL ORDER BY c.id DESC LIMIT 51) LIMIT 51`,
          params,
        );
      else {
        await raw.query(
          `(SELECT c.*, s.number_value FROM custom_field_values s JOIN contacts c ON c.workspace_id = s.workspace_id AND c.id = s.record_id
            WHERE s.workspace_id = $1 AND s.field_id = $4 AND s.number_value IS NOT NULL AND ${where} ORDER BY s.number_value DESC, s.record_id DESC LIMIT 51)
           UNION ALL
           (SELECT c.*, NULL FROM contacts c WHERE ${where}
              AND NOT EXISTS (SELECT 1 FROM custom_field_values s WHERE s.workspace_id = c.workspace_id AND s.field_id = $4 AND s.record_id = c.id AND s.number_value IS NOT NULL)
            ORDER BY c.id DESC LIMIT 51)
           LIMIT 51`,
          [...params, fieldIds.get('seats')],
        );
      }
      const counted = await raw.query<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM contacts c WHERE ${where} LIMIT ${EXACT_TOTAL_UP_TO + 1}) m`,
        params,
      );
      if ((counted.rows[0]?.n ?? 0) > EXACT_TOTAL_UP_TO)
        await raw.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts c WHERE ${where}`, params);
    });
    scenarios.push({
      name: 'filtered + sorted list page (standard and custom field)',
      target: 'p95 ≤ 50 ms',
      http: stats(listHttp),
      raw: stats(listRaw),
      rawAsServer: stats(listRawNow),
    });

    // The web app's first load in Chromium is its own section (bench/crm-web.ts, BENCH_ONLY=crm-web).

    const searches = [
      'sar',
      'Sarah Connor',
      'person4242@mail42.example',
      'Acme 12',
      'budget approved',
      'Fatma',
      'what did Sarah say in her last call',
      '+1 415 200 4242',
    ];
    const searchHttp = await timeEach(ROUNDS, async (i) => {
      const r = await fetch(`${base}/api/v1/search?q=${encodeURIComponent(searches[i % searches.length] as string)}&limit=20`, { headers });
      if (r.status !== 200) throw new Error(`search answered ${r.status}`);
      await r.arrayBuffer();
    });
    const searchRaw = await timeEach(BASELINE_ROUNDS, async (i) => {
      const words = (searches[i % searches.length] as string)
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      const tsq = words.map((w) => `${w}:*`).join(' & ');
      for (const table of ['contacts', 'companies', 'deals', 'activities']) {
        await raw.query(`SELECT id FROM ${table} WHERE workspace_id = $1 AND search @@ to_tsquery('simple', $2) LIMIT 20`, [ws, tsq]);
      }
    });
    scenarios.push({
      name: 'global search (names, prefixes, emails, phones, typos, activity text, a question)',
      target: 'p95 ≤ 50 ms',
      http: stats(searchHttp),
      raw: stats(searchRaw),
    });

    // A hundred rounds, after five that are timed but left out of the percentiles (reported in
    // the notes): the first calls run the write path's code before the JIT has compiled it (a
    // first batch about 400 ms against 200-250 after the third), which is not the steady state.
    // The raw SQL gets the same warm-up. Each round, warm-up or not, writes contacts no other
    // round of the run writes.
    const batchRounds = 100;
    const warmup = 5;
    /** A batch scenario's percentiles without its warm-up rounds, whose times go to the notes. */
    const pushWarmed = (name: string, http: number[], rawSql: number[], rawFull: number[]) => {
      scenarios.push({
        name,
        target: '≤ 300 ms',
        http: stats(http.slice(warmup)),
        raw: stats(rawSql.slice(warmup)),
        rawAsServer: stats(rawFull.slice(warmup)),
      });
      const first = (samples: number[]) =>
        samples
          .slice(0, warmup)
          .map((t) => t.toFixed(0))
          .join(', ');
      notes.push(
        `${name}, warm-up rounds (not in the percentiles), ms: HTTP ${first(http)}; raw SQL ${first(rawSql)}; raw SQL in full ${first(rawFull)}`,
      );
    };
    // The titles name this run: on a kept database, the same title as the last run's would make
    // every upsert a no-op (nothing written), which is not the work measured.
    const run = Date.now().toString(36);
    const batchInputs = (i: number) =>
      Array.from({ length: 1000 }, (_, k) => ({
        email: `person${i * 1000 + k + 1}@mail${(i * 1000 + k + 1) % 50}.example`,
        jobTitle: `Title ${run} ${i}`,
      }));
    /** One batch upsert by email, which must create and update exactly as many contacts as expected. */
    const upsert = async (inputs: { email: string }[], expected: { created: number; updated: number }) => {
      const r = await fetch(`${base}/api/v1/contacts/batch/upsert`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ idProperty: 'email', inputs }),
      });
      const b = (await r.json()) as { created: number; updated: number };
      if (r.status !== 200 || b.created !== expected.created || b.updated !== expected.updated)
        throw new Error(`batch upsert answered ${r.status}: ${b.created} created, ${b.updated} updated`);
    };
    const batchHttp = await timeEach(warmup + batchRounds, (i) => upsert(batchInputs(i), { created: 0, updated: 1000 }));
    const batchRaw = await timeEach(warmup + batchRounds, async (i) => {
      const emails = batchInputs(i + warmup + batchRounds).map((x) => x.email);
      // The bare minimum of the same work: find each contact by email, then update them all.
      await raw.transaction(async (tx) => {
        await tx.query('SELECT c.id FROM unnest($2::text[]) k (e) JOIN contacts c ON c.workspace_id = $1 AND c.email = k.e', [ws, emails]);
        await tx.query(
          `UPDATE contacts c SET job_title = $3, version = c.version + 1, updated_at = now()
           FROM unnest($2::text[]) k (e) WHERE c.workspace_id = $1 AND c.email = k.e`,
          [ws, emails, `Raw ${i}`],
        );
      });
    });
    // The same batch as raw SQL doing all the work the server does: the contacts read in full with
    // their company links, then one statement that updates them and writes what every write leaves
    // behind (a change-history row, an event with the record as saved, a timeline entry each).
    const batchRawFull = await timeEach(warmup + batchRounds, async (i) => {
      const emails = batchInputs(i + 2 * (warmup + batchRounds)).map((x) => x.email);
      await raw.transaction(async (tx) => {
        const found = await tx.query<{ id: string }>(
          `SELECT c.*, (SELECT coalesce(json_agg(cc.*), '[]') FROM contact_companies cc
             WHERE cc.workspace_id = c.workspace_id AND cc.contact_id = c.id) AS links
           FROM unnest($2::text[]) k (e) JOIN contacts c ON c.workspace_id = $1 AND c.email = k.e`,
          [ws, emails],
        );
        await tx.query(
          `WITH u AS (
             UPDATE contacts c SET job_title = $3, version = c.version + 1, updated_at = now()
             FROM contacts o WHERE o.workspace_id = $1 AND o.id = ANY($2::uuid[]) AND c.workspace_id = o.workspace_id AND c.id = o.id
             RETURNING c.*, jsonb_build_object('jobTitle', jsonb_build_object('from', o.job_title, 'to', c.job_title)) AS changes),
           n AS (SELECT u.*, row_number() OVER () AS i FROM u),
           ${trailOf('update', 'field_change', "jsonb_build_object('changes', n.changes)")}`,
          [ws, found.rows.map((r) => r.id), `Raw full ${run} ${i}`, ...threeIdLists(found.rows.length)],
        );
      });
    });
    pushWarmed('batch upsert of 1,000 contacts by email', batchHttp, batchRaw, batchRawFull);

    // The same call naming addresses no contact has yet: each is looked up among every contact's
    // addresses, then created.
    const createRounds = 30;
    const newInputs = (i: number) =>
      Array.from({ length: 1000 }, (_, k) => ({ email: `new-${run}-${i}-${k}@mail${k % 50}.example`, jobTitle: `Title ${run} ${i}` }));
    const createHttp = await timeEach(warmup + createRounds, (i) => upsert(newInputs(i), { created: 1000, updated: 0 }));
    /** The raw SQL's lookup of each address among every contact's addresses. */
    const findByAddress = (tx: Queryable, emails: string[]) =>
      tx.query(
        `SELECT c.id FROM unnest($2::text[]) k (e) CROSS JOIN LATERAL
           (SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND c.email_list @> ARRAY[k.e]) c`,
        [ws, emails],
      );
    const createRaw = await timeEach(warmup + createRounds, async (i) => {
      const emails = newInputs(i + warmup + createRounds).map((x) => x.email);
      await raw.transaction(async (tx) => {
        await findByAddress(tx, emails);
        await tx.query(
          `INSERT INTO contacts (workspace_id, id, email, emails, email_list, job_title)
           SELECT $1, gen_random_uuid(), e, jsonb_build_array(jsonb_build_object('address', e, 'primary', true)), ARRAY[e], $3
           FROM unnest($2::text[]) e`,
          [ws, emails, `Raw ${i}`],
        );
      });
    });
    // In full: the same read, then one statement that inserts the contacts and writes each one's
    // change-history row, creation event (the record as saved) and timeline entry.
    const createRawFull = await timeEach(warmup + createRounds, async (i) => {
      const emails = newInputs(i + 2 * (warmup + createRounds)).map((x) => x.email);
      await raw.transaction(async (tx) => {
        await findByAddress(tx, emails);
        await tx.query(
          `WITH u AS (
             INSERT INTO contacts (workspace_id, id, email, emails, email_list, job_title)
             SELECT $1, k.id, k.e, jsonb_build_array(jsonb_build_object('address', k.e, 'primary', true)), ARRAY[k.e], $3
             FROM unnest($2::text[], $7::uuid[]) k (e, id)
             RETURNING *),
           n AS (SELECT u.*, row_number() OVER () AS i,
                   jsonb_build_object('email', jsonb_build_object('from', NULL, 'to', u.email), 'emails', jsonb_build_object('from', NULL, 'to', u.emails),
                     'jobTitle', jsonb_build_object('from', NULL, 'to', u.job_title), 'lifecycleStage', jsonb_build_object('from', NULL, 'to', u.lifecycle_stage)) AS changes
                 FROM u),
           ${trailOf('create', 'created', "jsonb_build_object('name', NULL)")}`,
          [ws, emails, `Raw full ${run} ${i}`, ...threeIdLists(emails.length), Array.from({ length: emails.length }, newId)],
        );
      });
    });
    // The raw rows are not contacts as the API writes them (no labels, no consent): they go with
    // their history and timeline entries, so that a later run on a kept database never reads one back.
    const gone = (
      await raw.query<{ id: string }>(
        `DELETE FROM contacts WHERE workspace_id = $1 AND email LIKE 'new-%' AND job_title LIKE 'Raw %' RETURNING id`,
        [ws],
      )
    ).rows.map((r) => r.id);
    for (const table of ['record_changes', 'timeline_entries'])
      await raw.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND record_type = 'contact' AND record_id = ANY($2::uuid[])`, [
        ws,
        gone,
      ]);
    pushWarmed('batch upsert of 1,000 new contacts by email', createHttp, createRaw, createRawFull);

    return { backend, scale, counts, seedMs, seedReused: reused, scenarios, notes };
  });
}
