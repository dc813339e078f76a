import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';

let t: TestApp;
let owner: Client;
let workspaceId: string;
beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  workspaceId = s.workspaceId;
  await owner.patch('/api/v1/workspace', { settings: { phoneRegion: 'GB', currency: 'EUR' } });
  const field = await owner.post('/api/v1/custom-fields', { objectType: 'contact', label: 'Tier', type: 'text' });
  expect(field.statusCode).toBe(201);
});
afterAll(() => t.close());

async function create(path: string, body: Record<string, unknown>, client = owner) {
  const res = await client.post(`/api/v1/${path}`, body);
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}
const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field).sort();

/** A deal, an activity, a task and a notification pointing at a record, written straight to the tables. */
async function attachEverything(recordType: 'contact' | 'company', recordId: string) {
  const pipelineId = newId();
  const stageId = newId();
  await t.db.query('INSERT INTO pipelines (workspace_id, id, name) VALUES ($1, $2, $3)', [workspaceId, pipelineId, `P ${recordId}`]);
  await t.db.query(
    `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability) VALUES ($1, $2, $3, 'New', 0, 10)`,
    [workspaceId, stageId, pipelineId],
  );
  const dealId = newId();
  await t.db.query(
    `INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, currency, company_id) VALUES ($1, $2, 'Big deal', $3, $4, 'EUR', $5)`,
    [workspaceId, dealId, pipelineId, stageId, recordType === 'company' ? recordId : null],
  );
  if (recordType === 'contact') {
    await t.db.query('INSERT INTO deal_contacts (workspace_id, deal_id, contact_id, role) VALUES ($1, $2, $3, $4)', [
      workspaceId,
      dealId,
      recordId,
      'champion',
    ]);
  }
  const activityId = newId();
  await t.db.query(
    `INSERT INTO activities (workspace_id, id, kind, subject, body) VALUES ($1, $2, 'call', 'Intro call', 'Talked pricing')`,
    [workspaceId, activityId],
  );
  await t.db.query('INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id) VALUES ($1, $2, $3, $4)', [
    workspaceId,
    activityId,
    recordType,
    recordId,
  ]);
  await t.db.query(
    `INSERT INTO timeline_entries (workspace_id, id, record_type, record_id, kind, occurred_at, activity_id) VALUES ($1, $2, $3, $4, 'activity', now(), $5)`,
    [workspaceId, newId(), recordType, recordId, activityId],
  );
  const taskId = newId();
  await t.db.query(`INSERT INTO tasks (workspace_id, id, title, record_type, record_id) VALUES ($1, $2, 'Follow up', $3, $4)`, [
    workspaceId,
    taskId,
    recordType,
    recordId,
  ]);
  return { dealId, activityId, taskId };
}

