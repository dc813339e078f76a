import { describe, expect, it } from 'vitest';
import {
  type CustomField,
  compareFields,
  completeness,
  defaultChoice,
  defaultSurvivor,
  displayValue,
  type MergeRecord,
  mergeableFields,
  mergeRequest,
  movedRecords,
  sameValue,
} from './merge';

const tier: CustomField = {
  id: '00000000-0000-4000-8000-000000000001',
  key: 'tier',
  label: 'Tier',
  type: 'single_select',
  objectType: 'contact',
  options: [
    { value: 'gold', label: 'Gold' },
    { value: 'silver', label: 'Silver' },
  ],
  archived: false,
  description: null,
  position: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const archived: CustomField = { ...tier, id: '00000000-0000-4000-8000-000000000002', key: 'legacy', label: 'Legacy', archived: true };

const older: MergeRecord = {
  id: 'aaaaaaaa-0000-4000-8000-000000000000',
  createdAt: '2026-01-01T00:00:00.000Z',
  firstName: 'Sarah',
  lastName: 'Connor',
  email: 'sarah@sky.example',
  jobTitle: null,
  lifecycleStage: 'customer',
  address: { city: 'Los Angeles', line1: null },
  custom: { tier: 'gold', legacy: 'x' },
};
const newer: MergeRecord = {
  id: 'bbbbbbbb-0000-4000-8000-000000000000',
  createdAt: '2026-02-01T00:00:00.000Z',
  firstName: 'Sarah J.',
  lastName: 'Connor',
  email: 'SARAH@sky.example',
  jobTitle: 'Resistance lead',
  lifecycleStage: 'lead',
  address: { city: 'Los Angeles' },
  custom: { tier: 'silver', legacy: 'y' },
};
const none = { deals: 0, activities: 0, tasks: 0, people: 0 };

describe('which fields a merge offers', () => {
  const fields = mergeableFields('contacts', [tier, archived]);
  const { differing, identical } = compareFields(fields, older, newer);

  it('offers the fields that differ, standard then live custom ones, and not archived custom fields', () => {
    expect(differing.map((r) => r.key)).toEqual(['firstName', 'email', 'jobTitle', 'lifecycleStage', 'custom.tier']);
    expect(differing.find((r) => r.key === 'jobTitle')).toEqual({ key: 'jobTitle', label: 'Job title', a: null, b: 'Resistance lead' });
    expect(fields.map((f) => f.key)).not.toContain('custom.legacy');
  });

  it('shows identical fields once, reading an empty entry of an object as absent, and leaves out fields empty on both', () => {
    expect(identical.map((r) => r.key)).toEqual(['lastName', 'address']);
    expect(sameValue({ city: 'Oslo', zip: null }, { city: 'Oslo' })).toBe(true);
    expect(sameValue('', null)).toBe(true);
    expect(sameValue([], undefined)).toBe(true);
    expect(sameValue('a', 'A')).toBe(false);
    expect([...differing, ...identical].map((r) => r.key)).not.toContain('timezone');
  });

  it('formats values as people read them', () => {
    const lookups = { memberName: (id: string) => (id === 'u1' ? 'Ada' : undefined), companyName: () => 'Acme' };
    const ctx = { record: older, customFields: [tier], lookups };
    expect(displayValue({ key: 'custom.tier' }, 'gold', ctx)).toBe('Gold');
    expect(displayValue({ key: 'lifecycleStage' }, 'mql', ctx)).toBe('Marketing qualified');
    expect(displayValue({ key: 'ownerId' }, 'u1', ctx)).toBe('Ada');
    expect(displayValue({ key: 'ownerId' }, 'u2', ctx)).toBe('A former member');
    expect(displayValue({ key: 'address' }, { line1: '1 Main St', city: 'Oslo', zip: '' }, ctx)).toBe('1 Main St, Oslo');
    expect(displayValue({ key: 'jobTitle' }, null, ctx)).toBe('');
  });
});

describe('default choices', () => {
  const row = (key: string, a: unknown, b: unknown) => ({ key, label: key, a, b });

  it("keeps the survivor's value, unless it is empty and the other is not", () => {
    expect(defaultChoice(row('firstName', 'Sarah', 'Sarah J.'), 'a')).toBe('a');
    expect(defaultChoice(row('firstName', 'Sarah', 'Sarah J.'), 'b')).toBe('b');
    expect(defaultChoice(row('jobTitle', null, 'CTO'), 'a')).toBe('b');
    expect(defaultChoice(row('jobTitle', 'CTO', ''), 'b')).toBe('a');
  });

  it('keeps the further lifecycle stage whichever record survives', () => {
    expect(defaultChoice(row('lifecycleStage', 'customer', 'lead'), 'b')).toBe('a');
    expect(defaultChoice(row('lifecycleStage', 'lead', 'customer'), 'a')).toBe('b');
    expect(defaultChoice(row('lifecycleStage', 'other', 'subscriber'), 'a')).toBe('b');
  });
});

describe('the survivor by default', () => {
  const fields = mergeableFields('contacts', [tier]);

  it('is the more complete record, counting filled fields and linked records', () => {
    expect(completeness(older, fields, none)).toBe(6);
    expect(completeness(newer, fields, { deals: 1, activities: 2, tasks: 0, people: 0 })).toBe(10);
    expect(
      defaultSurvivor(
        { createdAt: older.createdAt as string, completeness: 6 },
        { createdAt: newer.createdAt as string, completeness: 10 },
      ),
    ).toBe('b');
    expect(
      defaultSurvivor({ createdAt: newer.createdAt as string, completeness: 9 }, { createdAt: older.createdAt as string, completeness: 3 }),
    ).toBe('a');
  });

  it('is the older one when both hold as much, and a when created together', () => {
    expect(
      defaultSurvivor({ createdAt: '2026-03-01T00:00:00Z', completeness: 5 }, { createdAt: '2026-01-01T00:00:00Z', completeness: 5 }),
    ).toBe('b');
    expect(
      defaultSurvivor({ createdAt: '2026-01-01T00:00:00Z', completeness: 5 }, { createdAt: '2026-03-01T00:00:00Z', completeness: 5 }),
    ).toBe('a');
    expect(
      defaultSurvivor({ createdAt: '2026-01-01T00:00:00Z', completeness: 5 }, { createdAt: '2026-01-01T00:00:00Z', completeness: 5 }),
    ).toBe('a');
  });
});

describe('the merge request', () => {
  const { differing } = compareFields(mergeableFields('contacts', [tier]), older, newer);
  const ids = { a: older.id, b: newer.id };

  it('sends every differing field, by which side was picked relative to the survivor', () => {
    const body = mergeRequest({ ids, survivor: 'a', rows: differing, picks: { firstName: 'b', 'custom.tier': 'a' } });
    expect(body).toEqual({
      survivorId: older.id,
      mergedId: newer.id,
      fields: { firstName: 'merged', email: 'survivor', jobTitle: 'merged', lifecycleStage: 'survivor', 'custom.tier': 'survivor' },
    });
  });

  it('keeps picked values when the other record becomes the survivor', () => {
    const body = mergeRequest({ ids, survivor: 'b', rows: differing, picks: { firstName: 'b', 'custom.tier': 'a' } });
    expect(body).toEqual({
      survivorId: newer.id,
      mergedId: older.id,
      fields: { firstName: 'survivor', email: 'survivor', jobTitle: 'survivor', lifecycleStage: 'merged', 'custom.tier': 'merged' },
    });
  });
});

describe('what moves', () => {
  it('names each kind of linked record, in the singular for one, and nothing for none', () => {
    expect(movedRecords({ deals: 1, activities: 3, tasks: 0, people: 2 })).toEqual(['2 people', '1 deal', '3 activities']);
    expect(movedRecords(none)).toEqual([]);
  });
});
