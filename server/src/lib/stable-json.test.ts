import { describe, expect, it } from 'vitest';
import { sameJson, stableJson } from './stable-json.ts';

describe('sameJson', () => {
  it('agrees with comparing stable JSON, without serialising', () => {
    const date = new Date('2026-01-02T03:04:05.000Z');
    const cases: [unknown, unknown][] = [
      [1, 1],
      [1, '1'],
      [null, undefined],
      [null, null],
      [
        { a: 1, b: [1, { c: 2, d: 3 }] },
        { b: [1, { d: 3, c: 2 }], a: 1 },
      ],
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [
        [1, 2],
        [2, 1],
      ],
      [[undefined], [null]],
      [date, '2026-01-02T03:04:05.000Z'],
      [date, new Date(date.getTime())],
      [date, new Date(date.getTime() + 1)],
      [{ a: [] }, { a: {} }],
      ['x', { x: 1 }],
    ];
    for (const [a, b] of cases) expect(sameJson(a, b), `${stableJson(a)} vs ${stableJson(b)}`).toBe(stableJson(a) === stableJson(b));
  });
});
