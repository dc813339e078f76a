import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';
import { renderNote } from './activities.markdown.ts';

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

async function created(path: string, body: Record<string, unknown>, client = owner) {
  const res = await client.post(path, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

/** A deal written straight to its table (deals have their own module and tests). */
async function insertDeal(name: string) {
  const pipelineId = newId();
  const stageId = newId();
  const id = newId();
  await t.db.query('INSERT INTO pipelines (workspace_id, id, name) VALUES ($1, $2, $3)', [workspaceId, pipelineId, name]);
  await t.db.query(
    'INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability) VALUES ($1, $2, $3, $4, 0, 10)',
    [workspaceId, stageId, pipelineId, 'Qualified'],
  );
  await t.db.query(`INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, currency) VALUES ($1, $2, $3, $4, $5, 'USD')`, [
    workspaceId,
    id,
    name,
    pipelineId,
    stageId,
  ]);
  return id;
}

const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();
const count = async (table: string) =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [workspaceId])).rows[0]?.n;
const lastActivity = async (table: string, id: string) =>
  (await t.db.query<{ at: Date | null }>(`SELECT last_activity_at AS at FROM ${table} WHERE id = $1`, [id])).rows[0]?.at?.toISOString() ??
  null;
const timelineOf = async (id: string) =>
  (
    await t.db.query<{ record_id: string; kind: string; activity_id: string | null; data: Record<string, unknown> }>(
      'SELECT record_id, kind, activity_id, data FROM timeline_entries WHERE activity_id = $1 ORDER BY record_id',
      [id],
    )
  ).rows;

