import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureQueues } from '../src/jobs/queues.ts';
import { newId } from '../src/lib/ids.ts';
import { runBulkJob } from '../src/modules/bulk-jobs/bulk-jobs.service.ts';
import { runImportJob } from '../src/modules/imports/imports.job.ts';
import { addMember, apiKeyClient, type Client, createTestApp, invitationToken, signUp, type TestApp, uniqueEmail } from './helpers.ts';
import { uploadCsv } from './imports-kit.ts';

/**
 * Two workspaces, each with the same kinds of data; every endpoint is tried with the other
 * workspace's ids. Nothing may be read, listed, updated or deleted across them, and a foreign
 * id answers 404 exactly like an id that does not exist.
 */

type Tenant = {
  owner: Client;
  key: Client;
  workspaceId: string;
  memberId: string;
  invitationId: string;
  apiKeyId: string;
  sessionId: string;
  contactId: string;
  customFieldId: string;
};

let t: TestApp;
let a: Tenant;
let b: Tenant;

async function tenant(name: string): Promise<Tenant> {
  const { client, workspaceId } = await signUp(t.app, { workspaceName: name });
  const { memberId } = await addMember(client, 'member');
  const inv = await client.post('/api/v1/invitations', { email: uniqueEmail('pending'), role: 'member' });
  const { client: key, id: apiKeyId } = await apiKeyClient(client);
  await client.patch('/api/v1/workspace', { name: `${name} renamed` });
  const sessions = await client.get('/api/v1/sessions');
  const field = await client.post('/api/v1/custom-fields', { objectType: 'contact', label: 'Tier', type: 'text' });
  const contact = await client.post('/api/v1/contacts', {
    firstName: `${name} person`,
    email: `someone@${name.toLowerCase()}.example`,
    custom: { tier: name },
  });
  return {
    owner: client,
    key,
    workspaceId,
    memberId,
    invitationId: inv.json().invitation.id,
    apiKeyId,
    sessionId: sessions.json().data[0].id,
    contactId: contact.json().id,
    customFieldId: field.json().id,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await tenant('Alpha');
  b = await tenant('Beta');
});
afterAll(() => t.close());

