import { describe, expect, it } from 'vitest';
import { keyHash, LastRowIndex } from './imports.engine.ts';

describe('the index of each key’s last row', () => {
  it('answers as a Map would, through growth, for keys seen once or many times', () => {
    const index = new LastRowIndex();
    const expected = new Map<number, number>();
    for (let row = 1; row <= 200_000; row++) {
      // Every third row repeats an earlier key, so later rows replace earlier ones.
      const key = keyHash(`person${row % 3 === 0 ? row % 1000 : row}@example.com`);
      index.set(key, row);
      expected.set(key, row);
    }
    expect(index.size).toBe(expected.size);
    for (const [key, row] of expected) expect(index.get(key)).toBe(row);
    expect(index.get(keyHash('nobody@example.com'))).toBeUndefined();
  });

  it('keeps hashes apart that share their low bits', () => {
    const index = new LastRowIndex();
    const base = 2 ** 40;
    for (let i = 0; i < 5000; i++) index.set(base * (i + 1) + 7, i + 1);
    for (let i = 0; i < 5000; i++) expect(index.get(base * (i + 1) + 7)).toBe(i + 1);
    expect(index.get(7)).toBeUndefined();
  });
});
