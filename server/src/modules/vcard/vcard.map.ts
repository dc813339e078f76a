import { normaliseEmail, normalisePhone } from '../contacts/contacts.normalize.ts';
import type { ContactWrite } from '../contacts/contacts.schema.ts';
import { type ParsedCard, splitValue, unescapeText, type VcardProperty } from './vcard.parse.ts';

/** Something in a card that was not imported, and why. */
export type SkippedProperty = { property: string; value?: string; reason: string };

/** A card read as a contact write, with what was left out; `company` is the ORG name to match. */
export type MappedCard =
  | { ok: true; name: string; input: ContactWrite; company: string | null; skipped: SkippedProperty[] }
  | { ok: false; name: string; reason: string; skipped: SkippedProperty[] };

/** Properties that describe the card itself rather than the person: read or ignored without a report. */
const bookkeeping = new Set([
  'PRODID',
  'UID',
  'REV',
  'KIND',
  'SOURCE',
  'CLIENTPIDMAP',
  'LABEL',
  'NAME',
  'PROFILE',
  'MAILER',
  'SORT-STRING',
  // Address-book metadata (labels of grouped properties, record ids, display hints).
  'X-ABLABEL',
  'X-ABUID',
  'X-ABADR',
  'X-ABSHOWAS',
]);

/** Properties Rapport has no field for: reported as skipped with this reason. */
const notStored = 'Rapport has no field for it';

const MAX_TEXT = 200;

const types = (p: VcardProperty) => (p.params.TYPE ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase());

/** PREF=1 (4.0), TYPE=pref (3.0) or bare PREF (2.1). */
const isPreferred = (p: VcardProperty) => p.params.PREF?.[0] === '1' || types(p).includes('pref');

/** A label for an email or phone from its TYPEs: the first one a person would recognise, else an x-name's own word. */
function labelOf(p: VcardProperty, wanted: Record<string, string>): string | undefined {
  const all = types(p);
  for (const t of all) if (wanted[t]) return wanted[t];
  return all.find((t) => t.startsWith('x-') && t.length > 2)?.slice(2);
}
const emailLabels: Record<string, string> = { work: 'work', home: 'home', other: 'other' };
const phoneLabels: Record<string, string> = {
  cell: 'mobile',
  mobile: 'mobile',
  iphone: 'mobile',
  work: 'work',
  home: 'home',
  fax: 'fax',
  pager: 'pager',
  main: 'main',
  other: 'other',
};

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
const textOf = (p: VcardProperty) => unescapeText(p.value).trim();

/** The person's first and last name from N, else split from FN. */
function names(card: ParsedCard): { firstName?: string; lastName?: string; display: string } {
  const fn = card.properties.find((p) => p.name === 'FN');
  const n = card.properties.find((p) => p.name === 'N');
  const display = fn ? textOf(fn) : '';
  if (n) {
    const [family = '', given = ''] = splitValue(n.value, ';').map((x) => x.trim());
    if (family || given)
      return { firstName: given || undefined, lastName: family || undefined, display: display || `${given} ${family}`.trim() };
  }
  if (!display) return { display: '' };
  const words = display.split(/\s+/);
  if (words.length === 1) return { firstName: display, display };
  return { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1), display };
}

/** A phone as written: `tel:` URIs lose their scheme and parameters (`;ext=`). */
const phoneText = (p: VcardProperty) => textOf(p).replace(/^tel:/i, '').split(';')[0]?.trim() ?? '';

/**
 * Reads one card as a contact write. Values Rapport cannot store (photos, notes, birthdays …),
 * invalid emails and phones, and too-long texts are left out and listed; a card with no name,
 * no valid email and no valid phone is skipped whole.
 */