/** Every route of the API, as "METHOD path", and how this file covers it. */
const covered: Record<string, string> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/auth/signup': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'own session only',
  'POST /api/v1/auth/password-reset': 'public',
  'POST /api/v1/auth/password-reset/confirm': 'public',
  'GET /api/v1/auth/invitations/{token}': 'public, by secret token',
  'POST /api/v1/auth/invitations/accept': 'public, by secret token',
  'GET /api/v1/me': 'scoped',
  'PATCH /api/v1/me': 'own account only',
  'GET /api/v1/sessions': 'scoped',
  'DELETE /api/v1/sessions/{id}': 'scoped',
  'DELETE /api/v1/sessions': 'own sessions only',
  'GET /api/v1/workspace': 'scoped',
  'PATCH /api/v1/workspace': 'scoped',
  'GET /api/v1/members': 'scoped',
  'GET /api/v1/members/{id}': 'scoped',
  'PATCH /api/v1/members/{id}': 'scoped',
  'DELETE /api/v1/members/{id}': 'scoped',
  'GET /api/v1/invitations': 'scoped',
  'POST /api/v1/invitations': 'scoped',
  'DELETE /api/v1/invitations/{id}': 'scoped',
  'GET /api/v1/api-keys': 'scoped',
  'POST /api/v1/api-keys': 'scoped',
  'DELETE /api/v1/api-keys/{id}': 'scoped',
  'GET /api/v1/record-changes': 'scoped',
  'GET /api/v1/custom-fields': 'scoped',
  'POST /api/v1/custom-fields': 'scoped',
  'PATCH /api/v1/custom-fields/{id}': 'scoped',
  'GET /api/v1/contacts': 'scoped',
  'POST /api/v1/contacts': 'scoped',
  'POST /api/v1/contacts/search': 'scoped',
  'GET /api/v1/contacts/{id}': 'scoped',
  'PATCH /api/v1/contacts/{id}': 'scoped',
  'DELETE /api/v1/contacts/{id}': 'scoped',
  'POST /api/v1/contacts/{id}/restore': 'scoped',
  'GET /api/v1/companies': 'scoped',
  'POST /api/v1/companies': 'scoped',
  'POST /api/v1/companies/search': 'scoped',
  'GET /api/v1/companies/{id}': 'scoped',
  'PATCH /api/v1/companies/{id}': 'scoped',
  'DELETE /api/v1/companies/{id}': 'scoped',
  'POST /api/v1/companies/{id}/restore': 'scoped',
  'GET /api/v1/companies/{id}/contacts': 'scoped',
  'GET /api/v1/companies/{id}/deals': 'scoped',
  'POST /api/v1/contacts/batch/create': 'scoped',
  'POST /api/v1/contacts/batch/update': 'scoped',
  'POST /api/v1/contacts/batch/upsert': 'scoped',
  'POST /api/v1/bulk-jobs': 'scoped',
  'GET /api/v1/bulk-jobs': 'scoped',
  'GET /api/v1/bulk-jobs/{id}': 'scoped',
  'GET /api/v1/trash': 'scoped',
  'GET /api/v1/activities': 'scoped',
  'POST /api/v1/activities': 'scoped',
  'POST /api/v1/activities/search': 'scoped',
  'POST /api/v1/activities/preview': 'reads and writes no data (renders the body sent)',
  'GET /api/v1/activities/{id}': 'scoped',
  'PATCH /api/v1/activities/{id}': 'scoped',
  'DELETE /api/v1/activities/{id}': 'scoped',
  'POST /api/v1/activities/{id}/restore': 'scoped',
  'GET /api/v1/contacts/{id}/timeline': 'scoped',
  'GET /api/v1/companies/{id}/timeline': 'scoped',
  'GET /api/v1/deals/{id}/timeline': 'scoped',
  'GET /api/v1/tasks': 'scoped',
  'POST /api/v1/tasks': 'scoped',
  'POST /api/v1/tasks/search': 'scoped',
  'GET /api/v1/tasks/mine': 'scoped',
  'GET /api/v1/tasks/{id}': 'scoped',
  'PATCH /api/v1/tasks/{id}': 'scoped',
  'DELETE /api/v1/tasks/{id}': 'scoped',
  'POST /api/v1/tasks/{id}/complete': 'scoped',
  'POST /api/v1/tasks/{id}/restore': 'scoped',
  'GET /api/v1/notifications': 'own notifications only',
  'POST /api/v1/notifications/{id}/read': 'own notifications only',
  'POST /api/v1/notifications/read-all': 'own notifications only',
  'POST /api/v1/demo-data': 'scoped',
  'GET /api/v1/pipelines': 'scoped',
  'POST /api/v1/pipelines': 'scoped',
  'GET /api/v1/pipelines/{id}': 'scoped',
  'PATCH /api/v1/pipelines/{id}': 'scoped',
  'DELETE /api/v1/pipelines/{id}': 'scoped',
  'POST /api/v1/pipelines/{id}/stages': 'scoped',
  'PATCH /api/v1/pipelines/{id}/stages/{stageId}': 'scoped',
  'POST /api/v1/pipelines/{id}/stages/reorder': 'scoped',
  'DELETE /api/v1/pipelines/{id}/stages/{stageId}': 'scoped',
  'GET /api/v1/deals': 'scoped',
  'POST /api/v1/deals': 'scoped',
  'POST /api/v1/deals/search': 'scoped',
  'GET /api/v1/deals/{id}': 'scoped',
  'PATCH /api/v1/deals/{id}': 'scoped',
  'DELETE /api/v1/deals/{id}': 'scoped',
  'POST /api/v1/deals/{id}/restore': 'scoped',
  'PUT /api/v1/deals/{id}/contacts': 'scoped',
  'GET /api/v1/deals/{id}/stage-history': 'scoped',
  'POST /api/v1/deals/batch/create': 'scoped',
  'POST /api/v1/deals/batch/update': 'scoped',
  'POST /api/v1/deals/batch/upsert': 'scoped',
  'GET /api/v1/contacts/duplicates': 'scoped',
  'GET /api/v1/companies/duplicates': 'scoped',
  'POST /api/v1/contacts/merge': 'scoped',
  'POST /api/v1/companies/merge': 'scoped',
  'GET /api/v1/search': 'scoped',
  'POST /api/v1/companies/batch/create': 'scoped',
  'POST /api/v1/companies/batch/update': 'scoped',
  'POST /api/v1/companies/batch/upsert': 'scoped',
  'GET /api/v1/views': 'scoped',
  'POST /api/v1/views': 'scoped',
  'GET /api/v1/views/{id}': 'scoped',
  'PATCH /api/v1/views/{id}': 'scoped',
  'DELETE /api/v1/views/{id}': 'scoped',
  'GET /api/v1/webhooks/event-types': 'reads no data (the fixed list of event types)',
  'GET /api/v1/webhooks/settings': 'scoped',
  'PATCH /api/v1/webhooks/settings': 'scoped',
  'GET /api/v1/webhooks': 'scoped',
  'POST /api/v1/webhooks': 'scoped',
  'GET /api/v1/webhooks/{id}': 'scoped',
  'PATCH /api/v1/webhooks/{id}': 'scoped',
  'DELETE /api/v1/webhooks/{id}': 'scoped',
  'POST /api/v1/webhooks/{id}/rotate-secret': 'scoped',
  'GET /api/v1/webhooks/{id}/deliveries': 'scoped',
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': 'scoped',
  'GET /api/v1/contacts/{id}/vcard': 'scoped',
  'POST /api/v1/contacts/vcard': 'scoped',
  'POST /api/v1/contacts/vcard/import': 'scoped',
  'GET /api/v1/me/calendar-feed': 'own feed only',
  'POST /api/v1/me/calendar-feed': 'own feed only',
  'DELETE /api/v1/me/calendar-feed': 'own feed only',
  'GET /api/v1/ical/{token}.ics': 'public, by secret token',
  'POST /api/v1/contacts/export': 'scoped',
  'POST /api/v1/companies/export': 'scoped',
  'POST /api/v1/deals/export': 'scoped',
  'POST /api/v1/activities/export': 'scoped',
  'POST /api/v1/tasks/export': 'scoped',
  'GET /api/v1/workspace/export': 'scoped',
  'POST /api/v1/workspace/import': 'scoped',
  'GET /api/v1/forms': 'scoped',
  'GET /api/v1/forms/properties': 'scoped',
  'POST /api/v1/forms': 'scoped',
  'GET /api/v1/forms/{id}': 'scoped',
  'PATCH /api/v1/forms/{id}': 'scoped',
  'DELETE /api/v1/forms/{id}': 'scoped',
  'GET /api/v1/forms/{id}/submissions': 'scoped',
  'GET /api/v1/public/forms/{publicId}': 'public, by unguessable public id (reads the form only)',
  'GET /api/v1/public/forms/{publicId}/embed.js': 'public, by unguessable public id (reads the form only)',
  'POST /api/v1/public/forms/{publicId}/submissions': "public, by unguessable public id (writes into the form's own workspace)",
  'POST /api/v1/public/forms/{publicId}/confirmations': "public, by secret token (confirms consent in the link's own workspace)",
  'POST /api/v1/imports': 'scoped',
  'GET /api/v1/imports': 'scoped',
  'GET /api/v1/imports/{id}': 'scoped',
  'PATCH /api/v1/imports/{id}': 'scoped',
  'POST /api/v1/imports/{id}/dry-run': 'scoped',
  'POST /api/v1/imports/{id}/fields': 'scoped',
  'POST /api/v1/imports/{id}/start': 'scoped',
  'POST /api/v1/imports/{id}/cancel': 'scoped',
  'POST /api/v1/imports/{id}/revert': 'scoped',
  'GET /api/v1/imports/{id}/errors.csv': 'scoped',
  'POST /api/v1/imports/{id}/template': 'scoped',
  'GET /api/v1/import-templates': 'scoped',
  'POST /api/v1/import-templates': 'scoped',
  'DELETE /api/v1/import-templates/{id}': 'scoped',
};

