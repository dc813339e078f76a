import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, invitationToken, sessionCookie, signUp, type TestApp, uniqueEmail } from '../../../test/helpers.ts';
import { startSmtp } from '../../../test/smtp.ts';

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Rapport <rapport@example.com>' }, 'from-config');
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

function tokenFromMail(raw: string): string {
  const unfolded = raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const m = /\/invitations\/([\w%-]+)/.exec(unfolded) ?? /token=([\w%-]+)/.exec(unfolded);
  if (!m?.[1]) throw new Error(`no link in mail:\n${raw}`);
  return decodeURIComponent(m[1]);
}

describe('invitations by link, delivered over SMTP', () => {
  it('emails the link; a new person joins with the invited role by choosing a name and password', async () => {
    const { client, workspaceId } = await signUp(t.app, { workspaceName: 'Globex' });
    const email = uniqueEmail('newbie');
    const res = await client.post('/api/v1/invitations', { email, role: 'manager' });
    expect(res.statusCode).toBe(201);
    const mail = smtp.messages.find((m) => m.to.includes(email));
    expect(mail?.raw).toContain('Globex');
    const token = tokenFromMail(mail?.raw ?? '');
    expect(res.json().url).toContain(encodeURIComponent(token));

    const preview = await t.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${encodeURIComponent(token)}` });
    expect(preview.json()).toEqual({ workspaceName: 'Globex', email, role: 'manager', accountExists: false });

    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'short' } });
    expect(missing.statusCode).toBe(400);
    expect(
      missing
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.name', 'body.password']);

    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, name: 'Nina', password: 'a good long password' },
    });
    expect(accept.statusCode).toBe(200);
    expect(accept.json()).toMatchObject({ workspace: { id: workspaceId }, role: 'manager', user: { email, name: 'Nina' } });
    const nina = new Client(t.app, { cookie: sessionCookie(accept), csrfToken: accept.json().csrfToken });
    expect((await nina.get('/api/v1/me')).json().role).toBe('manager');

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, name: 'Nina', password: 'a good long password' },
    });
    expect(again.statusCode).toBe(404);
    expect((await client.get('/api/v1/invitations')).json().data).toHaveLength(0);
  });

  it('an existing account joins with its own password, and gets a second workspace', async () => {
    const existing = await signUp(t.app, { workspaceName: 'Home' });
    const { client, workspaceId } = await signUp(t.app, { workspaceName: 'Initech' });
    await client.post('/api/v1/invitations', { email: existing.email, role: 'member' });
    const token = tokenFromMail(smtp.messages.filter((m) => m.to.includes(existing.email)).at(-1)?.raw ?? '');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, password: 'not my password' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, password: existing.password },
    });
    expect(ok.statusCode).toBe(200);
    const me = await existing.client.get('/api/v1/me');
    expect(
      me
        .json()
        .workspaces.map((w: { name: string }) => w.name)
        .sort(),
    ).toEqual(['Home', 'Initech']);
    expect((await existing.client.in(workspaceId).get('/api/v1/me')).json().role).toBe('member');
  });

  it('a revoked invitation link stops working; inviting a current member is a 409', async () => {
    const { client, email } = await signUp(t.app);
    const res = await client.post('/api/v1/invitations', { email: uniqueEmail(), role: 'member' });
    const token = invitationToken(res.json().url);
    expect((await client.delete(`/api/v1/invitations/${res.json().invitation.id}`)).statusCode).toBe(204);
    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, name: 'X', password: 'a good long password' },
    });
    expect(accept.statusCode).toBe(404);
    const self = await client.post('/api/v1/invitations', { email, role: 'member' });
    expect(self.statusCode).toBe(409);
    expect(self.json().errors[0].field).toBe('body.email');
  });

  it('password reset mail goes out over SMTP too', async () => {
    const { email } = await signUp(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
    expect(res.statusCode).toBe(202);
    const mail = smtp.messages.filter((m) => m.to.includes(email)).at(-1);
    expect(mail?.raw).toContain('Reset your Rapport password');
    expect(tokenFromMail(mail?.raw ?? '').length).toBeGreaterThan(20);
  });
});

describe('members', () => {
  it('records every membership change in the audit log with who did it and the field diff', async () => {
    const { client, userId } = await signUp(t.app);
    const inv = await client.post('/api/v1/invitations', { email: uniqueEmail(), role: 'member' });
    const token = invitationToken(inv.json().url);
    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, name: 'M', password: 'a good long password' },
    });
    const memberUserId = accept.json().user.id;
    const members = (await client.get('/api/v1/members')).json().data;
    const member = members.find((m: { userId: string }) => m.userId === memberUserId);
    await client.patch(`/api/v1/members/${member.id}`, { role: 'read_only' });
    await client.delete(`/api/v1/members/${member.id}`);
    const log = (await client.get(`/api/v1/record-changes?recordType=member&recordId=${member.id}`)).json().data;
    expect(log.map((c: { action: string }) => c.action)).toEqual(['delete', 'update', 'create']);
    expect(log[1]).toMatchObject({ actorType: 'user', actorId: userId, changes: { role: { from: 'member', to: 'read_only' } } });
    expect(log[2]).toMatchObject({ actorId: memberUserId, changes: { role: { from: null, to: 'member' } } });
    expect((await client.get(`/api/v1/members/${member.id}`)).statusCode).toBe(404);
  });
});
