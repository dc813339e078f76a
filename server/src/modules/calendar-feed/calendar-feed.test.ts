import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let ownerEmail: string;
let contactId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app, { workspaceName: 'Acme Sales' });
  owner = s.client;
  ownerEmail = s.email;
  contactId = (await owner.post('/api/v1/contacts', { firstName: 'Sarah', email: 'sarah@acme.example' })).json().id;
});
afterAll(() => t.close());

/** Fetches a feed URL the way a calendar app does: no cookie, no key. */
const fetchFeed = (url: string) => t.app.inject({ method: 'GET', url: url.replace(t.config.publicUrl, '') });

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

/** The components of a parsed calendar by name, keyed by UID. */
function components(ics: string, name: 'vevent' | 'vtodo'): Map<string, ICAL.Component> {
  const cal = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  return new Map(cal.getAllSubcomponents(name).map((c) => [String(c.getFirstPropertyValue('uid')), c]));
}

describe('calendar feed', () => {
  it('has no feed until one is created; the URL is shown once and opens without a session', async () => {
    expect((await owner.get('/api/v1/me/calendar-feed')).json()).toEqual({
      active: false,
      prefix: null,
      createdAt: null,
      lastUsedAt: null,
    });
    const created = await owner.post('/api/v1/me/calendar-feed');
    expect(created.statusCode).toBe(201);
    const { url, webcalUrl, rotated, feed } = created.json();
    expect(url).toMatch(/^http:\/\/rapport\.test\/api\/v1\/ical\/rcal_[\w-]{43}\.ics$/);
    expect(webcalUrl).toBe(url.replace('http:', 'webcal:'));
    expect(rotated).toBe(false);
    expect(feed).toMatchObject({ active: true, prefix: url.split('/ical/')[1].slice(0, 12) });
    const token = url.split('/ical/')[1].replace('.ics', '');
    const stored = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM calendar_feeds');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(token);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify((await owner.get('/api/v1/me/calendar-feed')).json())).not.toContain(token);

    const res = await fetchFeed(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect((await owner.get('/api/v1/me/calendar-feed')).json().lastUsedAt).not.toBeNull();
  });

  it("lists the user's tasks as VTODO and meetings as VEVENT in UTC with stable UIDs, readable by ical.js", async () => {
    const other = await addMember(owner, 'member', 'colleague@acme.example');
    const due = inHours(26);
    const task = (
      await owner.post('/api/v1/tasks', {
        title: 'Send proposal; revised, v2',
        notes: 'Line one\nLine two: with a colon, and a \\ backslash',
        dueAt: due,
        priority: 'high',
        record: { recordType: 'contact', recordId: contactId },
      })
    ).json();
    const done = (await owner.post('/api/v1/tasks', { title: 'Already done', priority: 'low' })).json();
    await owner.post(`/api/v1/tasks/${done.id}/complete`);
    const theirs = (await owner.post('/api/v1/tasks', { title: 'Not mine', assigneeId: other.userId })).json();
    const start = inHours(48);
    const end = inHours(49);
    const meeting = (
      await owner.post('/api/v1/activities', {
        kind: 'meeting',
        subject: 'Kick-off with Acme — Zürich office',
        links: [{ recordType: 'contact', recordId: contactId }],
        meeting: {
          startAt: start,
          endAt: end,
          location: 'Room 4, Floor 2',
          attendees: [{ email: 'sarah@acme.example', name: 'Sarah, CEO' }],
        },
      })
    ).json();
    // A colleague's meeting the user attends is in the feed; one they do not attend is not.
    const invited = (
      await other.client.post('/api/v1/activities', {
        kind: 'meeting',
        subject: 'Invited',
        links: [{ recordType: 'contact', recordId: contactId }],
        meeting: { startAt: start, endAt: end, attendees: [{ email: ownerEmail.toUpperCase() }] },
      })
    ).json();
    const notInvited = (
      await other.client.post('/api/v1/activities', {
        kind: 'meeting',
        subject: 'Not invited',
        links: [{ recordType: 'contact', recordId: contactId }],
        meeting: { startAt: start, endAt: end },
      })
    ).json();
    const note = (
      await owner.post('/api/v1/activities', { kind: 'note', body: 'a note', links: [{ recordType: 'contact', recordId: contactId }] })
    ).json();

    const { url } = (await owner.post('/api/v1/me/calendar-feed')).json();
    const ics = (await fetchFeed(url)).body;
    for (const line of ics.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics).not.toMatch(/TZID/);

    const todos = components(ics, 'vtodo');
    expect([...todos.keys()].sort()).toEqual([`task-${done.id}@rapport`, `task-${task.id}@rapport`].sort());
    expect(todos.has(`task-${theirs.id}@rapport`)).toBe(false);
    const todo = todos.get(`task-${task.id}@rapport`) as ICAL.Component;
    expect(todo.getFirstPropertyValue('summary')).toBe('Send proposal; revised, v2');
    expect(todo.getFirstPropertyValue('description')).toBe('Line one\nLine two: with a colon, and a \\ backslash');
    const dueTime = todo.getFirstPropertyValue('due') as ICAL.Time;
    expect(dueTime.zone?.tzid).toBe('UTC');
    expect(dueTime.toJSDate().toISOString()).toBe(due);
    expect(todo.getFirstPropertyValue('priority')).toBe(1);
    expect(todo.getFirstPropertyValue('status')).toBe('NEEDS-ACTION');
    expect(todo.getFirstPropertyValue('url')).toBe(`http://rapport.test/contacts/${contactId}`);
    expect(todo.getAllProperties('dtstamp')).toHaveLength(1);
    const completed = todos.get(`task-${done.id}@rapport`) as ICAL.Component;
    expect(completed.getFirstPropertyValue('status')).toBe('COMPLETED');
    expect(completed.getFirstPropertyValue('completed')).not.toBeNull();
    expect(completed.getFirstPropertyValue('priority')).toBe(9);

    const events = components(ics, 'vevent');
    expect([...events.keys()].sort()).toEqual([`meeting-${invited.id}@rapport`, `meeting-${meeting.id}@rapport`].sort());
    expect(events.has(`meeting-${notInvited.id}@rapport`)).toBe(false);
    expect(events.has(`meeting-${note.id}@rapport`)).toBe(false);
    const ev = new ICAL.Event(events.get(`meeting-${meeting.id}@rapport`) as ICAL.Component);
    expect(ev.summary).toBe('Kick-off with Acme — Zürich office');
    expect(ev.location).toBe('Room 4, Floor 2');
    expect(ev.startDate.toJSDate().toISOString()).toBe(start);
    expect(ev.endDate.toJSDate().toISOString()).toBe(end);
    expect(ev.startDate.zone?.tzid).toBe('UTC');
    expect(ev.attendees.map((a) => [a.getFirstValue(), a.getParameter('cn')])).toEqual([['mailto:sarah@acme.example', 'Sarah, CEO']]);
    const raw = events.get(`meeting-${meeting.id}@rapport`) as ICAL.Component;
    expect(raw.getAllProperties('uid')).toHaveLength(1);
    expect(raw.getAllProperties('dtstamp')).toHaveLength(1);
    expect(raw.getAllProperties('duration')).toHaveLength(0);

    // The same data gives the same UIDs and stamps on the next read (calendar apps de-duplicate on them).
    const again = (await fetchFeed(url)).body;
    expect(again).toBe(ics);
  });

  it('rotating stops the old URL; revoking answers 404 and a second revoke is a 404 problem', async () => {
    const first = (await owner.post('/api/v1/me/calendar-feed')).json().url;
    const second = (await owner.post('/api/v1/me/calendar-feed')).json();
    expect(second.rotated).toBe(true);
    expect((await fetchFeed(first)).statusCode).toBe(404);
    expect((await fetchFeed(second.url)).statusCode).toBe(200);
    expect((await owner.delete('/api/v1/me/calendar-feed')).statusCode).toBe(204);
    const gone = await fetchFeed(second.url);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect((await owner.get('/api/v1/me/calendar-feed')).json().active).toBe(false);
    const twice = await owner.delete('/api/v1/me/calendar-feed');
    expect(twice.statusCode).toBe(404);
    expect(twice.json().code).toBe('not_found');
    expect((await fetchFeed('/api/v1/ical/not-a-token.ics')).statusCode).toBe(404);
    const audit = await t.db.query<{ action: string }>("SELECT action FROM record_changes WHERE record_type = 'calendar_feed' ORDER BY id");
    expect(audit.rows.map((r) => r.action).filter((a) => a === 'delete').length).toBeGreaterThanOrEqual(3);
  });

  it('a member who leaves the workspace loses their feed; a read-only key may not mint one', async () => {
    const { client, memberId } = await addMember(owner, 'member');
    const { url } = (await client.post('/api/v1/me/calendar-feed')).json();
    expect((await fetchFeed(url)).statusCode).toBe(200);
    expect((await owner.delete(`/api/v1/members/${memberId}`)).statusCode).toBe(204);
    expect((await fetchFeed(url)).statusCode).toBe(404);
    const { client: readKey } = await apiKeyClient(owner, 'read');
    expect((await readKey.post('/api/v1/me/calendar-feed')).statusCode).toBe(403);
    expect((await readKey.get('/api/v1/me/calendar-feed')).statusCode).toBe(200);
  });
});