describe('note Markdown', () => {
  it('renders Markdown and lets no raw HTML, script, event handler or dangerous link through', () => {
    expect(renderNote('**Bold** and _it_\n\n- one\n- two')).toBe(
      '<p><strong>Bold</strong> and <em>it</em></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>',
    );
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<div onclick="steal()">click</div>',
      '<a href="javascript:alert(1)">raw link</a>',
      '[md link](javascript:alert(1))',
      '[mixed case](JaVaScRiPt:alert(1))',
      '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[vb](vbscript:msgbox(1))',
      '![pixel](javascript:alert(1))',
      '<iframe src="https://evil.example"></iframe>',
      '<svg onload=alert(1)><script>alert(1)</script></svg>',
      '<style>body{display:none}</style>',
      '<form action="https://evil.example"><input name="password"></form>',
      '<p style="background:url(javascript:alert(1))">styled</p>',
    ].join('\n\n');
    const html = renderNote(hostile);
    // Only the tags Markdown itself produces survive; typed HTML is shown as text.
    const tags = [...html.matchAll(/<([a-z0-9]+)[\s>/]/gi)].map((m) => m[1]?.toLowerCase());
    expect(new Set(tags)).toEqual(new Set(['p', 'a']));
    expect(html).not.toMatch(/<(script|img|iframe|svg|style|form|input|div)/i);
    expect(html).not.toMatch(/<[^>]+\son\w+\s*=/i);
    expect(html).not.toMatch(/<[^>]+(href|src)="\s*(javascript|data|vbscript):/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Every link left is inert: no href, or an http(s) one.
    for (const m of html.matchAll(/<a ([^>]*)>/g)) expect(m[1]).not.toMatch(/href="(?!https?:)/);
  });

  it('keeps safe links, marks them nofollow, and shows images as links instead of loading them', () => {
    expect(renderNote('[site](https://acme.example/x "t")')).toBe(
      '<p><a href="https://acme.example/x" title="t" rel="noopener noreferrer nofollow" target="_blank">site</a></p>',
    );
    expect(renderNote('![logo](https://cdn.example/l.png)')).toBe(
      '<p><a href="https://cdn.example/l.png" rel="noopener noreferrer nofollow" target="_blank">logo</a></p>',
    );
  });
});

describe('note preview', () => {
  it('renders Markdown as the saved note will show it, saving nothing', async () => {
    const before = await count('activities');
    const markdown = 'Talked about **pricing** <script>alert(1)</script>';
    const res = await owner.post('/api/v1/activities/preview', { body: markdown });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ bodyHtml: renderNote(markdown) });
    expect(res.json().bodyHtml).toContain('<strong>pricing</strong>');
    expect(res.json().bodyHtml).not.toContain('<script>');
    expect((await owner.post('/api/v1/activities/preview', { body: '  ' })).json()).toEqual({ bodyHtml: '' });
    expect(await count('activities')).toBe(before);
  });

  it('refuses bad bodies with a problem and readers who may not write', async () => {
    const bad = await owner.post('/api/v1/activities/preview', { body: 42 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('body.body');
    const readOnly = await addMember(owner, 'read_only');
    expect((await readOnly.client.post('/api/v1/activities/preview', { body: 'x' })).statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/activities/preview', payload: { body: 'x' } });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('activities', () => {
  let contactId: string;
  let otherContactId: string;
  let companyId: string;
  let dealId: string;
  beforeAll(async () => {
    contactId = (await created('/api/v1/contacts', { firstName: 'Sarah', lastName: 'Ng' })).id;
    otherContactId = (await created('/api/v1/contacts', { firstName: 'Omar' })).id;
    companyId = (await created('/api/v1/companies', { name: 'Acme', domain: 'acme.example' })).id;
    dealId = await insertDeal('Acme renewal');
  });

  it('logs a note: sanitised HTML, links, one timeline entry per record, last activity, audit', async () => {
    const occurredAt = '2030-01-02T03:04:05.000Z';
    const note = await created('/api/v1/activities', {
      kind: 'note',
      subject: 'Kick-off',
      body: '# Plan\nShe said <script>alert(1)</script> **yes** [evil](javascript:alert(1))',
      occurredAt,
      links: [
        { recordType: 'contact', recordId: contactId },
        { recordType: 'company', recordId: companyId },
        { recordType: 'deal', recordId: dealId },
      ],
    });
    expect(note).toMatchObject({ kind: 'note', subject: 'Kick-off', occurredAt, call: null, email: null, meeting: null });
    expect(note.bodyHtml).toContain('<strong>yes</strong>');
    expect(note.bodyHtml).toContain('&lt;script&gt;');
    expect(note.bodyHtml).not.toContain('<script');
    expect(note.bodyHtml).not.toContain('javascript:');
    expect(note.links).toHaveLength(3);

    const entries = await timelineOf(note.id);
    expect(entries.map((e) => e.record_id).sort()).toEqual([contactId, companyId, dealId].sort());
    for (const e of entries) {
      expect(e.kind).toBe('activity');
      expect(e.data).toEqual({ kind: 'note', subject: 'Kick-off', snippet: 'Plan She said <script>alert(1)</script> yes evil' });
    }
    expect(await lastActivity('contacts', contactId)).toBe(occurredAt);
    expect(await lastActivity('companies', companyId)).toBe(occurredAt);
    expect(await lastActivity('deals', dealId)).toBe(occurredAt);
    expect((await owner.get(`/api/v1/contacts/${contactId}`)).json().lastActivityAt).toBe(occurredAt);

    const audit = await t.db.query<{ action: string; changes: Record<string, { to: unknown }> }>(
      "SELECT action, changes FROM record_changes WHERE record_type = 'activity' AND record_id = $1",
      [note.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]?.action).toBe('create');
    expect(audit.rows[0]?.changes.subject?.to).toBe('Kick-off');
    const events = await t.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE record_id = $1', [note.id]);
    expect(events.rows.map((e) => e.type)).toEqual(['activity.created']);
  });

  it('only moves last activity forward: an older activity leaves a newer time alone', async () => {
    const contact = (await created('/api/v1/contacts', { firstName: 'Timekeeper' })).id;
    const link = [{ recordType: 'contact', recordId: contact }];
    await created('/api/v1/activities', { kind: 'note', body: 'Recent', occurredAt: '2031-05-01T10:00:00Z', links: link });
    await created('/api/v1/activities', { kind: 'note', body: 'Old', occurredAt: '2020-05-01T10:00:00Z', links: link });
    expect(await lastActivity('contacts', contact)).toBe('2031-05-01T10:00:00.000Z');
    await created('/api/v1/activities', { kind: 'note', body: 'Newer', occurredAt: '2032-05-01T10:00:00Z', links: link });
    expect(await lastActivity('contacts', contact)).toBe('2032-05-01T10:00:00.000Z');
  });

  it('refuses links to records that do not exist, are in the trash, or belong to another workspace, naming each', async () => {
    const binned = (await created('/api/v1/companies', { name: 'Binned Co' })).id;
    await owner.delete(`/api/v1/companies/${binned}`);
    const other = await signUp(t.app, { workspaceName: 'Elsewhere' });
    const foreign = (await created('/api/v1/contacts', { firstName: 'Foreign' }, other.client)).id;
    const before = await count('activities');
    const res = await owner.post('/api/v1/activities', {
      kind: 'note',
      body: 'x',
      links: [
        { recordType: 'contact', recordId: contactId },
        { recordType: 'contact', recordId: newId() },
        { recordType: 'company', recordId: binned },
        { recordType: 'contact', recordId: foreign },
        { recordType: 'deal', recordId: contactId },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.links[1]', 'body.links[2]', 'body.links[3]', 'body.links[4]']);
    expect(await count('activities')).toBe(before);

    const none = await owner.post('/api/v1/activities', { kind: 'note', body: 'x', links: [] });
    expect(none.statusCode).toBe(400);
    expect(fieldsOf(none)).toEqual(['body.links']);
    const missing = await owner.post('/api/v1/activities', { kind: 'note', body: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(await count('activities')).toBe(before);
  });

  it('validates the fields of each kind, collecting every error', async () => {
    const links = [{ recordType: 'contact', recordId: contactId }];
    const call = await owner.post('/api/v1/activities', { kind: 'call', links, email: { from: 'a@b.example' } });
    expect(fieldsOf(call)).toEqual(['body.call.direction', 'body.email']);
    const email = await owner.post('/api/v1/activities', {
      kind: 'email',
      links,
      subject: 'Quote',
      email: { from: 'not-an-address', to: ['ok@acme.example', 'bad@'], cc: ['also bad'] },
    });
    expect(fieldsOf(email)).toEqual(['body.email.cc[0]', 'body.email.from', 'body.email.to[1]']);
    const meeting = await owner.post('/api/v1/activities', {
      kind: 'meeting',
      links,
      meeting: {
        startAt: '2030-01-01T10:00:00Z',
        endAt: '2030-01-01T10:00:00Z',
        attendees: [{ email: 'nope' }, { email: 'x@acme.example', contactId: newId() }],
      },
    });
    expect(fieldsOf(meeting)).toEqual(['body.meeting.attendees[0].email', 'body.meeting.attendees[1].contactId', 'body.meeting.endAt']);
    const note = await owner.post('/api/v1/activities', { kind: 'note', links, body: '   ' });
    expect(fieldsOf(note)).toEqual(['body.body']);
  });

  it('logs calls, emails and meetings with their own fields', async () => {
    const links = [{ recordType: 'contact', recordId: contactId }];
    const call = await created('/api/v1/activities', {
      kind: 'call',
      links,
      body: 'Sarah said the budget is approved',
      call: { direction: 'outbound', durationSeconds: 320, outcome: 'connected' },
    });
    expect(call.call).toEqual({ direction: 'outbound', durationSeconds: 320, outcome: 'connected' });
    expect(call.bodyHtml).toBeNull();
    const email = await created('/api/v1/activities', {
      kind: 'email',
      links,
      subject: 'Quote',
      body: 'Attached.',
      email: { from: ' Me@Rapport.Example ', to: ['Sarah@Acme.example'], cc: [] },
    });
    expect(email.email).toEqual({ from: 'me@rapport.example', to: ['sarah@acme.example'], cc: [] });
    const meeting = await created('/api/v1/activities', {
      kind: 'meeting',
      links,
      subject: 'Demo',
      meeting: {
        startAt: '2030-03-01T14:00:00+01:00',
        endAt: '2030-03-01T15:00:00+01:00',
        location: 'Room 2',
        attendees: [{ email: 'sarah@acme.example', name: 'Sarah', contactId }],
      },
    });
    expect(meeting.meeting).toEqual({
      startAt: '2030-03-01T13:00:00.000Z',
      endAt: '2030-03-01T14:00:00.000Z',
      location: 'Room 2',
      attendees: [{ email: 'sarah@acme.example', name: 'Sarah', contactId }],
    });
    // A meeting happens when it starts unless told otherwise.
    expect(meeting.occurredAt).toBe('2030-03-01T13:00:00.000Z');
  });

  it('moves timeline entries when links change, and updates their summary', async () => {
    const a = await created('/api/v1/activities', {
      kind: 'note',
      body: 'Before',
      links: [
        { recordType: 'contact', recordId: contactId },
        { recordType: 'company', recordId: companyId },
      ],
    });
    const res = await owner.patch(
      `/api/v1/activities/${a.id}`,
      {
        body: 'After',
        links: [
          { recordType: 'company', recordId: companyId },
          { recordType: 'contact', recordId: otherContactId },
        ],
      },
      { 'if-match': '"1"' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.json().links).toEqual([
      { recordType: 'company', recordId: companyId },
      { recordType: 'contact', recordId: otherContactId },
    ]);
    const entries = await timelineOf(a.id);
    expect(entries.map((e) => e.record_id).sort()).toEqual([companyId, otherContactId].sort());
    expect(entries.every((e) => e.data.snippet === 'After')).toBe(true);
    const links = await t.db.query('SELECT record_id FROM activity_links WHERE activity_id = $1 ORDER BY record_id', [a.id]);
    expect(links.rows.map((r) => (r as { record_id: string }).record_id)).toEqual([companyId, otherContactId].sort());
    const stale = await owner.patch(`/api/v1/activities/${a.id}`, { subject: 'x' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    const bad = await owner.patch(`/api/v1/activities/${a.id}`, { links: [{ recordType: 'deal', recordId: newId() }] });
    expect(fieldsOf(bad)).toEqual(['body.links[0]']);
    expect((await timelineOf(a.id)).length).toBe(2);
    const audit = await t.db.query<{ changes: Record<string, unknown> }>(
      "SELECT changes FROM record_changes WHERE record_id = $1 AND action = 'update'",
      [a.id],
    );
    expect(Object.keys(audit.rows[0]?.changes ?? {}).sort()).toEqual(['body', 'links']);
  });

  it('an update that changes nothing writes nothing', async () => {
    const links = [{ recordType: 'contact', recordId: contactId }];
    const a = await created('/api/v1/activities', { kind: 'call', body: 'Same', call: { direction: 'inbound' }, links });
    const res = await owner.patch(`/api/v1/activities/${a.id}`, { body: 'Same', call: { direction: 'inbound' }, links });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    const audit = await t.db.query("SELECT 1 FROM record_changes WHERE record_id = $1 AND action = 'update'", [a.id]);
    expect(audit.rows).toEqual([]);
  });

  it('deletes into the trash (gone from reads and timelines) and restores', async () => {
    const a = await created('/api/v1/activities', {
      kind: 'note',
      body: 'Doomed',
      links: [{ recordType: 'contact', recordId: contactId }],
    });
    const onTimeline = async () =>
      (await owner.get(`/api/v1/contacts/${contactId}/timeline?limit=200`))
        .json()
        .data.some((e: { activity: { id: string } | null }) => e.activity?.id === a.id);
    expect(await onTimeline()).toBe(true);
    expect((await owner.delete(`/api/v1/activities/${a.id}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/activities/${a.id}`)).statusCode).toBe(404);
    expect(await onTimeline()).toBe(false);
    expect((await owner.get('/api/v1/trash?objectType=activity')).json().data.map((i: { id: string }) => i.id)).toContain(a.id);
    expect((await owner.post(`/api/v1/activities/${a.id}/restore`)).statusCode).toBe(200);
    expect(await onTimeline()).toBe(true);
    const actions = await t.db.query<{ action: string }>('SELECT action FROM record_changes WHERE record_id = $1 ORDER BY id', [a.id]);
    expect(actions.rows.map((r) => r.action)).toEqual(['create', 'delete', 'restore']);
  });

  it('lists and searches by kind, text and linked record', async () => {
    const deal = await insertDeal('Search deal');
    const call = await created('/api/v1/activities', {
      kind: 'call',
      body: 'Discussed pricing tiers',
      call: { direction: 'inbound' },
      links: [{ recordType: 'deal', recordId: deal }],
    });
    const byDeal = await owner.post('/api/v1/activities/search', {
      filterGroups: [{ filters: [{ association: 'deals', filters: [{ field: 'id', operator: 'eq', value: deal }] }] }],
    });
    expect(byDeal.json().data.map((a: { id: string }) => a.id)).toEqual([call.id]);
    expect(byDeal.json().total).toBe(1);
    const calls = await owner.post('/api/v1/activities/search', {
      filterGroups: [{ filters: [{ field: 'kind', operator: 'eq', value: 'call' }] }],
      sort: [{ field: 'occurredAt', direction: 'desc' }],
    });
    expect(calls.json().data.every((a: { kind: string }) => a.kind === 'call')).toBe(true);
    expect(calls.json().data.map((a: { id: string }) => a.id)).toContain(call.id);
    const text = await owner.get('/api/v1/activities?q=pricing');
    expect(text.json().data.map((a: { id: string }) => a.id)).toEqual([call.id]);
    const bad = await owner.post('/api/v1/activities/search', {
      filterGroups: [{ filters: [{ field: 'nope', operator: 'eq', value: 1 }] }],
    });
    expect(bad.statusCode).toBe(400);
    const page1 = (await owner.get('/api/v1/activities?limit=2')).json();
    const page2 = (await owner.get(`/api/v1/activities?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page1.data).toHaveLength(2);
    expect(page2.data.map((a: { id: string }) => a.id)).not.toContain(page1.data[0].id);
  });

  it('read-only members cannot write; members change only their own activities', async () => {
    const readOnly = await addMember(owner, 'read_only');
    const member = await addMember(owner, 'member');
    const links = [{ recordType: 'contact', recordId: contactId }];
    const before = await count('activities');
    const denied = await readOnly.client.post('/api/v1/activities', { kind: 'note', body: 'x', links });
    expect(denied.statusCode).toBe(403);
    expect(await count('activities')).toBe(before);
    const mine = await created('/api/v1/activities', { kind: 'note', body: 'Mine', links }, member.client);
    expect(mine.ownerId).toBe(member.userId);
    const ownersNote = await created('/api/v1/activities', { kind: 'note', body: 'Owner', links });
    expect((await readOnly.client.patch(`/api/v1/activities/${ownersNote.id}`, { body: 'x' })).statusCode).toBe(403);
    expect((await readOnly.client.delete(`/api/v1/activities/${ownersNote.id}`)).statusCode).toBe(403);
    expect((await member.client.patch(`/api/v1/activities/${ownersNote.id}`, { body: 'x' })).statusCode).toBe(403);
    expect((await member.client.patch(`/api/v1/activities/${mine.id}`, { body: 'Edited' })).statusCode).toBe(200);
    expect((await readOnly.client.get(`/api/v1/activities/${ownersNote.id}`)).json().body).toBe('Owner');
  });
});
