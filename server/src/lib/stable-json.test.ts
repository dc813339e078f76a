import { describe, expect, it } from 'vitest';
import { asJsonb, sameJson, stableJson } from './stable-json.ts';

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

describe('asJsonb', () => {
  it('gives a value back as a jsonb column would: keys shortest first, then by bytes; no undefined; dates as text', () => {
    const value = {
      plan: 'pro',
      a: 1,
      zz: { é: 1, e: 2, ab: [{ bb: 1, a: 2 }] },
      gone: undefined,
      when: new Date(0),
      l: [undefined, Number.NaN],
    };
    expect(JSON.stringify(asJsonb(value))).toBe(
      // What PostgreSQL prints for the same object: "é" is two bytes, so it sorts after "ab".
      '{"a":1,"l":[null,null],"zz":{"e":2,"ab":[{"a":2,"bb":1}],"é":1},"plan":"pro","when":"1970-01-01T00:00:00.000Z"}',
    );
    expect(asJsonb(value)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
