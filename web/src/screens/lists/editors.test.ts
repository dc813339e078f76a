import { describe, expect, it } from 'vitest';
import { type CustomField, customColumns, customFieldEdit, type ListRecord } from './fields';
import { mergePatch } from './useListRowEditor';

const field = (key: string, type: CustomField['type'], options: CustomField['options'] = []): CustomField => ({
  id: `f-${key}`,
  key,
  label: key,
  type,
  options,
  objectType: 'contact',
  archived: false,
  description: null,
  position: 0,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});
const members = [{ userId: 'u-grace', name: 'Grace Hopper' }];
const tiers = [
  { value: 'gold', label: 'Gold' },
  { value: 'silver', label: 'Silver' },
];
const row = (custom: Record<string, unknown>): ListRecord => ({ id: 'r1', custom });

describe('editing custom fields in a list', () => {
  it('sends each type as the API stores it, and an emptied input as null', () => {
    const patch = (cf: CustomField, value: Parameters<ReturnType<typeof customFieldEdit>['patch']>[0], r?: ListRecord) =>
      customFieldEdit(cf, members).patch(value, r);
    expect(patch(field('note', 'text'), ' hello ')).toEqual({ custom: { note: 'hello' } });
    expect(patch(field('note', 'long_text'), '')).toEqual({ custom: { note: null } });
    expect(patch(field('seats', 'number'), '12.5')).toEqual({ custom: { seats: 12.5 } });
    expect(patch(field('seats', 'number'), 'many')).toEqual({ custom: { seats: 'many' } });
    expect(patch(field('budget', 'currency'), '1,250.50')).toEqual({ custom: { budget: 125050 } });
    expect(patch(field('budget', 'currency'), '99', row({ budget: { amount: 1, currency: 'EUR' } }))).toEqual({
      custom: { budget: { amount: 9900, currency: 'EUR' } },
    });
    expect(patch(field('renewal', 'date'), '2026-05-01')).toEqual({ custom: { renewal: '2026-05-01' } });
    const at = patch(field('met', 'datetime'), '2026-05-01T09:30') as { custom: { met: string } };
    expect(new Date(at.custom.met).getTime()).toBe(new Date('2026-05-01T09:30').getTime());
    expect(patch(field('vip', 'boolean'), true)).toEqual({ custom: { vip: true } });
    expect(patch(field('tier', 'single_select', tiers), 'gold')).toEqual({ custom: { tier: 'gold' } });
    expect(patch(field('tiers', 'multi_select', tiers), ['gold', 'silver'])).toEqual({ custom: { tiers: ['gold', 'silver'] } });
    expect(patch(field('tiers', 'multi_select', tiers), [])).toEqual({ custom: { tiers: null } });
    expect(patch(field('site', 'url'), 'https://example.org')).toEqual({ custom: { site: 'https://example.org' } });
    expect(patch(field('mail', 'email'), 'a@b.org')).toEqual({ custom: { mail: 'a@b.org' } });
    expect(patch(field('mobile', 'phone'), '+44 20 7946 0000')).toEqual({ custom: { mobile: '+44 20 7946 0000' } });
    expect(patch(field('csm', 'user'), 'u-grace')).toEqual({ custom: { csm: 'u-grace' } });
  });

  it('edits each type with the input it needs, showing the stored value in it', () => {
    const edit = (cf: CustomField) => customFieldEdit(cf, members);
    expect(edit(field('vip', 'boolean')).kind).toBe('checkbox');
    expect(edit(field('vip', 'boolean')).value(row({ vip: true }))).toBe(true);
    expect(edit(field('tiers', 'multi_select', tiers)).kind).toBe('multi');
    expect(edit(field('tiers', 'multi_select', tiers)).options?.()).toEqual(tiers);
    expect(edit(field('budget', 'currency')).value(row({ budget: { amount: 125050, currency: 'USD' } }))).toBe('1250.5');
    expect(edit(field('csm', 'user')).options?.()).toEqual([{ value: 'u-grace', label: 'Grace Hopper' }]);
    // Emails and phones are one person's own: not offered for bulk edit.
    expect(edit(field('mail', 'email')).bulk).toBe(false);
    expect(edit(field('tier', 'single_select', tiers)).bulk).toBe(true);
    const [csm] = customColumns([field('csm', 'user')], members);
    expect(csm?.text(row({ csm: 'u-grace' }))).toBe('Grace Hopper');
  });

  it('lays a patch over a row as the API will store it, nested objects key by key', () => {
    const before = { id: 'r1', jobTitle: 'Engineer', custom: { tier: 'gold', seats: 3 }, address: { city: 'Paris', country: 'FR' } };
    expect(mergePatch(before, { custom: { seats: 5 }, address: { city: 'Lyon' }, jobTitle: null })).toEqual({
      id: 'r1',
      jobTitle: null,
      custom: { tier: 'gold', seats: 5 },
      address: { city: 'Lyon', country: 'FR' },
    });
    expect(before.custom.seats).toBe(3);
  });
});
