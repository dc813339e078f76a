import { describe, expect, it } from 'vitest';
import { customChanges, customInputValue } from './customFields';
import type { CustomField } from './records.api';

const field = (key: string, type: CustomField['type'], options: CustomField['options'] = []): CustomField => ({
  id: `id-${key}`,
  objectType: 'company',
  key,
  label: key,
  type,
  options,
  description: null,
  position: 0,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const tier = field('tier', 'single_select', [
  { value: 'gold', label: 'Gold' },
  { value: 'silver', label: 'Silver' },
]);
const seats = field('seats', 'number');
const arr = field('arr', 'currency');
const regions = field('regions', 'multi_select', [
  { value: 'eu', label: 'EU' },
  { value: 'us', label: 'US' },
]);
const renewal = field('renewal', 'date');
const fields = [tier, seats, arr, regions, renewal];

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe('custom field changes', () => {
  const current = { tier: 'gold', seats: 40, arr: { amount: 1_250_000, currency: 'EUR' }, regions: ['us', 'eu'] };

  it('sends only the values that changed, typed as the API takes them, and an emptied one as null', () => {
    const typed = form([
      ['custom.tier', 'silver'],
      ['custom.seats', '40'],
      ['custom.arr', '15,000'],
      ['custom.regions', 'eu'],
      ['custom.regions', 'us'],
      ['custom.renewal', '2026-09-30'],
    ]);
    expect(customChanges(fields, current, typed, 'USD')).toEqual({
      custom: { tier: 'silver', arr: { amount: 1_500_000, currency: 'EUR' }, renewal: '2026-09-30' },
      errors: [],
    });
    const cleared = form([
      ['custom.tier', ''],
      ['custom.seats', '40'],
      ['custom.arr', '12500'],
      ['custom.renewal', ''],
    ]);
    expect(customChanges(fields, current, cleared, 'USD').custom).toEqual({ tier: null, regions: null });
  });

  it('names each input it cannot read, as the API names its errors', () => {
    const typed = form([
      ['custom.seats', 'forty'],
      ['custom.arr', '12k'],
    ]);
    expect(customChanges([seats, arr], {}, typed, 'USD').errors).toEqual([
      { field: 'custom.seats', message: 'Enter a number, like 42' },
      { field: 'custom.arr', message: 'Enter an amount in USD, like 1500' },
    ]);
  });

  it('shows stored values in their inputs: money in major units, nothing as empty', () => {
    expect(customInputValue(arr, { amount: 1_250_000, currency: 'EUR' })).toBe('12500');
    expect(customInputValue(seats, 40)).toBe('40');
    expect(customInputValue(tier, undefined)).toBe('');
  });
});
