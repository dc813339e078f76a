import { describe, expect, it } from 'vitest';
import { type CompanyLinkInput, withCompany, withoutCompany, withPrimary } from './associations';

const acme: CompanyLinkInput = { companyId: 'acme', title: 'CTO', role: null, primary: true };
const initech: CompanyLinkInput = { companyId: 'initech', title: null, role: 'advisor', primary: false };

describe("a contact's company links", () => {
  it('makes the first company linked the primary one, and later ones not', () => {
    const first = withCompany([], 'acme', 'CTO');
    expect(first).toEqual([{ companyId: 'acme', title: 'CTO', role: null, primary: true }]);
    expect(withCompany(first, 'initech', null)[1]).toEqual({ companyId: 'initech', title: null, role: null, primary: false });
  });

  it('updates the title of a company already linked instead of linking it twice', () => {
    expect(withCompany([acme, initech], 'initech', 'Board member')).toEqual([acme, { ...initech, title: 'Board member' }]);
  });

  it('passes primary on when the primary company is unlinked', () => {
    expect(withoutCompany([acme, initech], 'acme')).toEqual([{ ...initech, primary: true }]);
    expect(withoutCompany([acme, initech], 'initech')).toEqual([acme]);
  });

  it('keeps exactly one primary company', () => {
    expect(withPrimary([acme, initech], 'initech').map((l) => l.primary)).toEqual([false, true]);
  });
});