describe('tenant isolation', () => {
  it('covers every route in the OpenAPI document (extend this file with each new endpoint)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => !(r in covered))).toEqual([]);
  });

  it('a user cannot pick a workspace they are not a member of', async () => {
    for (const client of [a.owner, a.key]) {
      const res = await client.get('/api/v1/members', { 'x-workspace-id': b.workspaceId });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
  });

  it("demo data goes only into the caller's own workspace", async () => {
    for (const client of [a.owner, a.key]) {
      const res = await client.post('/api/v1/demo-data', {}, { 'x-workspace-id': b.workspaceId });
      expect(res.statusCode).toBe(404);
    }
    const empty = await signUp(t.app);
    expect((await empty.client.post('/api/v1/demo-data')).statusCode).toBe(201);
    expect((await empty.client.get('/api/v1/contacts')).json().total).toBe(250);
    for (const me of [a, b]) {
      expect((await me.owner.get('/api/v1/contacts')).json().data.map((c: { id: string }) => c.id)).toEqual([me.contactId]);
      expect((await me.owner.get('/api/v1/companies')).json().total).toBe(0);
    }
  }, 60_000);

  it('lists only show the own workspace', async () => {
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const client of [me.owner, me.key]) {
        const members = (await client.get('/api/v1/members')).json().data.map((m: { id: string }) => m.id);
        expect(members).toContain(me.memberId);
        expect(members).not.toContain(other.memberId);
        const invitations = (await client.get('/api/v1/invitations')).json().data.map((i: { id: string }) => i.id);
        expect(invitations).toEqual([me.invitationId]);
        const keys = (await client.get('/api/v1/api-keys')).json().data.map((k: { id: string }) => k.id);
        expect(keys).toEqual([me.apiKeyId]);
        const changes = (await client.get('/api/v1/record-changes?limit=500')).json().data;
        expect(changes.length).toBeGreaterThan(0);
        const recordIds = new Set(changes.map((c: { recordId: string }) => c.recordId));
        for (const id of [other.workspaceId, other.memberId, other.invitationId, other.apiKeyId]) expect(recordIds.has(id)).toBe(false);
        const ws = (await client.get('/api/v1/workspace')).json();
        expect(ws.id).toBe(me.workspaceId);
        expect((await client.get('/api/v1/me')).json().workspaces.map((w: { id: string }) => w.id)).not.toContain(other.workspaceId);
        const contacts = (await client.get('/api/v1/contacts')).json().data.map((c: { id: string }) => c.id);
        expect(contacts).toEqual([me.contactId]);
        const searched = await client.post('/api/v1/contacts/search', {
          filterGroups: [{ filters: [{ field: 'id', operator: 'eq', value: other.contactId }] }],
        });
        expect(searched.json().total).toBe(0);
        const byEmail = await client.get(`/api/v1/contacts?q=${encodeURIComponent(`someone@${other === a ? 'alpha' : 'beta'}.example`)}`);
        expect(byEmail.json().data).toEqual([]);
        const fields = (await client.get('/api/v1/custom-fields')).json().data.map((f: { id: string }) => f.id);
        expect(fields).toEqual([me.customFieldId]);
      }
    }
  });

  it("reading, updating or deleting the other workspace's records answers 404 and changes nothing", async () => {
    for (const client of [a.owner, a.key]) {
      const attempts = [
        client.get(`/api/v1/members/${b.memberId}`),
        client.patch(`/api/v1/members/${b.memberId}`, { role: 'admin' }),
        client.delete(`/api/v1/members/${b.memberId}`),
        client.delete(`/api/v1/invitations/${b.invitationId}`),
        client.delete(`/api/v1/api-keys/${b.apiKeyId}`),
        client.get(`/api/v1/record-changes?recordId=${b.memberId}`),
        client.get(`/api/v1/contacts/${b.contactId}`),
        client.patch(`/api/v1/contacts/${b.contactId}`, { firstName: 'Hijacked' }),
        client.delete(`/api/v1/contacts/${b.contactId}`),
        client.post(`/api/v1/contacts/${b.contactId}/restore`),
        client.patch(`/api/v1/custom-fields/${b.customFieldId}`, { label: 'Hijacked' }),
      ];
      const results = await Promise.all(attempts);
      expect(results.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404]);
      expect(results[5]?.json().data).toEqual([]);
      // Giving a contact to one of B's users is refused: they are not members here.
      const linked = await client.post('/api/v1/contacts', { firstName: 'X', ownerId: (await b.owner.get('/api/v1/me')).json().user.id });
      expect(linked.statusCode).toBe(400);
    }
    const sessionAttempt = await a.owner.delete(`/api/v1/sessions/${b.sessionId}`);
    expect(sessionAttempt.statusCode).toBe(404);
    // B's data is intact.
    expect((await b.owner.get(`/api/v1/members/${b.memberId}`)).json().role).toBe('member');
    expect((await b.owner.get('/api/v1/invitations')).json().data).toHaveLength(1);
    expect((await b.key.get('/api/v1/me')).statusCode).toBe(200);
    expect((await b.owner.get('/api/v1/sessions')).json().data.map((s: { id: string }) => s.id)).toContain(b.sessionId);
    const bContact = (await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json();
    expect(bContact.firstName).toBe('Beta person');
    expect((await b.owner.get('/api/v1/custom-fields')).json().data[0].label).toBe('Tier');
  });

  it("batch writes never reach the other workspace's contacts", async () => {
    const update = await a.owner.post('/api/v1/contacts/batch/update', {
      inputs: [{ id: b.contactId, properties: { firstName: 'Hijacked' } }],
    });
    expect(update.json().results[0]).toMatchObject({ status: 'error', code: 'not_found' });
    const upsert = await a.owner.post('/api/v1/contacts/batch/upsert', {
      idProperty: 'email',
      inputs: [{ email: 'someone@beta.example', firstName: 'Mine now' }],
    });
    expect(upsert.json().results[0].status).toBe('created');
    expect(upsert.json().results[0].id).not.toBe(b.contactId);
    expect((await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json().firstName).toBe('Beta person');
    await a.owner.delete(`/api/v1/contacts/${upsert.json().results[0].id}`);
  });

  it("a bulk job only ever selects its own workspace's records", async () => {
    await t.deps.queue.start();
    await ensureQueues(t.deps.queue);
    const filterGroups = [{ filters: [{ field: 'firstName', operator: 'contains', value: 'person' }] }];
    const res = await a.owner.post('/api/v1/bulk-jobs', {
      objectType: 'contact',
      operation: 'update',
      filterGroups,
      patch: { jobTitle: 'Bulk' },
    });
    expect(res.statusCode).toBe(202);
    await runBulkJob(t.db, { workspaceId: a.workspaceId, jobId: res.json().id });
    expect((await a.owner.get(`/api/v1/bulk-jobs/${res.json().id}`)).json()).toMatchObject({ status: 'completed', processed: 1 });
    expect((await b.owner.get(`/api/v1/bulk-jobs/${res.json().id}`)).statusCode).toBe(404);
    expect((await b.owner.get('/api/v1/bulk-jobs')).json().data).toEqual([]);
    expect((await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json().jobTitle).toBeNull();
    expect((await a.owner.get(`/api/v1/contacts/${a.contactId}`)).json().jobTitle).toBe('Bulk');
  });

  it("imports and their templates stay in their workspace, and an import only matches its own workspace's records", async () => {
    await t.deps.queue.start();
    await ensureQueues(t.deps.queue);
    const theirs = (await uploadCsv(b.owner, 'contacts', 'Email,First Name\nnew@beta.example,New\n')).json();
    const template = (await b.owner.post(`/api/v1/imports/${theirs.id}/template`, { name: 'Beta mapping' })).json();
    for (const client of [a.owner, a.key]) {
      const attempts = await Promise.all([
        client.get(`/api/v1/imports/${theirs.id}`),
        client.patch(`/api/v1/imports/${theirs.id}`, { dateFormat: 'DD/MM/YYYY' }),
        client.post(`/api/v1/imports/${theirs.id}/dry-run`),
        client.post(`/api/v1/imports/${theirs.id}/fields`, { column: 1 }),
        client.post(`/api/v1/imports/${theirs.id}/start`),
        client.post(`/api/v1/imports/${theirs.id}/cancel`),
        client.post(`/api/v1/imports/${theirs.id}/revert`),
        client.get(`/api/v1/imports/${theirs.id}/errors.csv`),
        client.post(`/api/v1/imports/${theirs.id}/template`, { name: 'Stolen' }),
        client.delete(`/api/v1/import-templates/${template.id}`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
      expect((await client.get('/api/v1/imports')).json().data.map((i: { id: string }) => i.id)).not.toContain(theirs.id);
      expect((await client.get('/api/v1/import-templates')).json().data).toEqual([]);
      const withTheirTemplate = await uploadCsv(client, 'contacts', 'Email\nx@y.example\n', { templateId: template.id });
      expect(withTheirTemplate.statusCode).toBe(422);
    }
    // A's import of B's contact's email creates a contact in A and leaves B's alone.
    const mine = (await uploadCsv(a.owner, 'contacts', 'Email,First Name\nsomeone@beta.example,Imported\n')).json();
    await a.owner.post(`/api/v1/imports/${mine.id}/start`);
    await runImportJob(t.db, { workspaceId: a.workspaceId, importId: mine.id });
    expect((await a.owner.get(`/api/v1/imports/${mine.id}`)).json().progress).toMatchObject({ created: 1, updated: 0 });
    expect((await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json().firstName).toBe('Beta person');
    expect((await b.owner.get(`/api/v1/imports/${theirs.id}`)).json()).toMatchObject({ status: 'draft', dateFormat: 'auto' });
    expect((await b.owner.get('/api/v1/import-templates')).json().data.map((x: { id: string }) => x.id)).toEqual([template.id]);
    await a.owner.post(`/api/v1/imports/${mine.id}/revert`);
    await runImportJob(t.db, { workspaceId: a.workspaceId, importId: mine.id });
  });

  it("the trash shows only the own workspace's deleted records", async () => {
    const doomed = (await b.owner.post('/api/v1/contacts', { firstName: 'Binned' })).json();
    await b.owner.delete(`/api/v1/contacts/${doomed.id}`);
    expect((await b.owner.get('/api/v1/trash')).json().data.map((i: { id: string }) => i.id)).toContain(doomed.id);
    expect((await a.owner.get('/api/v1/trash')).json().data.map((i: { id: string }) => i.id)).not.toContain(doomed.id);
    expect((await a.owner.post(`/api/v1/contacts/${doomed.id}/restore`)).statusCode).toBe(404);
  });

  it("companies: the other workspace's companies are never listed, found, linked, read or changed", async () => {
    // The same domain in both workspaces: unique per workspace, not across them.
    const mine = (await a.owner.post('/api/v1/companies', { name: 'Alpha Co', domain: 'shared.example' })).json();
    const theirs = (await b.owner.post('/api/v1/companies', { name: 'Beta Co', domain: 'https://www.shared.example/' })).json();
    expect(theirs.domain).toBe('shared.example');
    await b.owner.patch(`/api/v1/contacts/${b.contactId}`, { companies: [{ companyId: theirs.id, title: 'Boss' }] });
    const binned = (await b.owner.post('/api/v1/companies', { name: 'Beta Binned' })).json();
    await b.owner.delete(`/api/v1/companies/${binned.id}`);
    for (const client of [a.owner, a.key]) {
      const listed = (await client.get('/api/v1/companies?limit=500')).json();
      expect(listed.data.map((c: { id: string }) => c.id)).toEqual([mine.id]);
      expect(listed.total).toBe(1);
      expect((await client.get('/api/v1/companies?q=beta')).json().data).toEqual([]);
      const byContact = await client.post('/api/v1/companies/search', {
        filterGroups: [
          { filters: [{ association: 'contacts', filters: [{ field: 'email', operator: 'eq', value: 'someone@beta.example' }] }] },
        ],
      });
      expect(byContact.json().total).toBe(0);
      const byId = await client.post('/api/v1/companies/search', {
        filterGroups: [{ filters: [{ field: 'id', operator: 'eq', value: theirs.id }] }],
      });
      expect(byId.json().data).toEqual([]);
      const attempts = await Promise.all([
        client.get(`/api/v1/companies/${theirs.id}`),
        client.patch(`/api/v1/companies/${theirs.id}`, { name: 'Hijacked' }),
        client.delete(`/api/v1/companies/${theirs.id}`),
        client.post(`/api/v1/companies/${binned.id}/restore`),
        client.get(`/api/v1/companies/${theirs.id}/contacts`),
        client.get(`/api/v1/companies/${theirs.id}/deals`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404]);
      const adopted = await client.post('/api/v1/companies', { name: 'Adopter', parentCompanyId: theirs.id });
      expect(adopted.statusCode).toBe(400);
      expect(adopted.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.parentCompanyId']);
      const reparent = await client.patch(`/api/v1/companies/${mine.id}`, { parentCompanyId: theirs.id });
      expect(reparent.statusCode).toBe(400);
    }
    const intact = await b.owner.get(`/api/v1/companies/${theirs.id}`);
    expect(intact.json().name).toBe('Beta Co');
    expect(intact.headers.etag).toBe('"1"');
    const people = (await b.owner.get(`/api/v1/companies/${theirs.id}/contacts`)).json();
    expect(people.data.map((p: { id: string; title: string }) => [p.id, p.title])).toEqual([[b.contactId, 'Boss']]);
    expect((await b.owner.post(`/api/v1/companies/${binned.id}/restore`)).statusCode).toBe(200);
  });

  it('duplicates are found and merged only within a workspace', async () => {
    // The same person in both workspaces is not a duplicate pair anywhere.
    const mine = (await a.owner.post('/api/v1/contacts', { firstName: 'Twin', email: 'twin@shared.example' })).json();
    const theirs = (await b.owner.post('/api/v1/contacts', { firstName: 'Twin', email: 'twin@shared.example' })).json();
    const myCo = (await a.owner.post('/api/v1/companies', { name: 'Twin Co' })).json();
    const theirCo = (await b.owner.post('/api/v1/companies', { name: 'Twin Co' })).json();
    for (const [client, path] of [
      [a.owner, 'contacts'],
      [a.key, 'companies'],
      [b.owner, 'contacts'],
      [b.key, 'companies'],
    ] as const) {
      const pairs = (await client.get(`/api/v1/${path}/duplicates?limit=500`)).json().data;
      const ids = pairs.flatMap((p: { a: { id: string }; b: { id: string } }) => [p.a.id, p.b.id]);
      for (const id of [mine.id, theirs.id, myCo.id, theirCo.id]) expect(ids).not.toContain(id);
    }
    for (const client of [a.owner, a.key]) {
      const contact = await client.post('/api/v1/contacts/merge', { survivorId: mine.id, mergedId: theirs.id });
      expect(contact.statusCode).toBe(404);
      const company = await client.post('/api/v1/companies/merge', { survivorId: myCo.id, mergedId: theirCo.id });
      expect(company.statusCode).toBe(404);
      expect((await client.post('/api/v1/companies/merge', { survivorId: theirCo.id, mergedId: myCo.id })).statusCode).toBe(404);
    }
    expect((await b.owner.get(`/api/v1/contacts/${theirs.id}`)).statusCode).toBe(200);
    expect((await b.owner.get(`/api/v1/companies/${theirCo.id}`)).headers.etag).toBe('"1"');
    expect((await a.owner.get(`/api/v1/contacts/${mine.id}`)).headers.etag).toBe('"1"');
  });

  it("the global search finds only the own workspace's records", async () => {
    for (const [me, other] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const client of [me.owner, me.key]) {
        const otherName = other === a ? 'alpha' : 'beta';
        const byName = (await client.get(`/api/v1/search?q=${otherName}`)).json().data.map((h: { id: string }) => h.id);
        expect(byName).not.toContain(other.contactId);
        const byEmail = (await client.get(`/api/v1/search?q=someone@${otherName}.example`)).json().data;
        expect(byEmail).toEqual([]);
        const own = (await client.get(`/api/v1/search?q=someone@${otherName === 'alpha' ? 'beta' : 'alpha'}.example`)).json().data;
        expect(own.map((h: { id: string }) => h.id)).toEqual([me.contactId]);
      }
    }
  });

  it("company batches never reach the other workspace's companies", async () => {
    const theirs = (
      await b.owner.post('/api/v1/companies', { name: 'Beta Batch', domain: 'beta-batch.example', externalId: 'bb-1' })
    ).json();
    const update = await a.owner.post('/api/v1/companies/batch/update', { inputs: [{ id: theirs.id, properties: { name: 'Hijacked' } }] });
    expect(update.json().results[0]).toMatchObject({ status: 'error', code: 'not_found' });
    for (const [idProperty, input] of [
      ['domain', { name: 'Alpha by domain', domain: 'beta-batch.example' }],
      ['externalId', { name: 'Alpha by id', externalId: 'bb-1' }],
    ] as const) {
      const upsert = await a.owner.post('/api/v1/companies/batch/upsert', { idProperty, inputs: [input] });
      expect(upsert.json().results[0].status).toBe('created');
      expect(upsert.json().results[0].id).not.toBe(theirs.id);
    }
    const intact = await b.owner.get(`/api/v1/companies/${theirs.id}`);
    expect(intact.json().name).toBe('Beta Batch');
    expect(intact.headers.etag).toBe('"1"');
  });

  it('saved views, even shared ones, stay in their workspace', async () => {
    const theirs = (
      await b.owner.post('/api/v1/views', { objectType: 'contact', name: 'Beta shared', visibility: 'workspace', columns: ['name'] })
    ).json();
    for (const client of [a.owner, a.key]) {
      expect((await client.get('/api/v1/views?limit=500')).json().data.map((v: { id: string }) => v.id)).not.toContain(theirs.id);
      const attempts = await Promise.all([
        client.get(`/api/v1/views/${theirs.id}`),
        client.patch(`/api/v1/views/${theirs.id}`, { name: 'Hijacked' }),
        client.delete(`/api/v1/views/${theirs.id}`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual([404, 404, 404]);
    }
    expect((await b.owner.get(`/api/v1/views/${theirs.id}`)).json().name).toBe('Beta shared');
  });

  it("pipelines and deals: the other workspace's are never listed, found, linked, read, moved or changed", async () => {
    const bPipeline = (await b.owner.get('/api/v1/pipelines')).json().data[0];
    const bStage = bPipeline.stages[0].id;
    const bCompany = (await b.owner.post('/api/v1/companies', { name: 'Beta deal co' })).json();
    const theirs = (
      await b.owner.post('/api/v1/deals', {
        name: 'Beta deal',
        amount: 500,
        externalId: 'shared-ext',
        companyId: bCompany.id,
        contacts: [{ contactId: b.contactId }],
      })
    ).json();
    const binned = (await b.owner.post('/api/v1/deals', { name: 'Beta binned deal' })).json();
    await b.owner.delete(`/api/v1/deals/${binned.id}`);
    const aPipeline = (await a.owner.get('/api/v1/pipelines')).json().data[0];
    const mine = (await a.owner.post('/api/v1/deals', { name: 'Alpha deal' })).json();
    for (const client of [a.owner, a.key]) {
      const pipelines = (await client.get('/api/v1/pipelines')).json().data.map((p: { id: string }) => p.id);
      expect(pipelines).toEqual([aPipeline.id]);
      const listed = (await client.get('/api/v1/deals?limit=500')).json();
      expect(listed.data.map((d: { id: string }) => d.id)).toEqual([mine.id]);
      const byId = await client.post('/api/v1/deals/search', {
        filterGroups: [{ filters: [{ field: 'id', operator: 'eq', value: theirs.id }] }],
      });
      expect(byId.json().total).toBe(0);
      const byContact = await client.post('/api/v1/deals/search', {
        filterGroups: [{ filters: [{ association: 'contacts', filters: [{ field: 'id', operator: 'eq', value: b.contactId }] }] }],
      });
      expect(byContact.json().total).toBe(0);
      const attempts = await Promise.all([
        client.get(`/api/v1/pipelines/${bPipeline.id}`),
        client.patch(`/api/v1/pipelines/${bPipeline.id}`, { name: 'Hijacked' }),
        client.delete(`/api/v1/pipelines/${bPipeline.id}`),
        client.post(`/api/v1/pipelines/${bPipeline.id}/stages`, { name: 'Injected', probability: 1 }),
        client.patch(`/api/v1/pipelines/${bPipeline.id}/stages/${bStage}`, { name: 'Hijacked' }),
        client.post(`/api/v1/pipelines/${bPipeline.id}/stages/reorder`, {
          stageIds: bPipeline.stages.map((s: { id: string }) => s.id).reverse(),
        }),
        client.delete(`/api/v1/pipelines/${bPipeline.id}/stages/${bStage}`),
        client.patch(`/api/v1/pipelines/${aPipeline.id}/stages/${bStage}`, { name: 'Hijacked' }),
        client.get(`/api/v1/deals/${theirs.id}`),
        client.patch(`/api/v1/deals/${theirs.id}`, { name: 'Hijacked' }),
        client.delete(`/api/v1/deals/${theirs.id}`),
        client.post(`/api/v1/deals/${binned.id}/restore`),
        client.request('PUT', `/api/v1/deals/${theirs.id}/contacts`, { contacts: [] }),
        client.get(`/api/v1/deals/${theirs.id}/stage-history`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual(Array(14).fill(404));
      // B's pipeline, stage, company and contact cannot be linked to A's deals.
      const linked = await client.post('/api/v1/deals', {
        name: 'Linker',
        pipelineId: bPipeline.id,
        companyId: bCompany.id,
        contacts: [{ contactId: b.contactId }],
      });
      expect(linked.statusCode).toBe(400);
      expect(
        linked
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['body.companyId', 'body.contacts[0].contactId', 'body.pipelineId']);
      expect((await client.patch(`/api/v1/deals/${mine.id}`, { stageId: bStage })).statusCode).toBe(400);
      const moveThere = await client.delete(`/api/v1/pipelines/${aPipeline.id}/stages/${aPipeline.stages[0].id}?moveTo=${bStage}`);
      expect(moveThere.statusCode).toBe(400);
      const update = await client.post('/api/v1/deals/batch/update', { inputs: [{ id: theirs.id, properties: { name: 'Hijacked' } }] });
      expect(update.json().results[0]).toMatchObject({ status: 'error', code: 'not_found' });
    }
    const upsert = await a.owner.post('/api/v1/deals/batch/upsert', {
      idProperty: 'externalId',
      inputs: [{ externalId: 'shared-ext', name: 'Mine now' }],
    });
    expect(upsert.json().results[0].status).toBe('created');
    expect(upsert.json().results[0].id).not.toBe(theirs.id);
    expect((await a.owner.get(`/api/v1/deals/${mine.id}`)).json().stageId).toBe(aPipeline.stages[0].id);
    const intact = await b.owner.get(`/api/v1/deals/${theirs.id}`);
    expect(intact.headers.etag).toBe('"1"');
    expect(intact.json()).toMatchObject({ name: 'Beta deal', stageId: bStage, contacts: [{ contactId: b.contactId, role: null }] });
    expect((await b.owner.get(`/api/v1/deals/${theirs.id}/stage-history`)).json().data).toHaveLength(1);
    const bAfter = (await b.owner.get(`/api/v1/pipelines/${bPipeline.id}`)).json();
    expect(bAfter).toEqual(bPipeline);
    expect((await b.owner.post(`/api/v1/deals/${binned.id}/restore`)).statusCode).toBe(200);
  });

  it("activities, timelines, tasks and notifications: the other workspace's are never listed, linked, read or changed", async () => {
    const bCompany = (await b.owner.post('/api/v1/companies', { name: 'Beta timeline co' })).json();
    const bDeal = (await b.owner.post('/api/v1/deals', { name: 'Beta timeline deal' })).json();
    const bLinks = [{ recordType: 'contact', recordId: b.contactId }];
    const theirs = (
      await b.owner.post('/api/v1/activities', { kind: 'note', subject: 'Beta secret', body: 'Secret', links: bLinks })
    ).json();
    const binnedActivity = (await b.owner.post('/api/v1/activities', { kind: 'note', body: 'Binned', links: bLinks })).json();
    await b.owner.delete(`/api/v1/activities/${binnedActivity.id}`);
    const dueAt = new Date(Date.now() - 3_600_000).toISOString();
    const bUserId = (await b.owner.get('/api/v1/me')).json().user.id;
    const task = (
      await b.owner.post('/api/v1/tasks', { title: 'Beta task', dueAt, record: { recordType: 'contact', recordId: b.contactId } })
    ).json();
    const binnedTask = (await b.owner.post('/api/v1/tasks', { title: 'Beta binned task' })).json();
    await b.owner.delete(`/api/v1/tasks/${binnedTask.id}`);
    const notificationId = '01a20000-0000-7000-8000-0000000000aa';
    await t.db.query("INSERT INTO notifications (workspace_id, id, user_id, kind, title) VALUES ($1, $2, $3, 'test', 'Beta news')", [
      b.workspaceId,
      notificationId,
      bUserId,
    ]);
    const mine = (
      await a.owner.post('/api/v1/activities', { kind: 'note', body: 'Alpha', links: [{ recordType: 'contact', recordId: a.contactId }] })
    ).json();
    for (const client of [a.owner, a.key]) {
      expect((await client.get('/api/v1/activities?limit=500')).json().data.map((x: { id: string }) => x.id)).not.toContain(theirs.id);
      expect((await client.get('/api/v1/activities?q=secret')).json().data).toEqual([]);
      const byContact = await client.post('/api/v1/activities/search', {
        filterGroups: [{ filters: [{ association: 'contacts', filters: [{ field: 'id', operator: 'eq', value: b.contactId }] }] }],
      });
      expect(byContact.json().total).toBe(0);
      expect((await client.get('/api/v1/tasks?limit=500')).json().data.map((x: { id: string }) => x.id)).not.toContain(task.id);
      const tasksById = await client.post('/api/v1/tasks/search', {
        filterGroups: [{ filters: [{ field: 'id', operator: 'eq', value: task.id }] }],
      });
      expect(tasksById.json().total).toBe(0);
      expect((await client.get('/api/v1/tasks/mine?bucket=overdue')).json().data).toEqual([]);
      expect((await client.get('/api/v1/notifications')).json()).toMatchObject({ data: [], unreadCount: 0 });
      const attempts = await Promise.all([
        client.get(`/api/v1/activities/${theirs.id}`),
        client.patch(`/api/v1/activities/${theirs.id}`, { subject: 'Hijacked' }),
        client.delete(`/api/v1/activities/${theirs.id}`),
        client.post(`/api/v1/activities/${binnedActivity.id}/restore`),
        client.get(`/api/v1/contacts/${b.contactId}/timeline`),
        client.get(`/api/v1/companies/${bCompany.id}/timeline`),
        client.get(`/api/v1/deals/${bDeal.id}/timeline`),
        client.get(`/api/v1/tasks/${task.id}`),
        client.patch(`/api/v1/tasks/${task.id}`, { title: 'Hijacked' }),
        client.delete(`/api/v1/tasks/${task.id}`),
        client.post(`/api/v1/tasks/${task.id}/complete`),
        client.post(`/api/v1/tasks/${binnedTask.id}/restore`),
        client.post(`/api/v1/notifications/${notificationId}/read`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual(Array(13).fill(404));
      // B's records cannot be linked from A: not to an activity, a task, or an attendee.
      const linked = await client.post('/api/v1/activities', {
        kind: 'meeting',
        links: [
          { recordType: 'contact', recordId: b.contactId },
          { recordType: 'company', recordId: bCompany.id },
        ],
        meeting: { startAt: dueAt, endAt: new Date().toISOString(), attendees: [{ email: 'x@beta.example', contactId: b.contactId }] },
      });
      expect(linked.statusCode).toBe(400);
      expect(
        linked
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['body.links[0]', 'body.links[1]', 'body.meeting.attendees[0].contactId']);
      const relink = await client.patch(`/api/v1/activities/${mine.id}`, { links: [{ recordType: 'contact', recordId: b.contactId }] });
      expect(relink.statusCode).toBe(400);
      const taskLink = await client.post('/api/v1/tasks', {
        title: 'X',
        assigneeId: bUserId,
        record: { recordType: 'contact', recordId: b.contactId },
      });
      expect(
        taskLink
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
      ).toEqual(['body.assigneeId', 'body.record']);
      expect((await client.post('/api/v1/notifications/read-all')).json()).toEqual({ marked: 0 });
    }
    // A's own timeline shows only its own activity.
    const aTimeline = (await a.owner.get(`/api/v1/contacts/${a.contactId}/timeline?kind=activity`)).json().data;
    expect(aTimeline.map((e: { activity: { id: string } }) => e.activity.id)).toEqual([mine.id]);
    // B's data is intact.
    const intact = await b.owner.get(`/api/v1/activities/${theirs.id}`);
    expect(intact.headers.etag).toBe('"1"');
    expect(intact.json().subject).toBe('Beta secret');
    expect((await b.owner.get(`/api/v1/tasks/${task.id}`)).json()).toMatchObject({ title: 'Beta task', status: 'open' });
    const bTimeline = (await b.owner.get(`/api/v1/contacts/${b.contactId}/timeline?kind=activity,task_created`)).json().data;
    expect(bTimeline.map((e: { kind: string }) => e.kind)).toEqual(['task_created', 'activity']);
    expect((await b.owner.get('/api/v1/notifications')).json()).toMatchObject({ unreadCount: 1, data: [{ id: notificationId }] });
    expect((await b.owner.post(`/api/v1/activities/${binnedActivity.id}/restore`)).statusCode).toBe(200);
    expect((await b.owner.post(`/api/v1/tasks/${binnedTask.id}/restore`)).statusCode).toBe(200);
  });

  it("webhooks: the other workspace's subscriptions, deliveries and settings are never listed, read or changed", async () => {
    const hook = (await b.owner.post('/api/v1/webhooks', { url: 'https://beta.example/hook', eventTypes: ['contact.created'] })).json();
    await b.owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true });
    const delivery = newId();
    await t.db.query(
      `INSERT INTO webhook_deliveries (workspace_id, id, subscription_id, event_id, event_type, record_id, body, status, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'contact.created', $5, '{}', 'failed', now())`,
      [b.workspaceId, delivery, hook.webhook.id, newId(), b.contactId],
    );
    for (const client of [a.owner, a.key]) {
      expect((await client.get('/api/v1/webhooks')).json().data.map((w: { id: string }) => w.id)).not.toContain(hook.webhook.id);
      expect((await client.get('/api/v1/webhooks/settings')).json()).toEqual({ allowPrivateTargets: false });
      for (const res of [
        await client.get(`/api/v1/webhooks/${hook.webhook.id}`),
        await client.patch(`/api/v1/webhooks/${hook.webhook.id}`, { url: 'https://alpha.example/stolen', enabled: false }),
        await client.post(`/api/v1/webhooks/${hook.webhook.id}/rotate-secret`),
        await client.get(`/api/v1/webhooks/${hook.webhook.id}/deliveries`),
        await client.post(`/api/v1/webhooks/${hook.webhook.id}/deliveries/${delivery}/redeliver`),
        await client.delete(`/api/v1/webhooks/${hook.webhook.id}`),
      ]) {
        expect(res.statusCode).toBe(404);
      }
    }
    // A's own webhook cannot reach B's delivery either.
    const mine = (await a.owner.post('/api/v1/webhooks', { url: 'https://alpha.example/hook', eventTypes: ['contact.created'] })).json();
    expect((await a.owner.post(`/api/v1/webhooks/${mine.webhook.id}/deliveries/${delivery}/redeliver`)).statusCode).toBe(404);
    expect((await a.owner.get(`/api/v1/webhooks/${mine.webhook.id}/deliveries`)).json().data).toEqual([]);
    const intact = (await b.owner.get(`/api/v1/webhooks/${hook.webhook.id}`)).json();
    expect(intact).toMatchObject({ url: 'https://beta.example/hook', enabled: true });
    const secret = await t.db.query<{ secret: string }>('SELECT secret FROM webhook_subscriptions WHERE id = $1', [hook.webhook.id]);
    expect(secret.rows[0]?.secret).toBe(hook.secret);
    expect((await b.owner.get(`/api/v1/webhooks/${hook.webhook.id}/deliveries`)).json().data[0]).toMatchObject({
      id: delivery,
      status: 'failed',
    });
    expect((await b.owner.get('/api/v1/webhooks/settings')).json()).toEqual({ allowPrivateTargets: true });
  });

  it('a foreign id and a missing id are indistinguishable', async () => {
    const foreign = await a.owner.get(`/api/v1/members/${b.memberId}`);
    const missing = await a.owner.get('/api/v1/members/01a20000-0000-7000-8000-000000000000');
    expect(foreign.statusCode).toBe(missing.statusCode);
    expect(foreign.json().detail).toBe(missing.json().detail);
  });

  it('a user in both workspaces reaches each with X-Workspace-Id and sees only that one', async () => {
    const email = uniqueEmail('both');
    const inA = await addMember(a.owner, 'member', email);
    const inv = await b.owner.post('/api/v1/invitations', { email, role: 'read_only' });
    const token = invitationToken(inv.json().url);
    const join = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, password: 'another good password' },
    });
    expect(join.statusCode).toBe(200);
    const me = await inA.client.get('/api/v1/me');
    expect(
      me
        .json()
        .workspaces.map((w: { id: string }) => w.id)
        .sort(),
    ).toEqual([a.workspaceId, b.workspaceId].sort());
    const inB = inA.client.in(b.workspaceId);
    expect((await inB.get('/api/v1/me')).json()).toMatchObject({ workspace: { id: b.workspaceId }, role: 'read_only' });
    const bMembers = (await inB.get('/api/v1/members')).json().data.map((m: { id: string }) => m.id);
    expect(bMembers).toContain(b.memberId);
    expect(bMembers).not.toContain(a.memberId);
    expect((await inB.get(`/api/v1/members/${a.memberId}`)).statusCode).toBe(404);
  });

  it("vCards: the other workspace's contacts are never exported, and an import never reaches them", async () => {
    for (const client of [a.owner, a.key]) {
      expect((await client.get(`/api/v1/contacts/${b.contactId}/vcard`)).statusCode).toBe(404);
      const byIds = await client.post('/api/v1/contacts/vcard', { ids: [b.contactId] });
      expect(byIds.statusCode).toBe(404);
      const all = await client.post('/api/v1/contacts/vcard', {});
      expect(all.statusCode).toBe(200);
      expect(all.body).toContain(`urn:uuid:${a.contactId}`);
      expect(all.body).not.toContain(b.contactId);
      expect(all.body).not.toContain('beta');
    }
    const vcf = 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Imported Twin\r\nEMAIL:someone@beta.example\r\nEND:VCARD\r\n';
    const res = await a.owner.request('POST', '/api/v1/contacts/vcard/import', vcf, { 'content-type': 'text/vcard' });
    expect(res.json()).toMatchObject({ created: 1, updated: 0 });
    expect(res.json().results[0].id).not.toBe(b.contactId);
    expect((await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json().firstName).toBe('Beta person');
    expect((await a.owner.delete(`/api/v1/contacts/${res.json().results[0].id}`)).statusCode).toBe(204);
  });

  it("calendar feeds show only their owner's tasks and meetings in the feed's own workspace", async () => {
    const email = uniqueEmail('feeds');
    const inA = await addMember(a.owner, 'member', email);
    const inv = await b.owner.post('/api/v1/invitations', { email, role: 'member' });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token: invitationToken(inv.json().url), password: 'another good password' },
    });
    const inB = inA.client.in(b.workspaceId);
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const later = new Date(Date.now() + 90_000_000).toISOString();
    const meeting = (client: Client, contactId: string, subject: string) =>
      client.post('/api/v1/activities', {
        kind: 'meeting',
        subject,
        links: [{ recordType: 'contact', recordId: contactId }],
        meeting: { startAt: soon, endAt: later, attendees: [{ email }] },
      });
    await inA.client.post('/api/v1/tasks', { title: 'Alpha feed task', dueAt: soon });
    await inB.post('/api/v1/tasks', { title: 'Beta feed task', dueAt: soon });
    await meeting(a.owner, a.contactId, 'Alpha feed meeting');
    await meeting(b.owner, b.contactId, 'Beta feed meeting');
    await b.owner.post('/api/v1/tasks', { title: 'Beta owner task', dueAt: soon });

    const feedA = (await inA.client.post('/api/v1/me/calendar-feed')).json().url as string;
    const feedB = (await inB.post('/api/v1/me/calendar-feed')).json().url as string;
    expect(feedA).not.toBe(feedB);
    const read = async (url: string) => (await t.app.inject({ method: 'GET', url: url.replace(t.config.publicUrl, '') })).body;
    const [icsA, icsB] = [await read(feedA), await read(feedB)];
    expect(icsA).toContain('SUMMARY:Alpha feed task');
    expect(icsA).toContain('SUMMARY:Alpha feed meeting');
    expect(icsA).not.toMatch(/Beta/);
    expect(icsB).toContain('SUMMARY:Beta feed task');
    expect(icsB).toContain('SUMMARY:Beta feed meeting');
    expect(icsB).not.toMatch(/Alpha|Beta owner task/);
    // Each workspace sees only its own feed status; revoking in one leaves the other working.
    expect((await b.owner.get('/api/v1/me/calendar-feed')).json().active).toBe(false);
    expect((await inA.client.delete('/api/v1/me/calendar-feed')).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: feedA.replace(t.config.publicUrl, '') })).statusCode).toBe(404);
    expect(await read(feedB)).toContain('SUMMARY:Beta feed task');
    expect((await a.owner.delete('/api/v1/me/calendar-feed')).statusCode).toBe(404);
  });
  it("forms and their submissions stay in their workspace; a submission writes only into its form's workspace", async () => {
    const form = (
      await b.owner.post('/api/v1/forms', { name: 'Beta signup', fields: [{ key: 'email', label: 'Email' }], allowedOrigins: ['*'] })
    ).json();
    const aBefore = (await a.owner.get(`/api/v1/contacts/${a.contactId}`)).headers.etag;
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${form.publicId}/submissions`,
      payload: { values: { email: 'someone@alpha.example' } },
    });
    expect(submitted.statusCode).toBe(200);
    // A's contact with the same address is untouched; B got its own.
    expect((await a.owner.get(`/api/v1/contacts/${a.contactId}`)).headers.etag).toBe(aBefore);
    const inB = (await b.owner.get('/api/v1/contacts?q=someone@alpha.example')).json().data;
    expect(inB).toHaveLength(1);
    for (const client of [a.owner, a.key]) {
      expect((await client.get('/api/v1/forms')).json().data.map((f: { id: string }) => f.id)).not.toContain(form.id);
      const attempts = await Promise.all([
        client.get(`/api/v1/forms/${form.id}`),
        client.patch(`/api/v1/forms/${form.id}`, { name: 'Hijacked' }),
        client.delete(`/api/v1/forms/${form.id}`),
        client.get(`/api/v1/forms/${form.id}/submissions`),
      ]);
      expect(attempts.map((r) => r.statusCode)).toEqual([404, 404, 404, 404]);
    }
    const intact = await b.owner.get(`/api/v1/forms/${form.id}`);
    expect(intact.json()).toMatchObject({ name: 'Beta signup', submissionCount: 1 });
    expect((await b.owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data[0].contactId).toBe(inB[0].id);
  });

  it("a double opt-in link confirms only in its form's workspace, and only on its form's address", async () => {
    const formOf = async (client: Client) =>
      (
        await client.post('/api/v1/forms', {
          name: 'Letters',
          fields: [{ key: 'email', label: 'Email' }],
          consent: { enabled: true, channels: ['email'], text: 'Send me letters.', doubleOptIn: true },
        })
      ).json();
    const [formA, formB] = [await formOf(a.owner), await formOf(b.owner)];
    const email = 'letters@beta.example';
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${formB.publicId}/submissions`,
      payload: { values: { email }, consent: true },
    });
    const token = t.mailer.sent.findLast((m) => m.to === email)?.text.match(/\/confirm\/([\w-]+)/)?.[1] ?? '';
    const confirm = (publicId: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${publicId}/confirmations`, payload: { token } });
    const stateInB = async () => (await b.owner.get(`/api/v1/contacts?q=${email}`)).json().data[0].consent.email.state;
    expect((await confirm(formA.publicId)).statusCode).toBe(404);
    expect(await stateInB()).toBe('pending');
    expect((await confirm(formB.publicId)).statusCode).toBe(200);
    expect(await stateInB()).toBe('subscribed');
    expect((await a.owner.get(`/api/v1/contacts?q=${email}`)).json().data).toEqual([]);
  });

  it("exports: lists and backups hold only the caller's workspace, and a restore never reaches another", async () => {
    for (const client of [a.owner, a.key]) {
      for (const plural of ['contacts', 'companies', 'deals', 'activities', 'tasks']) {
        const res = await client.post(`/api/v1/${plural}/export`, {});
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(b.contactId);
        expect(res.body).not.toContain('Beta');
      }
      const contacts = await client.post('/api/v1/contacts/export', { columns: ['id'] });
      expect(contacts.body).toContain(a.contactId);
    }
    const bView = (await b.owner.post('/api/v1/views', { objectType: 'contact', name: 'Beta view', filterGroups: [] })).json();
    expect((await a.owner.post(`/api/v1/contacts/export?view=${bView.id}`, {})).statusCode).toBe(404);
    const backup = await a.owner.get('/api/v1/workspace/export');
    expect(backup.statusCode).toBe(200);
    // Restoring into a workspace with data is refused; the other workspace is untouched either way.
    const restore = await a.owner.request('POST', '/api/v1/workspace/import', backup.rawPayload, { 'content-type': 'application/zip' });
    expect(restore.statusCode).toBe(409);
    expect((await b.owner.get(`/api/v1/contacts/${b.contactId}`)).json().firstName).toBe('Beta person');
  });
});