export function mapCard(card: ParsedCard, phoneRegion: string): MappedCard {
  const skipped: SkippedProperty[] = [];
  const skip = (property: string, reason: string, value?: string) =>
    skipped.push({ property, reason, ...(value ? { value: clip(value) } : {}) });
  const input: ContactWrite = {};
  const { firstName, lastName, display } = names(card);
  const setName = (key: 'firstName' | 'lastName', value: string | undefined) => {
    if (!value) return;
    if (value.length > MAX_TEXT) skip('N', `Longer than ${MAX_TEXT} characters`, value);
    else input[key] = value;
  };
  setName('firstName', firstName);
  setName('lastName', lastName);

  const emails: NonNullable<ContactWrite['emails']> = [];
  const phones: NonNullable<ContactWrite['phones']> = [];
  let company: string | null = null;
  let addressSeen = false;
  const tags = new Set<string>();

  for (const p of card.properties) {
    switch (p.name) {
      case 'FN':
      case 'N':
        break;
      case 'EMAIL': {
        const address = normaliseEmail(textOf(p).replace(/^mailto:/i, ''));
        if (!address) skip('EMAIL', 'Not a valid email address', textOf(p));
        else if (!emails.some((e) => e.address === address))
          emails.push({ address, label: labelOf(p, emailLabels), primary: isPreferred(p) });
        break;
      }
      case 'TEL': {
        const raw = phoneText(p);
        if (!normalisePhone(raw, phoneRegion)) skip('TEL', `Not a valid phone number (default region ${phoneRegion})`, raw);
        else if (phones.length >= 20) skip('TEL', 'A contact keeps at most 20 phone numbers', raw);
        else phones.push({ number: raw, label: labelOf(p, phoneLabels), primary: isPreferred(p) });
        break;
      }
      case 'TITLE': {
        const title = textOf(p);
        if (title.length > MAX_TEXT) skip('TITLE', `Longer than ${MAX_TEXT} characters`, title);
        else if (title) input.jobTitle = title;
        break;
      }
      case 'ORG': {
        const name = splitValue(p.value, ';')[0]?.trim();
        if (name && !company) company = name;
        else if (name) skip('ORG', 'Only the first organisation is linked', name);
        break;
      }
      case 'ADR': {
        if (addressSeen) {
          skip('ADR', 'Only the first address is kept', textOf(p));
          break;
        }
        addressSeen = true;
        const [box = '', extended = '', street = '', city = '', region = '', postalCode = '', country = ''] = splitValue(p.value, ';').map(
          (x) => x.trim(),
        );
        const streetLine = [box, extended, street].filter(Boolean).join(', ');
        const address = {
          street: streetLine || null,
          city: city || null,
          region: region || null,
          postalCode: postalCode || null,
          country: country || null,
        };
        if (Object.values(address).some(Boolean)) input.address = address;
        break;
      }
      case 'CATEGORIES':
        for (const tag of splitValue(p.value, ',').map((t) => t.trim())) {
          if (tag && tag.length <= 100) tags.add(tag);
          else if (tag) skip('CATEGORIES', 'A tag is at most 100 characters', tag);
        }
        break;
      case 'TZ': {
        const tz = textOf(p);
        if (/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(tz)) input.timezone = tz;
        else skip('TZ', 'Only named time zones (e.g. Europe/Paris) are kept', tz);
        break;
      }
      default:
        if (!bookkeeping.has(p.name))
          skip(
            p.name,
            p.params.ENCODING?.some((e) => /^(B|BASE64)$/i.test(e)) ? `${notStored} (binary data)` : notStored,
            p.params.ENCODING ? undefined : textOf(p),
          );
    }
  }
  if (card.embedded > 0) skip('AGENT', 'Cards embedded in a card are not imported');
  if (emails.length > 20) {
    for (const e of emails.splice(20)) skip('EMAIL', 'A contact keeps at most 20 email addresses', e.address);
  }
  if (emails.length > 0) input.emails = withOnePrimary(emails);
  if (phones.length > 0) input.phones = withOnePrimary(phones);
  if (tags.size > 0) input.tags = [...tags].slice(0, 100);

  const name = display || emails[0]?.address || phones[0]?.number || '';
  if (!input.firstName && !input.lastName && emails.length === 0 && phones.length === 0) {
    return { ok: false, name, reason: 'The card has no name, valid email or valid phone', skipped };
  }
  return { ok: true, name, input, company, skipped };
}

/** Keeps the first preferred entry as the one primary (or the first entry when none is). */
function withOnePrimary<T extends { primary?: boolean }>(items: T[]): T[] {
  const primary = Math.max(
    0,
    items.findIndex((i) => i.primary),
  );
  return items.map((item, i) => ({ ...item, primary: i === primary }));
}
