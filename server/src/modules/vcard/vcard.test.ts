import ICAL from 'ical.js';
import { parse as parseVcard4 } from 'vcard4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
});
afterAll(() => t.close());

const importFile = (client: Client, body: string | Buffer, type = 'text/vcard') =>
  client.request('POST', '/api/v1/contacts/vcard/import', body, { 'content-type': type });

/** A multipart/form-data body encoded by the platform's own FormData, as a browser form or curl -F sends it. */
async function formBody(parts: [name: string, value: string | Buffer, fileName?: string][]): Promise<{ payload: Buffer; type: string }> {
  const form = new FormData();
  for (const [name, value, fileName] of parts) {
    if (fileName === undefined && typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value], { type: 'text/vcard' }), fileName ?? 'contacts.vcf');
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), type: request.headers.get('content-type') ?? '' };
}

const uploadFile = async (client: Client, parts: Parameters<typeof formBody>[0]) => {
  const { payload, type } = await formBody(parts);
  return importFile(client, payload, type);
};

const contactCount = async () =>
  Number((await t.db.query<{ n: number }>('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', [workspaceId])).rows[0]?.n);

/** The physical lines of a document, without their CRLF; fails on a bare LF. */
function physicalLines(text: string): string[] {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  return text.slice(0, -2).split('\r\n');
}

/** A vcard4 property value by name from its parse result. */
type Parsed = { property: string; parameters: Record<string, unknown>; value: unknown };
const valuesOf = (parsed: Parsed[], name: string) => parsed.filter((p) => p.property === name);

const rich = {
  firstName: 'Zoë',
  lastName: "O'Brien; Smith, Jr",
  emails: [
    { address: 'zoe@acme.example', label: 'work', primary: true },
    { address: 'zoe.home@mail.example', label: 'home' },
  ],
  phones: [
    { number: '+1 415 555 0100', label: 'mobile', primary: true },
    { number: '+44 20 7946 0958', label: 'assistant' },
  ],
  jobTitle: 'Head of Ops, EMEA\\Americas',
  address: { street: '1 Infinite Loop\nBuilding 2', city: 'Cupertino', region: 'CA', postalCode: '95014', country: 'USA' },
  tags: ['vip', 'met at conf, 2026', 'münchen'],
  timezone: 'America/Los_Angeles',
};

