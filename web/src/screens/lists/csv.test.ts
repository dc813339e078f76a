import { describe, expect, it } from 'vitest';
import { moveColumn } from './ColumnPicker';
import { csvField, csvFilename, toCsv } from './csv';

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks, and starts with a UTF-8 BOM', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Ada, Countess')).toBe('"Ada, Countess"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(toCsv(['Name', 'City'], [['Zoë', 'Zürich, CH']])).toBe('\uFEFFName,City\r\nZoë,"Zürich, CH"\r\n');
  });

  it('names the file after the view', () => {
    expect(csvFilename('Leads: gold tier!')).toBe('leads-gold-tier.csv');
    expect(csvFilename('')).toBe('export.csv');
  });

  it('moves a column up or down, never past the ends', () => {
    expect(moveColumn(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveColumn(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
