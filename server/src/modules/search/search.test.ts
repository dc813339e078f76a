import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';
import { parseSearch } from './search.query.ts';

let t: TestApp;
let owner: Client;
let workspaceId: string;
const ids: Record<string, string> = {};

async function create(path: string, body: Record<string, unknown>) {
  const res = await owner.post(`/api/v1/${path}`, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** An activity linked to records, `daysAgo` days back, written straight to the tables. */
async function activity(kind: string, subject: string | null, body: string, daysAgo: number, links: [string, string][]) {
  const id = newId();
  await t.db.query(
    `INSERT INTO activities (workspace_id, id, kind, subject, body, occurred_at) VALUES ($1, $2, $3, $4, $5, now() - make_interval(days => $6))`,
    [workspaceId, id, kind, subject, body, daysAgo],
  );
  for (const [type, recordId] of links) {
    await t.db.query('INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id) VALUES ($1, $2, $3, $4)', [
      workspaceId,
      id,
      type,
      recordId,
    ]);
  }
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
  await owner.patch('/api/v1/workspace', { settings: { phoneRegion: 'GB' } });
  ids.acme = await create('companies', { name: 'Acme Corp', domain: 'acme.example', industry: 'Rockets' });
  ids.globex = await create('companies', { name: 'Globex', domain: 'globex.example' });
  ids.sarah = await create('contacts', {
    firstName: 'Sarah',
    lastName: 'Connor',
    email: 'sarah@acme.example',
    phone: '020 7946 0999',
    companies: [{ companyId: ids.acme }],
  });
  ids.walker = await create('contacts', { firstName: 'Sarah', lastName: 'Walker', companies: [{ companyId: ids.globex }] });
  ids.samuel = await create('contacts', { firstName: 'Samuel', lastName: 'Sargent' });
  ids.bob = await create('contacts', { firstName: 'Bob', lastName: 'Acres' });
  ids.gone = await create('contacts', { firstName: 'Sarabeth', lastName: 'Binned' });
  await owner.delete(`/api/v1/contacts/${ids.gone}`);
  ids.oldCall = await activity('call', 'Budget call', 'She said the budget is approved for Q3.', 10, [
    ['contact', ids.sarah],
    ['company', ids.acme],
  ]);
  ids.lastCall = await activity('call', null, 'Wants to expand to 50 seats and sign next week.', 2, [
    ['contact', ids.sarah],
    ['company', ids.acme],
  ]);
  ids.walkerCall = await activity('call', null, 'Different conversation entirely.', 1, [
    ['contact', ids.walker],
    ['company', ids.globex],
  ]);
  ids.note = await activity('note', 'Pricing memo', 'Rocket pricing for the enterprise tier.', 5, [['company', ids.acme]]);
});
afterAll(() => t.close());

type Hit = { type: string; id: string; title: string; snippet: string | null; score: number; links: { id: string; name: string }[] };
async function search(q: string, extra = ''): Promise<Hit[]> {
  const res = await owner.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json().data;
}

describe('reading a search', () => {
  it('never takes an email, a phone number or a name for a question', () => {
    for (const q of ['person4242@mail42.example', '+1 415 200 4242', 'Mary Ann Smith-Jones', 'www.acme.example']) {
      expect(parseSearch(q).question, q).toBe(q === 'Mary Ann Smith-Jones');
    }
  });

  it('takes short searches as typed and reads longer ones as questions', () => {
    expect(parseSearch('Sarah Connor')).toEqual({
      text: 'sarah connor',
      terms: ['sarah', 'connor'],
      kinds: [],
      newestFirst: false,
      question: false,
    });
    expect(parseSearch('what did Sarah say in her last call with Acme?')).toMatchObject({
      terms: ['sarah', 'acme'],
      kinds: ['call'],
      newestFirst: true,
    });
  });
});

describe('global search', () => {
  it('finds people by a prefix of any name, never from the trash', async () => {
    const hits = await search('sar', '&types=contact');
    expect(hits.map((h) => h.id).sort()).toEqual([ids.sarah, ids.walker, ids.samuel].sort());
    expect(hits.find((h) => h.id === ids.sarah)).toMatchObject({ title: 'Sarah Connor', snippet: 'sarah@acme.example · Acme Corp' });
  });

  it('puts an exact email, phone or domain first', async () => {
    expect((await search('Sarah@Acme.example'))[0]).toMatchObject({ type: 'contact', id: ids.sarah, score: 1 });
    expect((await search('+44 20 7946 0999'))[0]).toMatchObject({ type: 'contact', id: ids.sarah });
    expect((await search('https://www.acme.example/'))[0]).toMatchObject({ type: 'company', id: ids.acme, score: 1 });
  });

  it('forgives small typos', async () => {
    expect((await search('Sarha Connor'))[0]?.id).toBe(ids.sarah);
    expect((await search('Acmee', '&types=company'))[0]?.id).toBe(ids.acme);
  });

  it('knows the words of new and renamed records for typos, and of records written in bulk', async () => {
    const id = await create('contacts', { firstName: 'Bartholomew', lastName: 'Quigley' });
    expect((await search('Bartholomeu', '&types=contact')).map((h) => h.id)).toEqual([id]);
    await owner.patch(`/api/v1/contacts/${id}`, { lastName: 'Quintanilla' });
    expect((await search('Quintanila', '&types=contact')).map((h) => h.id)).toEqual([id]);
    const batch = await owner.post('/api/v1/companies/batch/create', { inputs: [{ name: 'Zephyrine Holdings' }] });
    expect((await search('Zephyrin Holdngs', '&types=company')).map((h) => h.id)).toEqual([batch.json().results[0].id]);
    // A batch renaming one company among others left as they were still learns the new words.
    const kept = await create('companies', { name: 'Steadfast Mills' });
    const renamed = await create('companies', { name: 'Placeholder Works' });
    const rename = await owner.post('/api/v1/companies/batch/update', {
      inputs: [
        { id: kept, properties: { industry: 'Textiles' } },
        { id: renamed, properties: { name: 'Quillfeather Press' } },
      ],
    });
    expect(rename.json().failed).toBe(0);
    expect((await search('Quilfeather', '&types=company')).map((h) => h.id)).toEqual([renamed]);
  });

  it('finds activity text, with a snippet and what it is linked to', async () => {
    const hits = await search('budget approved');
    expect(hits[0]).toMatchObject({ type: 'activity', id: ids.oldCall, title: 'Budget call' });
    expect(hits[0]?.snippet).toContain('budget is approved');
    expect(hits[0]?.links.map((l) => l.name).sort()).toEqual(['Acme Corp', 'Sarah Connor']);
  });

  it("answers 'what did Sarah say in her last call with Acme' with that call first", async () => {
    const hits = await search('what did Sarah say in her last call with Acme');
    const activities = hits.filter((h) => h.type === 'activity');
    expect(activities.map((h) => h.id)).toEqual([ids.lastCall, ids.oldCall]);
    expect(hits[0]?.id).toBe(ids.lastCall);
    expect(hits[0]?.snippet).toContain('50 seats');
  });

  it('refuses an empty or unreadable search with the offending parameter', async () => {
    for (const q of ['', '   ', '!!!']) {
      const res = await owner.get(`/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual([expect.stringContaining('q')]);
    }
    expect((await owner.get('/api/v1/search?q=x&types=contact,planet')).statusCode).toBe(400);
  });
});
