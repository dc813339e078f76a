import { describe, expect, it } from 'vitest';
import { moveColumn } from './ColumnPicker';
import { fileNameOf } from './csv';

describe('CSV export', () => {
  it('takes the file name the server gives, the UTF-8 one first', () => {
    expect(fileNameOf(`attachment; filename="z_rich.csv"; filename*=UTF-8''z%C3%BCrich.csv`, 'x.csv')).toBe('zürich.csv');
    expect(fileNameOf('attachment; filename="leads-2026-01-02.csv"', 'x.csv')).toBe('leads-2026-01-02.csv');
    expect(fileNameOf(null, 'export.csv')).toBe('export.csv');
  });

  it('moves a column up or down, never past the ends', () => {
    expect(moveColumn(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveColumn(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
