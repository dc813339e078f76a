import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { withBenchNode } from './harness.ts';
import { type Stats, stats } from './stats.ts';

/**
 * Foundation benchmark: p50–p99 of authenticated point reads over real HTTP while the embedded
 * database (or PostgreSQL) runs a long query or drains a job batch, beside the same read as raw
 * SQL in the same run, and the HTTP thread's timer lag while the long query runs.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = 4;

export type Condition = { name: string; http: Stats; raw: Stats; lagMs: Stats };
export type BackendResult = { backend: 'pglite' | 'postgres'; longQueryMs: number; conditions: Condition[] };

/** Runs `fn` from CONCURRENCY loops for SECONDS; returns each call's latency in ms. */
async function hammer(fn: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
    }),
  );
  return samples;
}

/** Samples how late a 10 ms timer fires on this thread while `work` runs. */
async function timerLag<T>(work: () => Promise<T>): Promise<{ result: T; lag: number[] }> {
  const lag: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lag.push(Math.max(0, now - last - 10));
    last = now;
  }, 10);
  try {
    return { result: await work(), lag };
  } finally {
    clearInterval(timer);
  }
}

/** Benchmarks one backend from a fresh database. */
export async function benchFoundation(backend: 'pglite' | 'postgres', adminUrl: string): Promise<BackendResult> {
  return withBenchNode(backend, adminUrl, { worker: true }, async ({ node, db, base, key, workspaceId, raw }) => {
    const members = (await (await fetch(`${base}/api/v1/members`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      data: { id: string }[];
    };
    const memberId = members.data[0]?.id as string;

    // The scratch data a long report chews on.
    await db.exec('CREATE TABLE bench_rows (id int PRIMARY KEY, k int NOT NULL, v text NOT NULL)');
    await db.query('INSERT INTO bench_rows SELECT g, g % 1000, md5(g::text) FROM generate_series(1, 300000) g');
    const longQuery = 'SELECT count(*) FROM bench_rows a JOIN bench_rows b ON a.k = b.k WHERE a.id <= 20000 AND b.id <= 60000';
    const t0 = performance.now();
    await db.query(longQuery);
    const longQueryMs = performance.now() - t0;

    const httpRead = async () => {
      const res = await fetch(`${base}/api/v1/members/${memberId}`, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`point read answered ${res.status}`);
      await res.arrayBuffer();
    };
    // The same read as raw SQL: the key lookup and the membership row the endpoint needs.
    const rawRead = async () => {
      await raw.query('SELECT workspace_id, id, scope, created_by FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', ['x']);
      await raw.query(
        'SELECT m.id, m.role, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.id = $2',
        [workspaceId, memberId],
      );
    };

    const conditions: Condition[] = [];
    const measure = async (name: string, background: () => { stop: () => Promise<void> }) => {
      const bg = background();
      const { result, lag } = await timerLag(async () => ({ http: await hammer(httpRead), raw: await hammer(rawRead) }));
      await bg.stop();
      conditions.push({ name, http: stats(result.http), raw: stats(result.raw), lagMs: stats(lag) });
    };

    await measure('idle', () => ({ stop: async () => {} }));
    await measure('long query running', () => {
      let running = true;
      const loop = (async () => {
        while (running) await node.deps.db.query(longQuery);
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
        },
      };
    });
    const jobName = 'bench.job';
    await node.deps.queue.work({
      name: jobName,
      payload: z.object({ n: z.number() }),
      handle: async ({ n }) => {
        await node.deps.db.query('UPDATE bench_rows SET v = md5(v) WHERE id = $1', [n]);
      },
    });
    await measure('job batch draining', () => {
      let running = true;
      const loop = (async () => {
        let n = 0;
        while (running) {
          await node.deps.queue.insert(
            jobName,
            Array.from({ length: 500 }, () => ({ data: { n: (n++ % 300000) + 1 } })),
          );
          await sleep(250);
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
        },
      };
    });
    return { backend, longQueryMs, conditions };
  });
}