describe('vCard export', () => {
  it('exports one contact as a vCard 4.0 that vcard4 and ical.js both read back field for field', async () => {
    const created = (await owner.post('/api/v1/contacts', rich)).json();
    const res = await owner.get(`/api/v1/contacts/${created.id}/vcard`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/vcard; charset=utf-8');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''Zo%C3%AB");
    const text = res.body;
    const lines = physicalLines(text);
    expect(lines.slice(0, 2)).toEqual(['BEGIN:VCARD', 'VERSION:4.0']);
    expect(lines.at(-1)).toBe('END:VCARD');
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);

    const parsed = (parseVcard4(text) as { parsedVcard: Parsed[] }).parsedVcard;
    expect(valuesOf(parsed, 'FN')[0]?.value).toBe("Zoë O'Brien; Smith, Jr");
    expect(valuesOf(parsed, 'N')[0]?.value).toMatchObject({ familyNames: "O'Brien; Smith, Jr", givenNames: 'Zoë' });
    expect(valuesOf(parsed, 'EMAIL').map((p) => [p.value, p.parameters.TYPE, p.parameters.PREF])).toEqual([
      ['zoe@acme.example', 'work', '1'],
      ['zoe.home@mail.example', 'home', undefined],
    ]);
    expect(valuesOf(parsed, 'TEL').map((p) => [p.value, p.parameters.TYPE])).toEqual([
      ['tel:+14155550100', 'cell'],
      ['tel:+442079460958', 'x-assistant'],
    ]);
    expect(valuesOf(parsed, 'TITLE')[0]?.value).toBe('Head of Ops, EMEA\\Americas');
    expect(valuesOf(parsed, 'UID')[0]?.value).toBe(`urn:uuid:${created.id}`);

    const jcard = new ICAL.Component(ICAL.parse(text) as unknown[]);
    expect(jcard.getFirstPropertyValue('version')).toBe('4.0');
    expect(jcard.getFirstPropertyValue('title')).toBe('Head of Ops, EMEA\\Americas');
    expect(jcard.getFirstProperty('adr')?.getFirstValue()).toEqual([
      '',
      '',
      '1 Infinite Loop\nBuilding 2',
      'Cupertino',
      'CA',
      '95014',
      'USA',
    ]);
    expect(jcard.getFirstProperty('categories')?.getValues()).toEqual(['vip', 'met at conf, 2026', 'münchen']);
    expect(jcard.getFirstPropertyValue('tz')).toBe('America/Los_Angeles');
  });

  it('folds long lines at 75 octets without splitting a UTF-8 character', async () => {
    const long = 'Ω'.repeat(150);
    const created = (await owner.post('/api/v1/contacts', { firstName: long, lastName: 'Fold' })).json();
    const text = (await owner.get(`/api/v1/contacts/${created.id}/vcard`)).body;
    const lines = physicalLines(text);
    const fnLines = lines.slice(lines.findIndex((l) => l.startsWith('FN:')));
    expect(Buffer.byteLength(fnLines[0] as string)).toBeLessThanOrEqual(75);
    expect(fnLines[1]?.startsWith(' ')).toBe(true);
    for (const line of lines) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
    }
    const parsed = (parseVcard4(text) as { parsedVcard: Parsed[] }).parsedVcard;
    expect(valuesOf(parsed, 'FN')[0]?.value).toBe(`${long} Fold`);
  });

  it('exports many contacts by ids (in that order) or by filter; unknown ids are a 404 naming them', async () => {
    const a = (await owner.post('/api/v1/contacts', { firstName: 'Many', lastName: 'Alpha', tags: ['export-me'] })).json();
    const b = (await owner.post('/api/v1/contacts', { firstName: 'Many', lastName: 'Beta', tags: ['export-me'] })).json();
    const byIds = await owner.post('/api/v1/contacts/vcard', { ids: [b.id, a.id] });
    expect(byIds.statusCode, byIds.body).toBe(200);
    expect(byIds.headers['x-total-count']).toBe('2');
    const cards = byIds.body
      .split('END:VCARD\r\n')
      .filter(Boolean)
      .map((c) => `${c}END:VCARD\r\n`);
    expect(cards.map((c) => (parseVcard4(c) as { parsedVcard: Parsed[] }).parsedVcard.find((p) => p.property === 'FN')?.value)).toEqual([
      'Many Beta',
      'Many Alpha',
    ]);
    const byFilter = await owner.post('/api/v1/contacts/vcard', {
      filterGroups: [{ filters: [{ field: 'tags', operator: 'contains', value: 'export-me' }] }],
    });
    expect(byFilter.statusCode).toBe(200);
    expect(byFilter.body.match(/BEGIN:VCARD/g)).toHaveLength(2);
    const missing = await owner.post('/api/v1/contacts/vcard', { ids: [a.id, '0190f0f0-0000-7000-8000-000000000000'] });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().errors).toEqual([{ field: 'body.ids[1]', message: 'No such contact' }]);
    const both = await owner.post('/api/v1/contacts/vcard', { ids: [a.id], q: 'x' });
    expect(both.statusCode).toBe(400);
  });
});

