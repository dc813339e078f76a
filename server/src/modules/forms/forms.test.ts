import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContactFields, addMember, type Client, createTestApp, planField, signUp, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  await addContactFields(owner, [planField, { label: 'Seats', type: 'number' }, { label: 'Manager', type: 'user' }]);
});
afterAll(() => t.close());

const formCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM forms')).rows[0]?.n;

/** A valid form body; `over` replaces parts. */
function newsletterForm(over: Record<string, unknown> = {}) {
  return {
    name: 'Newsletter',
    fields: [
      { key: 'email', label: 'Email', required: false },
      { key: 'firstName', label: 'First name' },
      { key: 'custom.plan', label: 'Plan' },
    ],
    consent: { enabled: true, channels: ['email'], text: 'Send me the monthly newsletter.', required: true },
    thankYouMessage: 'Thanks for signing up!',
    allowedOrigins: ['https://www.example.com/pricing'],
    lifecycleStage: 'subscriber',
    tags: ['newsletter'],
    ...over,
  };
}

describe('forms', () => {
  it('creates a form, then reads, lists, changes (with If-Match) and deletes it, auditing each write', async () => {
    const res = await owner.post('/api/v1/forms', newsletterForm({ ownerId }));
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const form = res.json();
    expect(form).toMatchObject({
      name: 'Newsletter',
      status: 'active',
      submitButtonLabel: 'Submit',
      allowedOrigins: ['https://www.example.com'],
      lifecycleStage: 'subscriber',
      ownerId,
      tags: ['newsletter'],
      viewCount: 0,
      submissionCount: 0,
    });
    expect(form.publicId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // The email field is always required; types follow the property; options come from the custom field.
    expect(form.fields).toEqual([
      { key: 'email', label: 'Email', type: 'email', required: true, placeholder: null, options: null },
      { key: 'firstName', label: 'First name', type: 'text', required: false, placeholder: null, options: null },
      {
        key: 'custom.plan',
        label: 'Plan',
        type: 'select',
        required: false,
        placeholder: null,
        options: [
          { value: 'free', label: 'Free' },
          { value: 'pro', label: 'Pro' },
        ],
      },
    ]);
    expect(form.consent.textVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(form.urls).toEqual({
      hostedPage: `http://rapport.test/f/${form.publicId}`,
      embedScript: `http://rapport.test/api/v1/public/forms/${form.publicId}/embed.js`,
      submit: `http://rapport.test/api/v1/public/forms/${form.publicId}/submissions`,
      definition: `http://rapport.test/api/v1/public/forms/${form.publicId}`,
    });
    expect(form.embedCode.script).toBe(
      `<div data-rapport-form="${form.publicId}"></div>\n<script src="http://rapport.test/api/v1/public/forms/${form.publicId}/embed.js" async></script>`,
    );
    expect(form.embedCode.html).toContain(`<form class="rapport-form" method="post" action="${form.urls.submit}"`);
    expect(form.embedCode.html).toContain('<option value="pro">Pro</option>');
    const text = await t.db.query('SELECT text FROM form_consent_texts WHERE version = $1', [form.consent.textVersion]);
    expect(text.rows).toEqual([{ text: 'Send me the monthly newsletter.' }]);

    const read = await owner.get(`/api/v1/forms/${form.id}`);
    expect(read.json()).toEqual(form);
    // Its counts change without a new version: browsers must not revalidate it into a stale 304.
    expect(read.headers['cache-control']).toBe('no-store');
    expect((await owner.get('/api/v1/forms')).json().data.map((f: { id: string }) => f.id)).toContain(form.id);

    const stale = await owner.patch(`/api/v1/forms/${form.id}`, { name: 'Stale' }, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(412);
    const changed = await owner.patch(
      `/api/v1/forms/${form.id}`,
      { name: 'Monthly newsletter', consent: { enabled: true, text: 'Send me news, monthly.' }, status: 'archived' },
      { 'if-match': '"1"' },
    );
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('"2"');
    expect(changed.json()).toMatchObject({ name: 'Monthly newsletter', status: 'archived' });
    expect(changed.json().consent.textVersion).not.toBe(form.consent.textVersion);
    // Both texts stay provable.
    const texts = await t.db.query('SELECT text FROM form_consent_texts WHERE form_id = $1 ORDER BY created_at, text', [form.id]);
    expect(texts.rows).toHaveLength(2);
    expect((await owner.get('/api/v1/forms?status=active')).json().data.map((f: { id: string }) => f.id)).not.toContain(form.id);

    expect((await owner.delete(`/api/v1/forms/${form.id}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/forms/${form.id}`)).statusCode).toBe(404);
    const audit = await t.db.query<{ action: string }>(
      "SELECT action FROM record_changes WHERE record_type = 'form' AND record_id = $1 ORDER BY id",
      [form.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
  });

  it('refuses a bad form naming every bad part, and writes nothing', async () => {
    const before = await formCount();
    const res = await owner.post(
      '/api/v1/forms',
      newsletterForm({
        fields: [
          { key: 'firstName', label: 'First name' },
          { key: 'firstName', label: 'Again' },
          { key: 'custom.nope', label: 'Nope' },
          { key: 'custom.manager', label: 'Manager' },
          { key: 'custom.seats', label: 'Seats', type: 'select' },
        ],
        consent: { enabled: true, channels: ['sms'], text: '' },
        allowedOrigins: ['ftp://files.example.com', 'not a url'],
        redirectUrl: 'javascript:alert(1)',
        ownerId: '0193a5b0-0000-7000-8000-000000000000',
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(
      [
        'body.fields[1].key',
        'body.fields[2].key',
        'body.fields[3].key',
        'body.fields[4].type',
        'body.fields',
        'body.consent.text',
        'body.consent.channels',
        'body.allowedOrigins[0]',
        'body.allowedOrigins[1]',
        'body.redirectUrl',
        'body.ownerId',
      ].sort(),
    );
    const shape = await owner.post('/api/v1/forms', { name: '', fields: [], extra: 1 });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.name', 'body.fields', 'body.extra']),
    );
    expect(await formCount()).toBe(before);
  });

  it('lets managers and up manage forms; members only read them', async () => {
    const { client: member } = await addMember(owner, 'member');
    const { client: manager } = await addMember(owner, 'manager');
    const before = await formCount();
    const refused = await member.post('/api/v1/forms', newsletterForm());
    expect(refused.statusCode).toBe(403);
    expect(await formCount()).toBe(before);
    const made = await manager.post('/api/v1/forms', newsletterForm({ name: 'By a manager' }));
    expect(made.statusCode).toBe(201);
    expect((await member.get(`/api/v1/forms/${made.json().id}`)).statusCode).toBe(200);
    expect((await member.patch(`/api/v1/forms/${made.json().id}`, { name: 'Mine' })).statusCode).toBe(403);
    expect((await member.delete(`/api/v1/forms/${made.json().id}`)).statusCode).toBe(403);
    expect((await owner.get(`/api/v1/forms/${made.json().id}`)).json().name).toBe('By a manager');
  });

  it('lists the properties a field can fill, with custom fields and their choices', async () => {
    const props = (await owner.get('/api/v1/forms/properties')).json().data;
    const byKey = new Map(props.map((p: { key: string }) => [p.key, p]));
    expect(byKey.get('email')).toEqual({ key: 'email', label: 'Email', types: ['email'], options: null });
    expect(byKey.get('custom.plan')).toMatchObject({
      types: ['select', 'radio'],
      options: [
        { value: 'free', label: 'Free' },
        { value: 'pro', label: 'Pro' },
      ],
    });
    expect(byKey.get('custom.seats')).toMatchObject({ types: ['number'] });
    // A user field cannot be filled by a visitor.
    expect(byKey.has('custom.manager')).toBe(false);
  });

  it('pages the list with a cursor and refuses a tampered one', async () => {
    for (const name of ['Page A', 'Page B', 'Page C']) await owner.post('/api/v1/forms', newsletterForm({ name }));
    const first = (await owner.get('/api/v1/forms?limit=2')).json();
    expect(first.data).toHaveLength(2);
    const second = (await owner.get(`/api/v1/forms?limit=2&cursor=${first.nextCursor}`)).json();
    const ids = [...first.data, ...second.data].map((f: { id: string }) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await owner.get('/api/v1/forms?cursor=garbage')).statusCode).toBe(400);
  });
});
