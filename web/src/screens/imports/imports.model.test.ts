import { describe, expect, it } from 'vitest';
import {
  applyTemplate,
  countOf,
  duplicateFields,
  errorKindLabel,
  fileReading,
  formatEta,
  formatRate,
  type ImportField,
  type MappingEntry,
  mappingProblems,
  parseImportObject,
  personName,
  previewFields,
  previewValue,
  progressPercent,
  rawValue,
  sampleValues,
  sortedErrorKinds,
  upsertKeyOptions,
} from './imports.model';

const fields: ImportField[] = [
  { key: 'first_name', label: 'First name', type: 'text', required: false, custom: false },
  { key: 'email', label: 'Email', type: 'email', required: false, custom: false },
  { key: 'external_id', label: 'External id', type: 'text', required: false, custom: false },
  { key: 'custom.tier', label: 'Tier', type: 'select', required: false, custom: true },
];
const mapping: MappingEntry[] = [
  { column: 'First Name', index: 0, field: 'first_name' },
  { column: 'E-mail', index: 1, field: 'email' },
  { column: 'Tier', index: 2, field: null },
];

describe('the mapping rules', () => {
  it('names a field chosen by two columns, and an upsert key no column goes to', () => {
    const twice = mapping.map((m) => (m.index === 2 ? { ...m, field: 'email' } : m));
    expect([...duplicateFields(twice)]).toEqual(['email']);
    expect(mappingProblems({ mapping: twice, fields, upsertKey: 'email' })).toEqual(['More than one column goes to Email; choose one.']);
    expect(mappingProblems({ mapping, fields, upsertKey: 'external_id' })).toEqual([
      'Rows are matched by External id, but no column goes to it. Map one, or choose to always create records.',
    ]);
    expect(mappingProblems({ mapping, fields, upsertKey: 'email' })).toEqual([]);
    expect(mappingProblems({ mapping: mapping.map((m) => ({ ...m, field: null })), fields, upsertKey: 'none' })).toEqual([
      'No column is mapped to a field yet.',
    ]);
  });

  it('lays a template on the columns by header as the server compares them, each field once', () => {
    const template = {
      mapping: [
        { column: 'first name', field: 'first_name' },
        { column: 'Email', field: 'email' },
        { column: 'TIER', field: 'custom.tier' },
      ],
    };
    expect(applyTemplate(mapping, template).map((m) => m.field)).toEqual(['first_name', 'email', 'custom.tier']);
    // A column the template does not name is left out rather than kept.
    const other = applyTemplate(mapping, { mapping: [{ column: 'Tier', field: 'custom.tier' }] });
    expect(other.map((m) => m.field)).toEqual([null, null, 'custom.tier']);
  });

  it('offers the upsert keys each object supports', () => {
    expect(upsertKeyOptions('contacts').map((o) => o.value)).toEqual(['email', 'external_id', 'none']);
    expect(upsertKeyOptions('companies').map((o) => o.value)).toEqual(['domain', 'external_id', 'none']);
    expect(upsertKeyOptions('activities').map((o) => o.value)).toEqual(['none']);
  });

  it('takes sample values from the first rows, skipping blanks', () => {
    const imp = {
      sampleRows: [
        ['Ada', ''],
        ['', 'x'],
        ['Grace', 'y'],
        ['Alan', 'z'],
        ['Edsger', 'w'],
      ],
    };
    expect(sampleValues(imp, 0)).toEqual(['Ada', 'Grace', 'Alan']);
    expect(sampleValues(imp, 1, 2)).toEqual(['x', 'y']);
    expect(sampleValues(imp, 5)).toEqual([]);
  });

  it('orders the preview columns as the file does, once each', () => {
    const unknown = [...mapping, { column: 'Source', index: 3, field: 'lead_source' }];
    expect(previewFields({ mapping: unknown, fields }).map((f) => f.label)).toEqual(['First name', 'Email', 'lead_source']);
  });
});

describe('the preview cells', () => {
  it('finds a value by field key, nested under custom or company, or else in the file', () => {
    const values = { first_name: 'Ada', custom: { tier: 'gold' }, company: 'Analytical Engines' };
    expect(previewValue(values, 'first_name')).toBe('Ada');
    expect(previewValue(values, 'custom.tier')).toBe('gold');
    expect(previewValue(values, 'company_name')).toBe('Analytical Engines');
    expect(previewValue(values, 'email')).toBeUndefined();
    const imp = {
      mapping,
      sampleRows: [
        ['Ada', 'ada@example.com', 'gold'],
        ['Alan', 'alan-at-example', ''],
      ],
    };
    expect(rawValue(imp, 2, 'email')).toBe('alan-at-example');
    expect(rawValue(imp, 9, 'email')).toBe('');
    expect(rawValue(imp, 1, 'phone')).toBe('');
  });
});

describe('the words of the import screens', () => {
  it('reads list object types and plurals as importable objects', () => {
    expect(parseImportObject('company')).toBe('companies');
    expect(parseImportObject('deals')).toBe('deals');
    expect(parseImportObject('tasks')).toBeNull();
    expect(parseImportObject(null)).toBeNull();
  });

  it('says how far a run got, how fast, and how long is left', () => {
    expect(progressPercent({ rowsDone: 250, rowsTotal: 1000 })).toBe(25);
    expect(progressPercent({ rowsDone: 0, rowsTotal: null })).toBeNull();
    expect(progressPercent({ rowsDone: 0, rowsTotal: 0 })).toBe(100);
    expect(formatRate(1234.4)).toBe('1,234 rows/s');
    expect(formatRate(null)).toBe('—');
    expect(formatEta(null)).toBe('Estimating time left…');
    expect(formatEta(42)).toBe('About 42 s left');
    expect(formatEta(185)).toBe('About 3 min left');
    expect(formatEta(3900)).toBe('About 1 h 5 min left');
    expect(formatEta(0.4)).toBe('Almost done');
  });

  it('names error kinds, the known ones in words and the rest from their code', () => {
    expect(errorKindLabel('invalid_email')).toBe('Invalid email');
    expect(errorKindLabel('stage_not_in_pipeline')).toBe('Stage not in pipeline');
    expect(sortedErrorKinds({ invalid_date: 1, invalid_email: 3, none: 0 })).toEqual([
      { kind: 'invalid_email', label: 'Invalid email', count: 3 },
      { kind: 'invalid_date', label: 'Unreadable date', count: 1 },
    ]);
  });

  it('counts records with their noun, and names who started an import', () => {
    expect(countOf('companies', 1)).toBe('1 company');
    expect(countOf('companies', 1200)).toBe('1,200 companies');
    const members = new Map([['u1', { name: 'Ada Lovelace' }]]);
    expect(personName('u1', members)).toBe('Ada Lovelace');
    expect(personName('u2', members)).toBeNull();
    expect(personName(null, members)).toBeNull();
  });

  it('says how the file was read', () => {
    expect(fileReading({ encoding: 'utf-8', delimiter: ';' })).toBe('UTF-8, semicolon-separated');
    expect(fileReading({ encoding: 'windows-1252', delimiter: '\t' })).toBe('Windows-1252 (Western), tab-separated');
  });
});