describe('vCard import', () => {
  it('round trip: exported contacts imported into another workspace have the same fields', async () => {
    const created = (await owner.post('/api/v1/contacts', { ...rich, emails: [{ address: 'round@trip.example', label: 'work' }] })).json();
    const vcf = (await owner.get(`/api/v1/contacts/${created.id}/vcard`)).body;
    const other = await signUp(t.app);
    const res = await importFile(other.client, vcf);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ cards: 1, created: 1, updated: 0, skipped: 0, failed: 0 });
    expect(res.json().results[0].skippedProperties).toEqual([]);
    const copy = (await other.client.get(`/api/v1/contacts/${res.json().results[0].id}`)).json();
    const fields = (c: Record<string, unknown>) => ({
      firstName: c.firstName,
      lastName: c.lastName,
      emails: c.emails,
      phones: (c.phones as { number: string; label: string; primary: boolean }[]).map(({ number, label, primary }) => ({
        number,
        label,
        primary,
      })),
      jobTitle: c.jobTitle,
      address: c.address,
      tags: c.tags,
      timezone: c.timezone,
    });
    expect(fields(copy)).toEqual(fields(created));
    // Importing the same file again updates the contact found by email instead of duplicating it.
    const again = await importFile(other.client, vcf);
    expect(again.json()).toMatchObject({ created: 0, updated: 1 });
    expect(again.json().results[0].id).toBe(copy.id);
    expect((await other.client.get('/api/v1/contacts')).json().total).toBe(1);
  });

  it('reads vCard 2.1 with quoted-printable, soft line breaks, CHARSET and bare parameters', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(
        [
          'BEGIN:VCARD',
          'VERSION:2.1',
          'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;',
          'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller',
          'TEL;CELL;VOICE:+49 151 23456789',
          'TEL;WORK:not a phone',
          'EMAIL;INTERNET;PREF:juergen@qp.example',
          'TITLE;ENCODING=QUOTED-PRINTABLE:Leiter Vertrieb und Gesch=C3=A4ftsentwicklung f=C3=BCr Nord=',
          'deutschland',
          'ADR;HOME;CHARSET=ISO-8859-1:;;',
        ].join('\r\n'),
        'utf8',
      ),
      Buffer.from('Stra\xdfe 1;K\xf6ln;;50667;Germany', 'latin1'),
      Buffer.from(['', 'NOTE:Met at the fair', 'PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==', 'END:VCARD', ''].join('\r\n')),
    ]);
    const res = await importFile(owner, latin1);
    expect(res.statusCode).toBe(200);
    const card = res.json().results[0];
    expect(card.status).toBe('created');
    expect(card.skippedProperties).toEqual([
      { property: 'TEL', value: 'not a phone', reason: 'Not a valid phone number (default region US)' },
      { property: 'NOTE', value: 'Met at the fair', reason: 'Rapport has no field for it' },
      { property: 'PHOTO', reason: 'Rapport has no field for it (binary data)' },
    ]);
    const c = (await owner.get(`/api/v1/contacts/${card.id}`)).json();
    expect(c).toMatchObject({
      firstName: 'Jürgen',
      lastName: 'Müller',
      email: 'juergen@qp.example',
      phone: '+4915123456789',
      jobTitle: 'Leiter Vertrieb und Geschäftsentwicklung für Norddeutschland',
      address: { street: 'Straße 1', city: 'Köln', postalCode: '50667', country: 'Germany' },
    });
    expect(c.phones[0].label).toBe('mobile');
  });

  it('reads vCard 3.0 and 4.0 cards in one file: folded lines, LF endings, escapes, several cards; reports what it skipped', async () => {
    await owner.post('/api/v1/companies', { name: 'Initech' });
    const file = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Lumbergh;Bill;;;',
      'FN:Bill Lumbergh',
      'ORG:Initech;Management',
      'TITLE:Vice President\\, Initech',
      'EMAIL;TYPE=INTERNET,WORK,pref:bill@initech.example',
      'TEL;TYPE=WORK,VOICE:(415) 555-0101',
      'CATEGORIES:tps,reports',
      'BDAY:1960-01-01',
      'NOTE:Yeah\\, if you could go ahead and',
      '  read this that would be great',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Milton Waddams',
      'EMAIL:milton@initech',
      'EMAIL:milton@initech.example',
      "ORG:Chotchkie's",
      'TZ:-05:00',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'PHOTO:data:image/png;base64,iVBORw0KGgo=',
      'END:VCARD',
      '',
    ].join('\n');
    const res = await importFile(owner, file, 'text/x-vcard');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ cards: 3, created: 2, updated: 0, skipped: 1, failed: 0 });
    const [bill, milton, empty] = report.results;
    expect(bill.skippedProperties.map((s: { property: string }) => s.property)).toEqual(['BDAY', 'NOTE']);
    expect(bill.skippedProperties[1].value).toBe('Yeah, if you could go ahead and read this that would be great'.slice(0, 57) + '...');
    expect(milton.skippedProperties).toEqual([
      { property: 'EMAIL', value: 'milton@initech', reason: 'Not a valid email address' },
      { property: 'TZ', value: '-05:00', reason: 'Only named time zones (e.g. Europe/Paris) are kept' },
      { property: 'ORG', value: "Chotchkie's", reason: 'No company of this name in the workspace' },
    ]);
    expect(empty).toMatchObject({ status: 'skipped', reason: 'The card has no name, valid email or valid phone' });
    const b = (await owner.get(`/api/v1/contacts/${bill.id}`)).json();
    expect(b).toMatchObject({
      firstName: 'Bill',
      lastName: 'Lumbergh',
      jobTitle: 'Vice President, Initech',
      email: 'bill@initech.example',
    });
    expect(b.tags).toEqual(['tps', 'reports']);
    expect(b.companies.map((x: { name: string }) => x.name)).toEqual(['Initech']);
    expect(b.phones[0]).toMatchObject({ number: '+14155550101', label: 'work' });
    const m = (await owner.get(`/api/v1/contacts/${milton.id}`)).json();
    expect(m).toMatchObject({ firstName: 'Milton', lastName: 'Waddams', email: 'milton@initech.example' });
  });

  it('a file with no vCard is a 400 problem and changes nothing', async () => {
    const before = await contactCount();
    for (const body of ['name,email\nAda,ada@x.example\n', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])]) {
      const res = await importFile(owner, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body', code: 'not_vcard' }] });
    }
    const json = await owner.post('/api/v1/contacts/vcard/import', { file: 'BEGIN:VCARD' });
    expect(json.statusCode).toBe(400);
    expect(await contactCount()).toBe(before);
  });

  it('takes the file as the `file` part of multipart/form-data too, with the same report as the raw body', async () => {
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Bolton;Michael;;;',
      'FN:Michael Bolton',
      'EMAIL:michael@multipart.example',
      'NOTE:Not that one',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Samir Nagheenanajar',
      'TEL:not a phone',
      'END:VCARD',
      '',
    ].join('\r\n');
    const strip = (report: { results: { id?: string }[] }) => ({ ...report, results: report.results.map(({ id: _id, ...r }) => r) });
    const raw = await importFile((await signUp(t.app)).client, vcf);
    expect(raw.statusCode, raw.body).toBe(200);
    const other = await signUp(t.app);
    // Other parts (a text field, a file under another name) are passed over; the `file` part is read.
    const upload = await uploadFile(other.client, [
      ['note', 'from the address book'],
      ['attachment', 'BEGIN:VCARD\r\nFN:Not me\r\nEND:VCARD\r\n', 'other.vcf'],
      ['file', Buffer.from(vcf, 'utf8'), 'contacts.vcf'],
    ]);
    expect(upload.statusCode, upload.body).toBe(200);
    expect(strip(upload.json())).toEqual(strip(raw.json()));
    expect(upload.json()).toMatchObject({ cards: 2, created: 2, skipped: 0, failed: 0 });
    expect(upload.json().results[0].skippedProperties).toEqual([
      { property: 'NOTE', value: 'Not that one', reason: 'Rapport has no field for it' },
    ]);
    const names = (await other.client.get('/api/v1/contacts?limit=10')).json().data.map((c: { name: string }) => c.name);
    expect(names.sort()).toEqual(['Michael Bolton', 'Samir Nagheenanajar']);
  });

  it('refuses a form without a file part, a file that is no vCard and one too large as problems with stable codes, writing nothing', async () => {
    const before = await contactCount();
    const noFile = await uploadFile(owner, [['name', 'contacts.vcf']]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.headers['content-type']).toContain('application/problem+json');
    expect(noFile.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.file', code: 'missing_file' }] });

    const notVcard = await uploadFile(owner, [['file', 'name,email\nAda,ada@x.example\n', 'people.csv']]);
    expect(notVcard.statusCode).toBe(400);
    expect(notVcard.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.file', code: 'not_vcard' }] });

    const card = 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Too big\r\nEND:VCARD\r\n';
    const huge = Buffer.concat([Buffer.from(card), Buffer.alloc(32 * 1024 * 1024, 'x')]);
    const tooLarge = await uploadFile(owner, [['file', huge, 'huge.vcf']]);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers['content-type']).toContain('application/problem+json');
    expect(tooLarge.json()).toMatchObject({ code: 'payload_too_large', errors: [{ field: 'body.file', code: 'file_too_large' }] });
    const rawTooLarge = await importFile(owner, huge);
    expect(rawTooLarge.statusCode).toBe(413);
    expect(rawTooLarge.json().code).toBe('payload_too_large');

    const noBody = await owner.request('POST', '/api/v1/contacts/vcard/import');
    expect(noBody.statusCode).toBe(415);
    expect(noBody.json().code).toBe('unsupported_media_type');
    expect(await contactCount()).toBe(before);
  });

  it('a read-only member may export but not import', async () => {
    const { client } = await addMember(owner, 'read_only');
    const c = (await owner.post('/api/v1/contacts', { firstName: 'Visible' })).json();
    expect((await client.get(`/api/v1/contacts/${c.id}/vcard`)).statusCode).toBe(200);
    const before = await contactCount();
    const res = await importFile(client, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Nope\r\nEND:VCARD\r\n');
    expect(res.statusCode).toBe(403);
    expect(await contactCount()).toBe(before);
  });
});