describe('contact duplicates', () => {
  it('pairs contacts with the same email, the same phone, or similar names at the same company, each once', async () => {
    const company = await create('companies', { name: 'Dupe Finder Ltd', domain: 'dupefinder.example' });
    const sarah = await create('contacts', {
      firstName: 'Sarah',
      lastName: 'Connor',
      email: 'sarah@dupefinder.example',
      companies: [{ companyId: company.id }],
    });
    const sara = await create('contacts', {
      firstName: 'Sara',
      lastName: 'Connor',
      email: 'sc@dupefinder.example',
      companies: [{ companyId: company.id }],
    });
    const again = await create('contacts', {
      firstName: 'S.',
      emails: [{ address: 'other@x.example' }, { address: 'SARAH@dupefinder.example' }],
    });
    const p1 = await create('contacts', { firstName: 'Pat', phone: '020 7946 0101' });
    const p2 = await create('contacts', { firstName: 'Patrick', phone: '+44 20 7946 0101' });
    const trashed = await create('contacts', { firstName: 'Gone', email: 'sarah@dupefinder.example' });
    expect((await owner.delete(`/api/v1/contacts/${trashed.id}`)).statusCode).toBe(204);
    await create('contacts', { firstName: 'Sarah', lastName: 'Connor', email: 'elsewhere@x.example' });

    const res = await owner.get('/api/v1/contacts/duplicates?limit=500');
    expect(res.statusCode).toBe(200);
    const pairs = res.json().data.map((p: { a: { id: string }; b: { id: string }; reasons: string[] }) => ({
      ids: [p.a.id, p.b.id].sort().join(),
      reasons: p.reasons,
    }));
    const key = (x: string, y: string) => [x, y].sort().join();
    expect(pairs).toEqual(
      expect.arrayContaining([
        { ids: key(sarah.id, sara.id), reasons: ['similar_name_same_company'] },
        { ids: key(sarah.id, again.id), reasons: ['same_email'] },
        { ids: key(p1.id, p2.id), reasons: ['same_phone'] },
      ]),
    );
    expect(pairs).toHaveLength(3);
    const first = res.json().data.find((p: { a: { id: string }; b: { id: string } }) => [p.a.id, p.b.id].includes(p1.id));
    expect([first.a.name, first.b.name].sort()).toEqual(['Pat', 'Patrick']);

    // Keyset paging walks the same pairs one at a time.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { a: { id: string }; b: { id: string } }[]; nextCursor: string | null } = (
        await owner.get(`/api/v1/contacts/duplicates?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.data.map((p) => key(p.a.id, p.b.id)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(pairs.map((p: { ids: string }) => p.ids).sort());
    expect((await owner.get('/api/v1/contacts/duplicates?cursor=garbage')).statusCode).toBe(400);
  });

  it('narrows to the pairs of one record, and shows each record with its age, company and what hangs off it', async () => {
    const company = await create('companies', { name: 'Narrow Co', domain: 'narrow.example' });
    const ada = await create('contacts', { firstName: 'Ada', email: 'ada@narrow.example', companies: [{ companyId: company.id }] });
    const adaAgain = await create('contacts', { firstName: 'Ada L', email: 'ADA@narrow.example' });
    await create('contacts', { firstName: 'Bo', phone: '020 7946 0777' });
    await create('contacts', { firstName: 'Bob', phone: '020 7946 0777' });
    const attached = await attachEverything('contact', adaAgain.id);
    expect(attached.dealId).toBeTruthy();

    const res = await owner.get(`/api/v1/contacts/duplicates?recordId=${adaAgain.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const pairs = res.json().data;
    expect(pairs).toHaveLength(1);
    expect(pairs[0].reasons).toEqual(['same_email']);
    type Summary = { id: string; createdAt: string };
    const byId = new Map<string, Summary>([pairs[0].a, pairs[0].b].map((r: Summary) => [r.id, r]));
    expect(byId.get(ada.id)).toMatchObject({
      name: 'Ada',
      company: 'Narrow Co',
      related: { deals: 0, activities: 0, tasks: 0, people: 0 },
    });
    expect(byId.get(adaAgain.id)).toMatchObject({ company: null, related: { deals: 1, activities: 1, tasks: 1, people: 0 } });
    const createdAt = (id: string) => Date.parse(byId.get(id)?.createdAt ?? '');
    expect(createdAt(ada.id)).toBeLessThanOrEqual(createdAt(adaAgain.id));

    const unrelated = await create('contacts', { firstName: 'Loner', email: 'loner@narrow.example' });
    expect((await owner.get(`/api/v1/contacts/duplicates?recordId=${unrelated.id}`)).json().data).toEqual([]);
    const bad = await owner.get('/api/v1/contacts/duplicates?recordId=nope');
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad)).toEqual(['querystring.recordId']);
  });
});

