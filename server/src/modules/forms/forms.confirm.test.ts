import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { startSmtp } from '../../../test/smtp.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let owner: Client;
const SITE = 'https://www.example.com';
const CONSENT_TEXT = 'Email me the monthly newsletter. Unsubscribe any time.';

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Rapport <rapport@example.com>' }, 'from-config');
  owner = (await signUp(t.app, { workspaceName: 'Acme Letters' })).client;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

type Form = { id: string; publicId: string; consent: { textVersion: string; doubleOptIn: boolean } };

async function makeForm(over: Record<string, unknown> = {}): Promise<Form> {
  const res = await owner.post('/api/v1/forms', {
    name: 'Monthly newsletter',
    fields: [
      { key: 'email', label: 'Email' },
      { key: 'firstName', label: 'First name' },
    ],
    consent: { enabled: true, channels: ['email'], text: CONSENT_TEXT, doubleOptIn: true },
    thankYouMessage: 'Thanks for signing up!',
    allowedOrigins: [SITE],
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

const submit = (form: Form, body: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${form.publicId}/submissions`, headers: { origin: SITE }, payload: body });
const openLink = (path: string) => t.app.inject({ method: 'GET', url: path });
/** The confirm button as a browser sends it: an empty urlencoded form posted to the page's own address. */
const pressConfirm = (path: string) =>
  t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
const confirmByApi = (form: Form, token: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/public/forms/${form.publicId}/confirmations`, payload: { token } });

/** The confirm link of the last email to `to`, as a path on the server (the mail may be quoted-printable). */
async function linkMailedTo(to: string): Promise<{ path: string; token: string; raw: string }> {
  for (let i = 0; i < 50 && !smtp.messages.some((m) => m.to.includes(to)); i++) await new Promise((r) => setTimeout(r, 20));
  const raw = smtp.messages.filter((m) => m.to.includes(to)).at(-1)?.raw ?? '';
  const text = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const m = /http:\/\/rapport\.test(\/f\/[\w-]+\/confirm\/([\w-]+))/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`no confirm link in mail to ${to}:\n${raw}`);
  return { path: m[1], token: m[2], raw: text };
}

async function contactByEmail(email: string) {
  const [found] = (await owner.get(`/api/v1/contacts?q=${encodeURIComponent(email)}`)).json().data;
  return found ? (await owner.get(`/api/v1/contacts/${found.id}`)).json() : undefined;
}

const consentHistory = async (contactId: string) =>
  (
    await t.db.query<{ state: string; method: string; source: string; text_version: string }>(
      'SELECT state, method, source, text_version FROM consent_events WHERE contact_id = $1 ORDER BY id',
      [contactId],
    )
  ).rows;

const contactEvents = async (contactId: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox_events WHERE record_id = $1', [contactId])).rows[0]?.n;

const mailsTo = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;

describe('double opt-in', () => {
  it('leaves consent pending and emails a link; opening it changes nothing, its button confirms once', async () => {
    const form = await makeForm();
    expect(form.consent.doubleOptIn).toBe(true);
    const email = 'ada@letters.example';
    const res = await submit(form, { values: { email, firstName: 'Ada' }, consent: true, pageUrl: `${SITE}/news` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'received', confirmationRequired: true });
    expect(res.json().thankYouMessage).toMatch(
      /^Thanks for signing up!\n\nTo confirm your subscription, open the link we have emailed you/,
    );

    const pending = await contactByEmail(email);
    expect(pending.consent.email).toMatchObject({ state: 'pending', method: 'form', textVersion: form.consent.textVersion });
    expect(pending.consent.email.source).toContain(form.id);
    expect((await consentHistory(pending.id)).map((e) => [e.state, e.method, e.text_version])).toEqual([
      ['pending', 'form', form.consent.textVersion],
    ]);

    const mail = await linkMailedTo(email);
    expect(mail.raw).toContain('Subject: Please confirm your subscription to Acme Letters');
    expect(mail.raw).toContain(CONSENT_TEXT);
    expect(mail.path).toBe(`/f/${form.publicId}/confirm/${mail.token}`);
    // Only the token's hash is stored.
    const stored = await t.db.query<{ token_hash: string; expires_at: Date }>(
      'SELECT token_hash, expires_at FROM form_consent_confirmations WHERE contact_id = $1',
      [pending.id],
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]?.token_hash).not.toContain(mail.token);
    const days = ((stored.rows[0]?.expires_at.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    // A mail scanner (or the person) opening the link, twice: a page with a button, nothing changed.
    const eventsBefore = await contactEvents(pending.id);
    for (let i = 0; i < 2; i++) {
      const page = await openLink(mail.path);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.body).toContain(`<form method="post" action="${mail.path}">`);
      expect(page.body).toContain('Confirm my subscription');
    }
    expect((await contactByEmail(email)).consent.email.state).toBe('pending');
    expect(await consentHistory(pending.id)).toHaveLength(1);
    expect(await contactEvents(pending.id)).toBe(eventsBefore);
    const listed = (await owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    expect(listed.map((s: { confirmation: string }) => s.confirmation)).toEqual(['pending']);

    const confirmed = await pressConfirm(mail.path);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.body).toContain('your subscription is confirmed');
    const after = await contactByEmail(email);
    expect(after.consent.email).toMatchObject({ state: 'subscribed', method: 'form', textVersion: form.consent.textVersion });
    expect(after.consent.email.source).toContain(form.id);
    expect(after.consent.email.source).toContain('confirmed from the emailed link');
    expect(Date.parse(after.consent.email.updatedAt)).toBeGreaterThan(Date.parse(pending.consent.email.updatedAt));
    expect((await consentHistory(pending.id)).map((e) => [e.state, e.method, e.text_version])).toEqual([
      ['pending', 'form', form.consent.textVersion],
      ['subscribed', 'form', form.consent.textVersion],
    ]);
    // The same event a consent change through the API emits: contact.updated with the consent change.
    const updated = await t.db.query<{
      payload: { changes: { consent: { from: { email: { state: string } }; to: { email: { state: string } } } } };
    }>(`SELECT payload FROM outbox_events WHERE record_id = $1 AND type = 'contact.updated' ORDER BY id DESC LIMIT 1`, [pending.id]);
    expect(updated.rows[0]?.payload.changes.consent.from.email.state).toBe('pending');
    expect(updated.rows[0]?.payload.changes.consent.to.email.state).toBe('subscribed');
    expect((await owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data[0].confirmation).toBe('confirmed');

    // Used: the page, the button and the API all refuse, and nothing more is written.
    const reopened = await openLink(mail.path);
    expect(reopened.statusCode).toBe(410);
    expect(reopened.body).toContain('This link was used already');
    expect((await pressConfirm(mail.path)).statusCode).toBe(410);
    const reused = await confirmByApi(form, mail.token);
    expect(reused.statusCode).toBe(410);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.json()).toMatchObject({ code: 'gone', errors: [{ field: 'body.token', code: 'link_used' }] });
    expect(await consentHistory(pending.id)).toHaveLength(2);
  });

  it('keeps a subscribed contact subscribed without an email, and asks an unsubscribed one to confirm again', async () => {
    const form = await makeForm();
    const subscribed = await owner.post('/api/v1/contacts', {
      firstName: 'Sub',
      email: 'sub@letters.example',
      consent: { email: { state: 'subscribed' } },
    });
    const again = await submit(form, { values: { email: 'sub@letters.example' }, consent: true });
    expect(again.statusCode).toBe(200);
    // The answer is the same as for anyone, so it never tells who is subscribed.
    expect(again.json().confirmationRequired).toBe(true);
    const sub = await contactByEmail('sub@letters.example');
    expect(sub.consent.email.state).toBe('subscribed');
    expect((await consentHistory(subscribed.json().id)).map((e) => e.state)).toEqual(['subscribed', 'subscribed']);
    const submissions = (await owner.get(`/api/v1/forms/${form.id}/submissions`)).json().data;
    expect(submissions).toHaveLength(1);
    expect(submissions[0]).toMatchObject({ contactId: sub.id, confirmation: null });

    const gone = await owner.post('/api/v1/contacts', {
      firstName: 'Gone',
      email: 'gone@letters.example',
      consent: { email: { state: 'unsubscribed' } },
    });
    const back = await submit(form, { values: { email: 'Gone@Letters.example' }, consent: true });
    expect(back.statusCode).toBe(200);
    expect((await contactByEmail('gone@letters.example')).consent.email.state).toBe('pending');
    const { token } = await linkMailedTo('gone@letters.example');
    const confirmed = await confirmByApi(form, token);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ status: 'confirmed', channels: ['email'], message: 'Thank you: your subscription is confirmed.' });
    expect((await consentHistory(gone.json().id)).map((e) => e.state)).toEqual(['unsubscribed', 'pending', 'subscribed']);
    // No email was sent to the subscribed contact.
    expect(mailsTo('sub@letters.example')).toBe(0);

    // Without the box ticked: no consent, no email.
    const unticked = await submit(form, { values: { email: 'quiet@letters.example' } });
    expect(unticked.json().confirmationRequired).toBe(false);
    expect((await contactByEmail('quiet@letters.example')).consent.email.state).toBe('never_subscribed');
    expect(mailsTo('quiet@letters.example')).toBe(0);
  });

  it('a plain HTML post says to check the inbox; a form without double opt-in subscribes at once and sends nothing', async () => {
    const form = await makeForm();
    const html = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${form.publicId}/submissions`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'plain@letters.example', consent: 'on' }).toString(),
    });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('To confirm your subscription, open the link we have emailed you');
    expect((await linkMailedTo('plain@letters.example')).token).toBeTruthy();

    const direct = await makeForm({ consent: { enabled: true, channels: ['email'], text: CONSENT_TEXT } });
    expect(direct.consent.doubleOptIn).toBe(false);
    const res = await submit(direct, { values: { email: 'direct@letters.example' }, consent: true });
    expect(res.json()).toMatchObject({ confirmationRequired: false, thankYouMessage: 'Thanks for signing up!' });
    expect((await contactByEmail('direct@letters.example')).consent.email.state).toBe('subscribed');
    expect(mailsTo('direct@letters.example')).toBe(0);
  });

  it('refuses expired, unknown and withdrawn links with a clear page and problem+json, changing nothing', async () => {
    const form = await makeForm();
    await submit(form, { values: { email: 'late@letters.example' }, consent: true });
    const late = await linkMailedTo('late@letters.example');
    await t.db.query("UPDATE form_consent_confirmations SET expires_at = now() - interval '1 minute' WHERE form_id = $1", [form.id]);
    const expiredPage = await openLink(late.path);
    expect(expiredPage.statusCode).toBe(410);
    expect(expiredPage.headers['content-type']).toContain('text/html');
    expect(expiredPage.body).toContain('This link has expired');
    expect((await pressConfirm(late.path)).statusCode).toBe(410);
    const expiredApi = await confirmByApi(form, late.token);
    expect(expiredApi.statusCode).toBe(410);
    expect(expiredApi.json().errors[0].code).toBe('link_expired');
    expect((await contactByEmail('late@letters.example')).consent.email.state).toBe('pending');

    const madeUp = `/f/${form.publicId}/confirm/${'x'.repeat(43)}`;
    const unknownPage = await openLink(madeUp);
    expect(unknownPage.statusCode).toBe(404);
    expect(unknownPage.body).toContain('This confirmation link is not valid');
    expect((await pressConfirm(madeUp)).statusCode).toBe(404);
    const unknownApi = await confirmByApi(form, 'x'.repeat(43));
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.headers['content-type']).toContain('application/problem+json');
    const badBody = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${form.publicId}/confirmations`,
      payload: { token: 1 },
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.token']);

    // A link of one form does not work on another form's address.
    await submit(form, { values: { email: 'twice@letters.example' }, consent: true });
    const twice = await linkMailedTo('twice@letters.example');
    const other = await makeForm();
    expect((await openLink(`/f/${other.publicId}/confirm/${twice.token}`)).statusCode).toBe(404);
    expect((await confirmByApi(other, twice.token)).statusCode).toBe(404);

    // Withdrawn after asking: the old link does not subscribe them.
    const contact = await contactByEmail('twice@letters.example');
    await owner.patch(`/api/v1/contacts/${contact.id}`, { consent: { email: { state: 'unsubscribed' } } });
    const withdrawn = await pressConfirm(twice.path);
    expect(withdrawn.statusCode).toBe(410);
    expect(withdrawn.body).toContain('was withdrawn since');
    expect((await contactByEmail('twice@letters.example')).consent.email.state).toBe('unsubscribed');
    // Refused links stay unused: nothing was written.
    const used = await t.db.query(
      'SELECT count(*)::int AS n FROM form_consent_confirmations WHERE confirmed_at IS NOT NULL AND form_id = $1',
      [form.id],
    );
    expect(used.rows[0]).toEqual({ n: 0 });
  });

  it('validates the setting: double opt-in needs the consent box and email only; bad input is a 400 and changes nothing', async () => {
    const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM forms')).rows[0]?.n;
    const before = await count();
    const fieldsOf = (res: { json(): { errors?: { field: string }[] } }) => (res.json().errors ?? []).map((e) => e.field);
    const off = await owner.post('/api/v1/forms', {
      name: 'No box',
      fields: [{ key: 'email', label: 'Email' }],
      consent: { enabled: false, channels: ['email'], text: '', doubleOptIn: true },
    });
    expect(off.statusCode).toBe(400);
    expect(off.json().code).toBe('validation_failed');
    expect(fieldsOf(off)).toEqual(['body.consent.doubleOptIn']);
    const sms = await owner.post('/api/v1/forms', {
      name: 'SMS',
      fields: [
        { key: 'email', label: 'Email' },
        { key: 'phone', label: 'Phone' },
      ],
      consent: { enabled: true, channels: ['email', 'sms'], text: CONSENT_TEXT, doubleOptIn: true },
    });
    expect(sms.statusCode).toBe(400);
    expect(fieldsOf(sms)).toEqual(['body.consent.doubleOptIn']);
    const wrongType = await owner.post('/api/v1/forms', {
      name: 'Typo',
      fields: [{ key: 'email', label: 'Email' }],
      consent: { enabled: true, channels: ['email'], text: CONSENT_TEXT, doubleOptIn: 'yes' },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(fieldsOf(wrongType)).toEqual(['body.consent.doubleOptIn']);
    expect(await count()).toBe(before);

    const form = await makeForm({ consent: { enabled: true, channels: ['email'], text: CONSENT_TEXT } });
    const etag = (await owner.get(`/api/v1/forms/${form.id}`)).headers.etag;
    const patch = await owner.patch(`/api/v1/forms/${form.id}`, { consent: { enabled: false, text: '', doubleOptIn: true } });
    expect(patch.statusCode).toBe(400);
    expect(fieldsOf(patch)).toEqual(['body.consent.doubleOptIn']);
    const current = await owner.get(`/api/v1/forms/${form.id}`);
    expect(current.headers.etag).toBe(etag);
    expect(current.json().consent).toMatchObject({ enabled: true, doubleOptIn: false });

    const on = await owner.patch(`/api/v1/forms/${form.id}`, { consent: { enabled: true, text: CONSENT_TEXT, doubleOptIn: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().consent.doubleOptIn).toBe(true);
  });
});

describe('double opt-in with a mail server that refuses', () => {
  it('answers 503 so the visitor tries again, and keeps the submission with its consent pending', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const port = (refusing.server.address() as AddressInfo).port;
    const app = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` }, 'from-config');
    try {
      const client = (await signUp(app.app)).client;
      const form = (
        await client.post('/api/v1/forms', {
          name: 'Letters',
          fields: [{ key: 'email', label: 'Email' }],
          consent: { enabled: true, channels: ['email'], text: CONSENT_TEXT, doubleOptIn: true },
        })
      ).json();
      const res = await app.app.inject({
        method: 'POST',
        url: `/api/v1/public/forms/${form.publicId}/submissions`,
        payload: { values: { email: 'bounce@letters.example' }, consent: true },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'unavailable', detail: expect.stringContaining('could not send the confirmation email') });
      const [contact] = (await client.get('/api/v1/contacts?q=bounce@letters.example')).json().data;
      expect(contact.consent.email.state).toBe('pending');
      expect(
        (await client.get(`/api/v1/forms/${form.id}/submissions`)).json().data.map((s: { confirmation: string }) => s.confirmation),
      ).toEqual(['pending']);
    } finally {
      await app.close();
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });
});
