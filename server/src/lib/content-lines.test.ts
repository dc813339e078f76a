import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, paramValue, renderLines, utcStamp } from './content-lines.ts';

describe('content lines', () => {
  it('escapes backslash, semicolon, comma and newlines, but not colons', () => {
    expect(escapeText('a\\b; c, d: e\r\nf\ng')).toBe('a\\\\b\\; c\\, d: e\\nf\\ng');
  });

  it('leaves a line of exactly 75 octets alone and folds the 76th octet onto a continuation', () => {
    const exact = 'X'.repeat(75);
    expect(foldLine(exact)).toBe(exact);
    expect(foldLine(`${exact}Y`)).toBe(`${exact}\r\n Y`);
  });

  it('never splits a multi-byte character, and continuation lines count their leading space', () => {
    // "é" is 2 octets and "€" 3: a naive cut at 75 would land inside one of them.
    const line = `SUMMARY:${'é€'.repeat(40)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    for (const part of physical) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      expect(part).not.toContain('\uFFFD');
    }
    expect(physical.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(physical.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
  });

  it('quotes parameter values holding a separator and drops characters that cannot be quoted', () => {
    expect(paramValue('Sarah')).toBe('Sarah');
    expect(paramValue('Connor, Sarah')).toBe('"Connor, Sarah"');
    expect(paramValue('a "b"\nc')).toBe('a bc');
  });

  it('renders properties with parameters, skipping empty ones, each ended by CRLF', () => {
    expect(
      renderLines([
        { name: 'EMAIL', params: { TYPE: 'work', PREF: undefined }, value: 'a@b.example' },
        { name: 'FN', value: 'A' },
      ]),
    ).toBe('EMAIL;TYPE=work:a@b.example\r\nFN:A\r\n');
    expect(utcStamp(new Date('2026-11-26T02:55:11.123Z'))).toBe('20261126T025511Z');
  });
});
