import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.ts';
import { type InsertPart, insertTogether } from '../lib/sql-params.ts';
import type { Database } from './database.ts';

// Statements as every module sends them, on the database under test (PGlite, or PostgreSQL with
// TEST_DATABASE_URL): parameters of every kind, and statements kept prepared.

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  await db.exec(
    `CREATE TABLE stmt_probe (id uuid PRIMARY KEY, name text, tags text[], data jsonb, at timestamptz, raw bytea, ok boolean, n bigint, d date)`,
  );
});
afterAll(() => drop());

const id1 = '01937000-0000-7000-8000-000000000001';
const id2 = '01937000-0000-7000-8000-000000000002';

describe('statements', () => {
  it('send parameters of every kind and read them back typed', async () => {
    const at = new Date('2026-11-26T10:20:30.456Z');
    await db.query('INSERT INTO stmt_probe VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      id1,
      'O\'Brien, "Ann"',
      ['a', 'b,c', null, 'd"e'],
      JSON.stringify({ k: [1, 2], s: 'x' }),
      at,
      Buffer.from([0, 1, 254, 255]),
      true,
      9007199254740991,
      '2026-02-28',
    ]);
    const row = (await db.query('SELECT * FROM stmt_probe WHERE id = $1', [id1])).rows[0] as Record<string, unknown>;
    expect(row.name).toBe('O\'Brien, "Ann"');
    expect(row.tags).toEqual(['a', 'b,c', null, 'd"e']);
    expect(row.data).toEqual({ k: [1, 2], s: 'x' });
    expect((row.at as Date).toISOString()).toBe(at.toISOString());
    expect([...(row.raw as Uint8Array)]).toEqual([0, 1, 254, 255]);
    expect(row.ok).toBe(true);
    expect(row.n).toBe(9007199254740991);
    expect(row.d).toBe('2026-02-28');
    const none = await db.query('SELECT * FROM stmt_probe WHERE id = $1 AND name IS NOT DISTINCT FROM $2', [id1, null]);
    expect(none.rows).toEqual([]);
  });

  it('read numbers, arrays and errors as node-postgres reads a server, and compile no JIT code', async () => {
    const row = (await db.query('SELECT 12.50::numeric AS amount, ARRAY[1, 2]::int[] AS ints, ARRAY[$1::uuid] AS ids', [id1])).rows[0];
    expect(row).toEqual({ amount: '12.50', ints: [1, 2], ids: [id1] });
    await expect(db.query('INSERT INTO stmt_probe (id) VALUES ($1)', [id1])).rejects.toMatchObject({
      code: '23505',
      constraint: 'stmt_probe_pkey',
    });
    if (db.kind === 'postgres') expect((await db.query('SHOW jit')).rows[0]).toEqual({ jit: 'off' });
  });

  it('count the rows a write changed', async () => {
    await db.query('INSERT INTO stmt_probe (id, name) VALUES ($1, $2)', [id2, 'second']);
    const res = await db.query('UPDATE stmt_probe SET ok = $1 WHERE id = ANY($2::uuid[])', [false, [id1, id2]]);
    expect(res.rowCount).toBe(2);
  });

  it('kept prepared answer for the values of each run, in and out of transactions', async () => {
    const text = 'SELECT name FROM stmt_probe WHERE id = $1';
    for (let i = 0; i < 8; i++) {
      const id = i % 2 === 0 ? id1 : id2;
      const res = await db.query<{ name: string }>(text, [id], { prepare: true });
      expect(res.rows[0]?.name).toBe(i % 2 === 0 ? 'O\'Brien, "Ann"' : 'second');
    }
    const inTx = await db.transaction((tx) => tx.query<{ name: string }>(text, [id2], { prepare: true }));
    expect(inTx.rows[0]?.name).toBe('second');
  });

  it('kept prepared recover from a failed run, and a bad statement is an error each time', async () => {
    const text = 'SELECT name FROM stmt_probe WHERE id = $1::uuid';
    await expect(db.query(text, ['not-a-uuid'], { prepare: true })).rejects.toMatchObject({ code: '22P02' });
    expect((await db.query<{ name: string }>(text, [id2], { prepare: true })).rows[0]?.name).toBe('second');
    await expect(db.query(text, ['still-not-a-uuid'], { prepare: true })).rejects.toMatchObject({ code: '22P02' });
    expect((await db.query<{ name: string }>(text, [id1], { prepare: true })).rows[0]?.name).toBe('O\'Brien, "Ann"');
    for (let i = 0; i < 2; i++) {
      await expect(db.query('SELECT nope FROM stmt_probe WHERE id = $1', [id1], { prepare: true })).rejects.toMatchObject({
        code: '42703',
      });
    }
    // The connection is usable after the errors.
    expect((await db.query<{ n: number }>('SELECT count(*) AS n FROM stmt_probe')).rows[0]?.n).toBe(2);
  });

  it('inserts given together go as one statement: all written, or none when one fails', async () => {
    await db.exec('CREATE TABLE stmt_left (id uuid PRIMARY KEY, note text); CREATE TABLE stmt_right (id uuid PRIMARY KEY, n int)');
    const left =
      (id: string, note: string): InsertPart =>
      (p) =>
        `INSERT INTO stmt_left SELECT ${p.add(id)}::uuid, ${p.add(note)}`;
    const right =
      (id: string, n: number): InsertPart =>
      (p) =>
        `INSERT INTO stmt_right SELECT ${p.add(id)}::uuid, ${p.add(n)}::int`;
    await insertTogether(db, [left(id1, 'a'), undefined, right(id1, 1), right(id2, 2)]);
    expect((await db.query('SELECT id, note FROM stmt_left')).rows).toEqual([{ id: id1, note: 'a' }]);
    expect((await db.query('SELECT id, n FROM stmt_right ORDER BY n')).rows).toEqual([
      { id: id1, n: 1 },
      { id: id2, n: 2 },
    ]);
    // The last insert repeats a key: the first, of another table, is not written either.
    await expect(insertTogether(db, [left(id2, 'b'), right(id2, 3)])).rejects.toMatchObject({ code: '23505' });
    expect((await db.query('SELECT count(*)::int AS n FROM stmt_left')).rows[0]).toEqual({ n: 1 });
    await insertTogether(db, [undefined]);
    expect((await db.query('SELECT count(*)::int AS n FROM stmt_right')).rows[0]).toEqual({ n: 2 });
  });
});
