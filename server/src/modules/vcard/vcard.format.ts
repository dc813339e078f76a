import { escapeText, listText, type Property, renderLines, structuredText, utcStamp } from '../../lib/content-lines.ts';
import type { ContactView } from '../contacts/contacts.presenter.ts';

/** vCard TYPE values a label maps to (RFC 6350 §6.4.1 and §6.4.3); other labels are kept as x-names. */
const telTypes: Record<string, string> = {
  mobile: 'cell',
  cell: 'cell',
  work: 'work',
  home: 'home',
  fax: 'fax',
  pager: 'pager',
  voice: 'voice',
  text: 'text',
  video: 'video',
};
const emailTypes: Record<string, string> = { work: 'work', home: 'home' };

/** The TYPE of a labelled email or phone, or undefined when the label says nothing a TYPE can. */
function typeOf(label: string | null, known: Record<string, string>): string | undefined {
  const l = label?.trim().toLowerCase();
  if (!l) return undefined;
  if (known[l]) return known[l];
  return /^[a-z0-9-]{1,40}$/.test(l) ? `x-${l}` : undefined;
}

/** The display name a vCard needs (FN is required): the name, else the email, else "Unnamed". */
function formattedName(c: ContactView): string {
  return c.name || c.email || 'Unnamed';
}

/** The properties of one contact as a vCard 4.0. */
function contactProperties(c: ContactView, generatedAt: Date): Property[] {
  const props: Property[] = [
    { name: 'VERSION', value: '4.0' },
    { name: 'PRODID', value: '-//Rapport//Rapport CRM//EN' },
    { name: 'UID', value: `urn:uuid:${c.id}` },
    { name: 'KIND', value: 'individual' },
    { name: 'FN', value: escapeText(formattedName(c)) },
    { name: 'N', value: structuredText([c.lastName, c.firstName, '', '', '']) },
  ];
  (c.emails ?? []).forEach((e) => {
    props.push({
      name: 'EMAIL',
      params: { TYPE: typeOf(e.label, emailTypes), PREF: e.primary ? '1' : undefined },
      value: escapeText(e.address),
    });
  });
  (c.phones ?? []).forEach((p) => {
    props.push({
      name: 'TEL',
      params: { VALUE: 'uri', TYPE: typeOf(p.label, telTypes), PREF: p.primary ? '1' : undefined },
      value: `tel:${p.number}`,
    });
  });
  if (c.jobTitle) props.push({ name: 'TITLE', value: escapeText(c.jobTitle) });
  const company = c.companies?.find((x) => x.primary) ?? c.companies?.[0];
  if (company) props.push({ name: 'ORG', value: structuredText([company.name]) });
  const a = c.address ?? {};
  if (Object.values(a).some(Boolean)) {
    props.push({ name: 'ADR', value: structuredText(['', '', a.street, a.city, a.region, a.postalCode, a.country]) });
  }
  if (c.tags && c.tags.length > 0) props.push({ name: 'CATEGORIES', value: listText(c.tags) });
  if (c.timezone) props.push({ name: 'TZ', params: { VALUE: 'text' }, value: escapeText(c.timezone) });
  const revised = c.updatedAt ? new Date(c.updatedAt) : generatedAt;
  props.push({ name: 'REV', value: utcStamp(revised) });
  return props;
}

/** One contact as a vCard 4.0 (RFC 6350): CRLF line ends, folded at 75 octets, text escaped. */
export function contactToVcard(contact: ContactView, generatedAt = new Date()): string {
  return `BEGIN:VCARD\r\n${renderLines(contactProperties(contact, generatedAt))}END:VCARD\r\n`;
}

/** Several contacts as one .vcf document (cards one after another). */
export function contactsToVcards(contacts: ContactView[], generatedAt = new Date()): string {
  return contacts.map((c) => contactToVcard(c, generatedAt)).join('');
}

/** A file name for a download: the contact's name made safe, or "contacts". */
export function vcardFileName(contact?: ContactView): string {
  const base = contact
    ? formattedName(contact)
        .replace(/[^\p{L}\p{N} ._-]+/gu, '')
        .trim()
    : '';
  return `${base || 'contacts'}.vcf`;
}
