import { describe, expect, it } from 'vitest';
import { attachment } from './content-disposition.ts';

describe('attachment', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachment('Zoë Müller.vcf')).toBe(`attachment; filename="Zo_ M_ller.vcf"; filename*=UTF-8''Zo%C3%AB%20M%C3%BCller.vcf`);
  });

  it('keeps quotes and backslashes out of the quoted name, so a header cannot be broken out of', () => {
    const header = attachment('a"b\\c.csv');
    expect(header.startsWith('attachment; filename="a_b_c.csv"; ')).toBe(true);
    expect(header).toContain("filename*=UTF-8''a%22b%5Cc.csv");
  });
});
