import { afterAll, describe, expect, it } from 'vitest';
import { PgliteDatabase } from './pglite-client.ts';

// PGlite runs PostgreSQL's single-user mode, which never checkpoints on its own: the client does,
// once enough write-ahead log has built up since the last checkpoint.

let db: PgliteDatabase | undefined;
afterAll(() => db?.close());

const lastCheckpoint = async (d: PgliteDatabase) =>
  (await d.query<{ lsn: string }>('SELECT checkpoint_lsn::text AS lsn FROM pg_control_checkpoint()')).rows[0]?.lsn as string;

describe('the embedded database’s checkpoints', () => {
  it('checkpoints after a write once the log since the last checkpoint passes the threshold, and not before', async () => {
    const d = await PgliteDatabase.open({ workMem: '4MB', checkpointWalBytes: 256 * 1024, checkpointCheckMs: 0 });
    db = d;
    await d.exec('CREATE TABLE filler (n int, pad text)');
    await d.exec('CHECKPOINT');
    const start = await lastCheckpoint(d);

    // A few rows: far below the threshold.
    await d.transaction((tx) => tx.query("INSERT INTO filler SELECT g, 'x' FROM generate_series(1, 10) g"));
    expect(await lastCheckpoint(d)).toBe(start);

    // About 2 MB of log in one transaction: the client checkpoints once it commits.
    await d.transaction((tx) => tx.query("INSERT INTO filler SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g"));
    expect(await lastCheckpoint(d)).not.toBe(start);
    const since = await d.query<{ bytes: number }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), checkpoint_lsn)::bigint AS bytes FROM pg_control_checkpoint()',
    );
    expect(since.rows[0]?.bytes).toBeLessThan(256 * 1024);
  });
});
