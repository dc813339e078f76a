import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContactFields, type Client, createTestApp, planField, signUp, type TestApp } from '../../../test/helpers.ts';
import { FORM_SUBMISSIONS_PER_MINUTE } from './forms.public.routes.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
const SITE = 'https://www.example.com';

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app);
  owner = s.client;
  ownerId = s.userId;
  await addContactFields(owner, [planField]);
});
afterAll(() => t.close());

type Form = { id: string; publicId: string; consent: { textVersion: string } };

async function makeForm(over: Record<string, unknown> = {}): Promise<Form> {
  const res = await owner.post('/api/v1/forms', {
    name: 'Demo request',
    fields: [
      { key: 'email', label: 'Work email' },
      { key: 'firstName', label: 'First name' },
      { key: 'lastName', label: 'Last name' },
      { key: 'custom.plan', label: 'Plan', required: true },
    ],
    consent: { enabled: true, channels: ['email'], text: 'Email me product news. Unsubscribe any time.', required: false },
    thankYouMessage: 'Thanks, we will be in touch.',
    allowedOrigins: [SITE],
    lifecycleStage: 'mql',
    ownerId,
    tags: ['demo-request'],
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

function submit(form: Form, body: unknown, headers: Record<string, string> = { origin: SITE }): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${form.publicId}/submissions`, headers, payload: body as object });
}

function submitUrlEncoded(form: Form, fields: [string, string][], headers: Record<string, string> = { origin: SITE }) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/public/forms/${form.publicId}/submissions`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

const counts = async () => {
  const q = async (sql: string) => (await t.db.query<{ n: number }>(sql)).rows[0]?.n;
  return {
    contacts: await q('SELECT count(*)::int AS n FROM contacts'),
    submissions: await q('SELECT count(*)::int AS n FROM form_submissions'),
    activities: await q("SELECT count(*)::int AS n FROM activities WHERE kind = 'form_submission'"),
    consent: await q('SELECT count(*)::int AS n FROM consent_events'),
  };
};

const PAGE = `${SITE}/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring`;

describe('public form submissions', () => {
  it('creates a contact with consent, an activity with page and UTM, and a submission; a second one updates the same contact', async () => {
    const form = await makeForm();
    const res = await submit(form, {
      values: { email: '  Ada.Lovelace@Example.COM ', firstName: 'Ada', lastName: '', 'custom.plan': 'pro' },
      consent: true,
      pageUrl: PAGE,
      referrer: 'https://search.example/?q=crm',
      utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
      website: '',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(SITE);
    expect(res.json()).toEqual({
      status: 'received',
      thankYouMessage: 'Thanks, we will be in touch.',
      redirectUrl: null,
      confirmationRequired: false,
    });

    const found = (await owner.get('/api/v1/contacts?q=ada.lovelace@example.com')).json().data;
    expect(found).toHaveLength(1);
    const contact = (await owner.get(`/api/v1/contacts/${found[0].id}`)).json();
    expect(contact).toMatchObject({
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      lastName: null,
      lifecycleStage: 'mql',
      ownerId,
      tags: ['demo-request'],
      leadSource: 'Form: Demo request',
      utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
      custom: { plan: 'pro' },
    });
    expect(contact.consent.email).toMatchObject({ state: 'subscribed', method: 'form', textVersion: form.consent.textVersion });
    expect(contact.consent.email.source).toContain(form.id);
    expect(contact.consent.email.source).toContain(PAGE);
    expect(contact.consent.email.source).toContain('127.0.0.1');
    const consentText = await t.db.query('SELECT text FROM form_consent_texts WHERE version = $1', [contact.consent.email.textVersion]);
    expect(consentText.rows).toEqual([{ text: 'Email me product news. Unsubscribe any time.' }]);

    const timeline = (await owner.get(`/api/v1/contacts/${contact.id}/timeline`)).json().data;
    const entry = timeline.find((e: { kind: string }) => e.kind === 'activity');
    expect(entry.activity).toMatchObject({
      kind: 'form_submission',
      subject: 'Demo request',
      formSubmission: {
        formId: form.id,
        formName: 'Demo request',
        pageUrl: PAGE,
        referrer: 'https://search.example/?q=crm',
        utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
        values: [
          { key: 'email', label: 'Work email', value: 'ada.lovelace@example.com' },
          { key: 'firstName', label: 'First name', value: 'Ada' },
          { key: 'custom.plan', label: 'Plan', value: 'Pro' },
        ],
        consent: { channels: ['email'], textVersion: form.consent.textVersion },
      },
    });
    expect(entry.activity.body).toContain('Plan: Pro');

    // Again, with the address spelled differently and a name left empty: same contact, nothing blanked.
    const again = await submit(form, {
      values: { email: 'ADA.LOVELACE@example.com ', firstName: '', lastName: 'Lovelace', 'custom.plan': 'free' },
      consent: true,
      pageUrl: `${SITE}/contact?utm_source=ads`,
    });
    expect(again.statusCode).toBe(200);
    expect((await owner.get('/api/v1/contacts?q=ada.lovelace@example.com')).json().data).toHaveLength(1);
    const updated = (await owner.get(`/api/v1/contacts/${contact.id}`)).json();
    expect(updated).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      custom: { plan: 'free' },
      lifecycleStage: 'mql',
      tags: ['demo-request'],
    });
    // First touch is kept.
    expect(updated.utm).toEqual({ source: 'newsletter', medium: 'email', campaign: 'spring' });
    expect(updated.leadSource).toBe('Form: Demo request');
    const history = await t.db.query('SELECT state, method, text_version FROM consent_events WHERE contact_id = $1 ORDER BY id', [
      contact.id,
    ]);
    expect(history.rows).toEqual([
      { state: 'subscribed', method: 'form', text_version: form.consent.textVersion },
      { state: 'subscribed', method: 'form', text_version: form.consent.textVersion },
    ]);

    const subs = (await owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    expect(subs.map((s: { contactId: string; contactCreated: boolean }) => [s.contactId, s.contactCreated])).toEqual([
      [contact.id, false],
      [contact.id, true],
    ]);
    expect(subs[0].utm).toEqual({ source: 'ads' });
    expect(subs[1]).toMatchObject({ pageUrl: PAGE, contactEmail: 'ada.lovelace@example.com', contactName: 'Ada Lovelace' });
    expect((await owner.get(`/api/v1/forms/${form.id}`)).json().submissionCount).toBe(2);

    const events = await t.db.query<{ type: string }>(
      "SELECT type FROM outbox_events WHERE type IN ('contact.created', 'contact.updated', 'activity.created', 'form.submitted') AND (record_id = $1 OR record_id = $2 OR type = 'activity.created') ORDER BY id",
      [contact.id, form.id],
    );
    expect(events.rows.map((r) => r.type)).toEqual([
      'contact.created',
      'activity.created',
      'form.submitted',
      'contact.updated',
      'activity.created',
      'form.submitted',
    ]);
  });

  it('moves an existing contact forward through lifecycle stages, never back', async () => {
    const form = await makeForm({ lifecycleStage: 'lead' });
    const customer = (await owner.post('/api/v1/contacts', { email: 'buyer@example.com', lifecycleStage: 'customer' })).json();
    const subscriber = (await owner.post('/api/v1/contacts', { email: 'reader@example.com', lifecycleStage: 'subscriber' })).json();
    for (const email of ['buyer@example.com', 'reader@example.com']) {
      expect((await submit(form, { values: { email, 'custom.plan': 'free' } })).statusCode).toBe(200);
    }
    expect((await owner.get(`/api/v1/contacts/${customer.id}`)).json().lifecycleStage).toBe('customer');
    expect((await owner.get(`/api/v1/contacts/${subscriber.id}`)).json().lifecycleStage).toBe('lead');
  });

  it('answers wrong answers with a 422 naming each field, and writes nothing', async () => {
    const form = await makeForm({ consent: { enabled: true, text: 'Yes, email me.', required: true } });
    const before = await counts();
    const missing = await submit(form, { values: { firstName: 'No email' } });
    expect(missing.statusCode).toBe(422);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(missing.json().code).toBe('unprocessable');
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toEqual(['email', 'custom.plan', 'consent']);
    const bad = await submit(form, { values: { email: 'not-an-email', 'custom.plan': 'enterprise' }, consent: true });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['email']);
    const badOption = await submit(form, { values: { email: 'valid@example.com', 'custom.plan': 'enterprise' }, consent: true });
    expect(badOption.statusCode).toBe(422);
    expect(badOption.json().errors).toEqual([expect.objectContaining({ field: 'custom.plan' })]);
    const shape = await submit(form, { values: { email: 'valid@example.com' }, extra: true });
    expect(shape.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('answers a filled honeypot like a success but writes nothing', async () => {
    const form = await makeForm();
    const before = await counts();
    const res = await submit(form, { values: { email: 'bot@spam.example', 'custom.plan': 'pro' }, website: 'http://spam.example' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'received',
      thankYouMessage: 'Thanks, we will be in touch.',
      redirectUrl: null,
      confirmationRequired: false,
    });
    const html = await submitUrlEncoded(form, [
      ['email', 'bot2@spam.example'],
      ['custom.plan', 'pro'],
      ['website', 'buy now'],
    ]);
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('Thanks, we will be in touch.');
    expect(await counts()).toEqual(before);
    expect((await owner.get(`/api/v1/forms/${form.id}`)).json().submissionCount).toBe(0);
  });

  it(`limits each address to ${FORM_SUBMISSIONS_PER_MINUTE} submissions a minute per form, with 429 and Retry-After`, async () => {
    const form = await makeForm();
    const other = await makeForm({ name: 'Other form' });
    for (let i = 0; i < FORM_SUBMISSIONS_PER_MINUTE; i += 1) {
      const res = await submit(form, { values: { email: `burst${i}@example.com`, 'custom.plan': 'free' } });
      expect(res.statusCode).toBe(200);
    }
    const before = await counts();
    const limited = await submit(form, { values: { email: 'one-too-many@example.com', 'custom.plan': 'free' } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
    // Another address, or another form, is not held back.
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${form.publicId}/submissions`,
      remoteAddress: '203.0.113.9',
      headers: { origin: SITE },
      payload: { values: { email: 'other-ip@example.com', 'custom.plan': 'free' } },
    });
    expect(elsewhere.statusCode).toBe(200);
    expect((await submit(other, { values: { email: 'other-form@example.com', 'custom.plan': 'free' } })).statusCode).toBe(200);
  });

  it('allows CORS only for the allowed origins and the app itself, preflight and actual request', async () => {
    const form = await makeForm();
    const url = `/api/v1/public/forms/${form.publicId}/submissions`;
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const ok = await preflight(SITE);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SITE);
    expect(ok.headers['access-control-allow-methods']).toContain('POST');
    expect(ok.headers['access-control-allow-headers']).toContain('content-type');
    const own = await preflight('http://rapport.test');
    expect(own.headers['access-control-allow-origin']).toBe('http://rapport.test');
    const refused = await preflight('https://evil.example');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const before = await counts();
    const actual = await submit(form, { values: { email: 'cors@example.com', 'custom.plan': 'free' } }, { origin: 'https://evil.example' });
    expect(actual.statusCode).toBe(403);
    expect(actual.json().code).toBe('forbidden');
    expect(actual.headers['access-control-allow-origin']).toBeUndefined();
    expect(await counts()).toEqual(before);

    const definition = await t.app.inject({ method: 'GET', url: `/api/v1/public/forms/${form.publicId}`, headers: { origin: SITE } });
    expect(definition.statusCode).toBe(200);
    expect(definition.headers['access-control-allow-origin']).toBe(SITE);
    expect(definition.json()).toMatchObject({ publicId: form.publicId, honeypot: 'website', consent: { required: false } });
    expect(definition.body).not.toContain(ownerId);
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/public/forms/${form.publicId}`,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);

    const open = await makeForm({ allowedOrigins: ['*'] });
    const anywhere = await submit(
      open,
      { values: { email: 'anywhere@example.com', 'custom.plan': 'free' } },
      { origin: 'https://any.example' },
    );
    expect(anywhere.statusCode).toBe(200);
    expect(anywhere.headers['access-control-allow-origin']).toBe('https://any.example');
  });

  it('takes a plain HTML form post: redirects, shows a thank-you page, or shows the form again with what to fix', async () => {
    const redirecting = await makeForm({ redirectUrl: 'https://www.example.com/thanks' });
    const res = await submitUrlEncoded(
      redirecting,
      [
        ['email', 'plain@example.com'],
        ['firstName', 'Plain'],
        ['custom.plan', 'pro'],
        ['consent', 'true'],
        ['utm_source', 'flyer'],
        ['website', ''],
      ],
      { origin: SITE, referer: `${SITE}/signup` },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('https://www.example.com/thanks');
    const contact = (await owner.get('/api/v1/contacts?q=plain@example.com')).json().data[0];
    expect(contact).toMatchObject({ firstName: 'Plain', utm: { source: 'flyer' } });
    const sub = (await owner.get(`/api/v1/forms/${redirecting.id}/submissions`)).json().data[0];
    expect(sub).toMatchObject({ pageUrl: `${SITE}/signup`, consent: { channels: ['email'] } });

    const thanking = await makeForm();
    const page = await submitUrlEncoded(thanking, [
      ['email', 'page@example.com'],
      ['custom.plan', 'free'],
    ]);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Thanks, we will be in touch.');

    const before = await counts();
    const wrong = await submitUrlEncoded(thanking, [
      ['email', 'nope'],
      ['firstName', '<b>Bold</b>'],
      ['pageUrl', `${SITE}/x`],
    ]);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.headers['content-type']).toContain('text/html');
    expect(wrong.body).toContain('Enter a valid email address');
    expect(wrong.body).toContain('This field is required');
    expect(wrong.body).toContain('value="&lt;b&gt;Bold&lt;/b&gt;"');
    expect(wrong.body).not.toContain('<b>Bold</b>');
    expect(wrong.body).toContain(`name="pageUrl" value="${SITE}/x"`);
    expect(await counts()).toEqual(before);
  });

  it('serves the hosted page (counting a view), the embed script, and refuses archived or unknown forms', async () => {
    const form = await makeForm();
    const page = await t.app.inject({ method: 'GET', url: `/f/${form.publicId}?utm_source=qr&utm_campaign=expo` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<label for="rf-');
    expect(page.body).toContain(`action="http://rapport.test/api/v1/public/forms/${form.publicId}/submissions"`);
    expect(page.body).toContain('name="utm_source" value="qr"');
    expect(page.body).toContain('name="website"');
    expect(page.body).toContain('Email me product news.');
    expect((await owner.get(`/api/v1/forms/${form.id}`)).json().viewCount).toBe(1);

    const script = await t.app.inject({ method: 'GET', url: `/api/v1/public/forms/${form.publicId}/embed.js` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain(JSON.stringify(form.publicId));

    await owner.patch(`/api/v1/forms/${form.id}`, { status: 'archived' });
    const closed = await submit(form, { values: { email: 'late@example.com', 'custom.plan': 'free' } });
    expect(closed.statusCode).toBe(410);
    expect((await t.app.inject({ method: 'GET', url: `/f/${form.publicId}` })).statusCode).toBe(410);
    expect((await t.app.inject({ method: 'GET', url: '/f/doesnotexist0' })).statusCode).toBe(404);
    expect((await submit({ ...form, publicId: 'doesnotexist0' }, { values: {} })).statusCode).toBe(404);
  });
});