describe('contact merge', () => {
  it('keeps the chosen values, combines lists, moves everything to the survivor and answers 301 for the merged id', async () => {
    const company = await create('companies', { name: 'Merge Co', domain: 'mergeco.example' });
    const survivor = await create('contacts', {
      firstName: 'Sarah',
      email: 'sarah@mergeco.example',
      jobTitle: 'Engineer',
      tags: ['vip'],
      lifecycleStage: 'lead',
      custom: { tier: 'gold' },
    });
    const merged = await create('contacts', {
      firstName: 'Sarah J.',
      lastName: 'Connor',
      email: 'sconnor@mergeco.example',
      phone: '020 7946 0555',
      jobTitle: 'CTO',
      tags: ['beta', 'vip'],
      lifecycleStage: 'customer',
      externalId: 'crm-7',
      custom: { tier: 'silver' },
      companies: [{ companyId: company.id, title: 'CTO', primary: true }],
      consent: { email: { state: 'unsubscribed' } },
    });
    const attached = await attachEverything('contact', merged.id);

    const res = await owner.post('/api/v1/contacts/merge', {
      survivorId: survivor.id,
      mergedId: merged.id,
      fields: { jobTitle: 'merged' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({
      id: survivor.id,
      firstName: 'Sarah',
      lastName: 'Connor',
      jobTitle: 'CTO',
      email: 'sarah@mergeco.example',
      phone: '+442079460555',
      lifecycleStage: 'customer',
      externalId: 'crm-7',
      custom: { tier: 'gold' },
      companies: [{ companyId: company.id, title: 'CTO', primary: true }],
    });
    expect(c.emails.map((e: { address: string; primary: boolean }) => [e.address, e.primary])).toEqual([
      ['sarah@mergeco.example', true],
      ['sconnor@mergeco.example', false],
    ]);
    expect(c.tags.sort()).toEqual(['beta', 'vip']);
    expect(c.consent.email.state).toBe('unsubscribed');

    const gone = await owner.get(`/api/v1/contacts/${merged.id}`);
    expect(gone.statusCode).toBe(301);
    expect(gone.headers.location).toBe(`/api/v1/contacts/${survivor.id}`);
    // Looking the merged email up finds the survivor only.
    const byEmail = (await owner.get('/api/v1/contacts?q=sconnor@mergeco.example')).json();
    expect(byEmail.data.map((x: { id: string }) => x.id)).toEqual([survivor.id]);

    const q = async (sql: string) => (await t.db.query(sql, [workspaceId, survivor.id, merged.id])).rows;
    expect(await q('SELECT deal_id, role FROM deal_contacts WHERE workspace_id = $1 AND contact_id IN ($2, $3)')).toEqual([
      { deal_id: attached.dealId, role: 'champion' },
    ]);
    expect(
      await q(`SELECT record_id FROM activity_links WHERE workspace_id = $1 AND record_type = 'contact' AND record_id IN ($2, $3)`),
    ).toEqual([{ record_id: survivor.id }]);
    expect(await q('SELECT record_id FROM tasks WHERE workspace_id = $1 AND record_id IN ($2, $3)')).toEqual([{ record_id: survivor.id }]);
    const consent = await q('SELECT contact_id, state FROM consent_events WHERE workspace_id = $1 AND contact_id IN ($2, $3)');
    expect(consent).toEqual([{ contact_id: survivor.id, state: 'unsubscribed' }]);
    const timeline = await q(
      `SELECT record_id, kind, data FROM timeline_entries WHERE workspace_id = $1 AND record_type = 'contact' AND record_id IN ($2, $3) ORDER BY occurred_at, id`,
    );
    expect(timeline.every((e) => e.record_id === survivor.id)).toBe(true);
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'activity', 'field_change', 'merged']));
    expect(timeline.find((e) => e.kind === 'merged')?.data).toMatchObject({ mergedId: merged.id, mergedName: 'Sarah J. Connor' });

    const audit = (await owner.get(`/api/v1/record-changes?recordId=${merged.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action)).toContain('merge');
    const events = await t.db.query<{ type: string; payload: { survivorId: string } }>(
      `SELECT type, payload FROM outbox_events WHERE record_id = $1 AND type = 'contact.merged'`,
      [merged.id],
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]?.payload.survivorId).toBe(survivor.id);
  });

  it('refuses a bad request with the offending fields and changes nothing', async () => {
    const a = await create('contacts', { firstName: 'Ann', email: 'ann@refuse.example' });
    const b = await create('contacts', { firstName: 'Anne', email: 'anne@refuse.example' });
    const self = await owner.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: a.id });
    expect(self.statusCode).toBe(400);
    expect(fieldsOf(self)).toEqual(['body.mergedId']);
    const unknown = await owner.post('/api/v1/contacts/merge', {
      survivorId: a.id,
      mergedId: b.id,
      fields: { nope: 'merged', 'custom.tier': 'merged' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['body.fields.nope']);
    const badChoice = await owner.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: b.id, fields: { firstName: 'both' } });
    expect(badChoice.statusCode).toBe(400);
    const missing = await owner.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: newId() });
    expect(missing.statusCode).toBe(404);
    expect(fieldsOf(missing)).toEqual(['body.mergedId']);

    const readOnly = await addMember(owner, 'read_only');
    expect((await readOnly.client.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: b.id })).statusCode).toBe(403);
    expect((await owner.get(`/api/v1/contacts/${b.id}`)).statusCode).toBe(200);
    expect((await owner.get(`/api/v1/contacts/${a.id}`)).json().emails).toHaveLength(1);

    expect((await owner.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: b.id })).statusCode).toBe(200);
    const again = await owner.post('/api/v1/contacts/merge', { survivorId: a.id, mergedId: b.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().errors[0]).toMatchObject({ field: 'body.mergedId', code: 'already_merged' });
  });

  it("moves the merged contact's form submissions and pending double opt-in link to the survivor", async () => {
    const form = await create('forms', {
      name: 'Newsletter',
      fields: [{ key: 'email', label: 'Email' }],
      consent: { enabled: true, channels: ['email'], text: 'Send me the newsletter.', doubleOptIn: true },
    });
    const survivor = await create('contacts', { firstName: 'Grace', email: 'grace@navy.example' });
    const submitted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${form.publicId}/submissions`,
      payload: { values: { email: 'ghopper@navy.example' }, consent: true },
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const [loser] = (await owner.get('/api/v1/contacts?q=ghopper@navy.example')).json().data;
    expect(loser.id).not.toBe(survivor.id);
    const link = t.mailer.sent.find((m) => m.to === 'ghopper@navy.example')?.text.match(/\/confirm\/([\w-]+)/)?.[1] ?? '';

    const merge = await owner.post('/api/v1/contacts/merge', { survivorId: survivor.id, mergedId: loser.id });
    expect(merge.statusCode, merge.body).toBe(200);
    expect(merge.json().consent.email.state).toBe('pending');
    const submissions = (await owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    expect(submissions.map((s: { contactId: string }) => s.contactId)).toEqual([survivor.id]);
    const rows = await t.db.query('SELECT contact_id FROM form_submissions WHERE workspace_id = $1 AND contact_id IN ($2, $3)', [
      workspaceId,
      survivor.id,
      loser.id,
    ]);
    expect(rows.rows).toEqual([{ contact_id: survivor.id }]);
    // The emailed link still confirms: the survivor carries the pending consent now.
    const confirmed = await t.app.inject({ method: 'POST', url: `/f/${form.publicId}/confirm/${link}` });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await owner.get(`/api/v1/contacts/${survivor.id}`)).json().consent.email.state).toBe('subscribed');
  });
});

describe('company duplicates and merge', () => {
  it('pairs related domains and alike names', async () => {
    const a = await create('companies', { name: 'Globex Corporation', domain: 'globex.example' });
    const b = await create('companies', { name: 'Globex EU', domain: 'eu.globex.example' });
    const c = await create('companies', { name: 'Initech, Inc.' });
    const d = await create('companies', { name: 'INITECH' });
    const e = await create('companies', { name: 'Umbrella Pharmaceuticals' });
    const f = await create('companies', { name: 'Umbrela Pharmaceuticals' });
    const pairs = (await owner.get('/api/v1/companies/duplicates?limit=500')).json().data;
    const find = (x: string, y: string) =>
      pairs.find((p: { a: { id: string }; b: { id: string } }) => [p.a.id, p.b.id].sort().join() === [x, y].sort().join())?.reasons;
    expect(find(a.id, b.id)).toContain('same_domain');
    expect(find(c.id, d.id)).toEqual(['same_name']);
    expect(find(e.id, f.id)).toEqual(['similar_name']);
    expect(find(a.id, e.id)).toBeUndefined();

    await create('contacts', { firstName: 'Hank', companies: [{ companyId: b.id }] });
    await attachEverything('company', b.id);
    const narrowed = (await owner.get(`/api/v1/companies/duplicates?recordId=${b.id}`)).json().data;
    expect(narrowed.map((p: { a: { id: string }; b: { id: string } }) => [p.a.id, p.b.id].sort().join())).toEqual([
      [a.id, b.id].sort().join(),
    ]);
    const globexEu = [narrowed[0].a, narrowed[0].b].find((r: { id: string }) => r.id === b.id);
    expect(globexEu).toMatchObject({ name: 'Globex EU', domain: 'eu.globex.example', company: null });
    expect(globexEu.related).toEqual({ deals: 1, activities: 1, tasks: 1, people: 1 });
  });

  it('moves people, deals, child companies and the timeline to the survivor, and may take the merged domain', async () => {
    const survivor = await create('companies', { name: 'Hooli', domain: 'hooli.example' });
    const merged = await create('companies', { name: 'Hooli Inc', domain: 'hooli-inc.example', industry: 'Software' });
    const child = await create('companies', { name: 'Hooli XYZ', parentCompanyId: merged.id });
    const both = await create('contacts', {
      firstName: 'Gavin',
      companies: [
        { companyId: survivor.id, title: 'Board' },
        { companyId: merged.id, title: 'CEO', primary: true },
      ],
    });
    const only = await create('contacts', { firstName: 'Richard', companies: [{ companyId: merged.id, title: 'Engineer' }] });
    const attached = await attachEverything('company', merged.id);

    const res = await owner.post('/api/v1/companies/merge', { survivorId: survivor.id, mergedId: merged.id, fields: { domain: 'merged' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: survivor.id, name: 'Hooli', domain: 'hooli-inc.example', industry: 'Software' });
    expect((await owner.get(`/api/v1/companies/${merged.id}/contacts`)).statusCode).toBe(301);
    expect((await owner.get(`/api/v1/companies/${child.id}`)).json().parentCompanyId).toBe(survivor.id);
    const gavin = (await owner.get(`/api/v1/contacts/${both.id}`)).json();
    expect(gavin.companies).toEqual([{ companyId: survivor.id, name: 'Hooli', title: 'Board', role: null, primary: true }]);
    expect((await owner.get(`/api/v1/contacts/${only.id}`)).json().companies[0]).toMatchObject({
      companyId: survivor.id,
      title: 'Engineer',
    });
    const people = (await owner.get(`/api/v1/companies/${survivor.id}/contacts`)).json().data;
    expect(people.map((p: { id: string }) => p.id).sort()).toEqual([both.id, only.id].sort());
    const deals = (await owner.get(`/api/v1/companies/${survivor.id}/deals`)).json().data;
    expect(deals.map((d: { id: string }) => d.id)).toEqual([attached.dealId]);
    const tl = await t.db.query<{ kind: string }>(
      `SELECT kind FROM timeline_entries WHERE workspace_id = $1 AND record_type = 'company' AND record_id = $2`,
      [workspaceId, survivor.id],
    );
    expect(tl.rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['activity', 'merged', 'field_change']));
    // The survivor's old domain is free again.
    expect((await owner.post('/api/v1/companies', { name: 'New Hooli', domain: 'hooli.example' })).statusCode).toBe(201);
  });
});
