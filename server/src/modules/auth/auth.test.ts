import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, Client, createTestApp, sessionCookie, signUp, type TestApp, uniqueEmail } from '../../../test/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
});
afterAll(() => t.close());

describe('sign-up and sign-in', () => {
  it('creates a user, a workspace with the user as owner, and a session cookie', async () => {
    const email = uniqueEmail();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: `  ${email.toUpperCase()} `, password: 'long enough pw', name: 'Ada', workspaceName: 'Analytical' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user.email).toBe(email);
    expect(body.workspace.name).toBe('Analytical');
    expect(body.role).toBe('owner');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const cookie = res.cookies.find((c) => c.name === 'rapport_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(body.user).not.toHaveProperty('passwordHash');
    const stored = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [email]);
    expect(stored.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    const owners = await t.db.query("SELECT 1 FROM memberships WHERE workspace_id = $1 AND role = 'owner'", [body.workspace.id]);
    expect(owners.rowCount).toBe(1);
  });

  it('refuses a second account with the same email (any case) with 409 naming the field', async () => {
    const { email } = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: email.toUpperCase(), password: 'long enough pw', name: 'B', workspaceName: 'W' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'body.email' }] });
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'true' });
    try {
      const res = await proxied.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: uniqueEmail(), password: 'long enough pw', name: 'S', workspaceName: 'Secure' },
      });
      expect(res.cookies.find((c) => c.name === 'rapport_session')?.secure).toBe(true);
      const plain = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email: uniqueEmail(), password: 'long enough pw', name: 'P', workspaceName: 'Plain' },
      });
      expect(plain.cookies.find((c) => c.name === 'rapport_session')?.secure).toBeFalsy();
    } finally {
      await proxied.close();
    }
  });

  it('signs in with the right password, sets a cookie, and /me answers', async () => {
    const { email, password, workspaceId } = await signUp(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    expect(res.statusCode).toBe(200);
    const client = new Client(t.app, { cookie: sessionCookie(res), csrfToken: res.json().csrfToken });
    const me = await client.get('/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { email }, workspace: { id: workspaceId }, role: 'owner', via: 'session' });
  });

  it('answers a wrong password with 401 and the same message as an unknown account', async () => {
    const { email } = await signUp(t.app);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password' } });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: uniqueEmail('nobody'), password: 'whatever it is' },
      remoteAddress: '10.9.9.9',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('throttles an account after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const { email, password } = await signUp(t.app);
    for (let i = 0; i < 3; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'bad password' },
        remoteAddress: `10.0.1.${i}`,
      });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: '10.0.2.1',
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('throttles an IP that tries many accounts', async () => {
    const ip = '10.7.7.7';
    for (let i = 0; i < 3; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: uniqueEmail('spray'), password: 'guess guess' },
        remoteAddress: ip,
      });
    }
    const { email, password } = await signUp(t.app);
    const blocked = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });
    expect(blocked.statusCode).toBe(429);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: '10.7.7.8',
    });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('logout revokes the session server-side: the old cookie stops working', async () => {
    const { client } = await signUp(t.app);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
    expect((await client.post('/api/v1/auth/logout')).statusCode).toBe(204);
    const after = await client.get('/api/v1/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthorized');
  });

  it('lists sessions and revokes another one', async () => {
    const { client, email, password } = await signUp(t.app);
    const second = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    const other = new Client(t.app, { cookie: sessionCookie(second), csrfToken: second.json().csrfToken });
    const list = await client.get('/api/v1/sessions');
    expect(list.json().data).toHaveLength(2);
    const target = list.json().data.find((s: { current: boolean }) => !s.current);
    expect((await client.delete(`/api/v1/sessions/${target.id}`)).statusCode).toBe(204);
    expect((await other.get('/api/v1/me')).statusCode).toBe(401);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
  });

  it('rejects an expired session', async () => {
    const { client, userId } = await signUp(t.app);
    await t.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [userId]);
    expect((await client.get('/api/v1/me')).statusCode).toBe(401);
  });

  it('requires the CSRF token for cookie-authenticated writes', async () => {
    const { client } = await signUp(t.app);
    const without = await client.post('/api/v1/invitations', { email: uniqueEmail(), role: 'member' }, { 'x-csrf-token': '' });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('csrf_failed');
    const wrong = await client.post(
      '/api/v1/invitations',
      { email: uniqueEmail(), role: 'member' },
      { 'x-csrf-token': 'forged-token-value' },
    );
    expect(wrong.statusCode).toBe(403);
    const invitations = await client.get('/api/v1/invitations');
    expect(invitations.json().data).toHaveLength(0);
    const right = await client.post('/api/v1/invitations', { email: uniqueEmail(), role: 'member' });
    expect(right.statusCode).toBe(201);
  });
});

describe('password reset', () => {
  it('emails a single-use link that sets a new password and signs out every session', async () => {
    const { client, email } = await signUp(t.app);
    const before = t.mailer.sent.length;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
    expect(res.statusCode).toBe(202);
    const mail = t.mailer.sent[before];
    expect(mail?.to).toBe(email);
    const token = decodeURIComponent(/token=([^\s]+)/.exec(mail?.text ?? '')?.[1] ?? '');
    expect(token.length).toBeGreaterThan(20);
    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a brand new password' },
    });
    expect(confirm.statusCode).toBe(204);
    expect((await client.get('/api/v1/me')).statusCode).toBe(401);
    const reuse = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'yet another password' },
    });
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json().errors[0].field).toBe('body.token');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'a brand new password' } });
    expect(login.statusCode).toBe(200);
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const before = t.mailer.sent.length;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: uniqueEmail('ghost') } });
    expect(res.statusCode).toBe(202);
    expect(t.mailer.sent.length).toBe(before);
  });
});

describe('profile (PATCH /me)', () => {
  const login = (email: string, password: string, ip = '10.3.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });

  it('renames the signed-in user everywhere they appear', async () => {
    const { client, userId } = await signUp(t.app, { name: 'Ada' });
    const res = await client.patch('/api/v1/me', { name: '  Ada Lovelace ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: userId, name: 'Ada Lovelace' });
    expect((await client.get('/api/v1/me')).json().user.name).toBe('Ada Lovelace');
    const members = (await client.get('/api/v1/members')).json().data;
    expect(members.find((m: { userId: string }) => m.userId === userId).name).toBe('Ada Lovelace');
    const empty = await client.patch('/api/v1/me', { name: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('body.name');
    expect((await client.get('/api/v1/me')).json().user.name).toBe('Ada Lovelace');
  });

  it('changes the password with the current one and signs out the other sessions only', async () => {
    const { client, email, password, userId } = await signUp(t.app);
    const other = await login(email, password);
    const otherClient = new Client(t.app, { cookie: sessionCookie(other), csrfToken: other.json().csrfToken });
    const before = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
    const res = await client.patch('/api/v1/me', { currentPassword: password, newPassword: 'a much newer password' });
    expect(res.statusCode).toBe(200);
    const after = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(after.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(after.rows[0]?.password_hash).not.toBe(before.rows[0]?.password_hash);
    expect((await client.get('/api/v1/me')).statusCode).toBe(200);
    expect((await otherClient.get('/api/v1/me')).statusCode).toBe(401);
    expect((await login(email, password)).statusCode).toBe(401);
    expect((await login(email, 'a much newer password')).statusCode).toBe(200);
  });

  it('refuses a wrong or missing current password and a short new one with field errors, changing nothing', async () => {
    const { client, email, password, userId } = await signUp(t.app, { name: 'Unchanged' });
    const before = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
    const wrong = await client.patch('/api/v1/me', {
      name: 'Renamed',
      currentPassword: 'not my password',
      newPassword: 'another new password',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'body.currentPassword', code: 'incorrect_password' }],
    });
    const missing = await client.patch('/api/v1/me', { newPassword: 'another new password' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'body.currentPassword', code: 'required' })]);
    const short = await client.patch('/api/v1/me', { currentPassword: password, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].field).toBe('body.newPassword');
    const unknown = await client.patch('/api/v1/me', { email: 'new@example.com' });
    expect(unknown.statusCode).toBe(400);
    const after = await t.db.query<{ password_hash: string; name: string }>('SELECT password_hash, name FROM users WHERE id = $1', [
      userId,
    ]);
    expect(after.rows[0]).toEqual({ password_hash: before.rows[0]?.password_hash, name: 'Unchanged' });
    expect((await login(email, password)).statusCode).toBe(200);
  });

  it('throttles repeated wrong current passwords without locking sign-in', async () => {
    const { client, email, password } = await signUp(t.app);
    for (let i = 0; i < 3; i++) {
      const r = await client.patch('/api/v1/me', { currentPassword: `wrong guess ${i}`, newPassword: 'another new password' });
      expect(r.statusCode).toBe(400);
    }
    const blocked = await client.patch('/api/v1/me', { currentPassword: password, newPassword: 'another new password' });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(email, password, '10.3.0.9')).statusCode).toBe(200);
  });

  it('is refused to API keys, which act on workspace data, not on the account', async () => {
    const { client } = await signUp(t.app, { name: 'Keyholder' });
    const { client: key } = await apiKeyClient(client);
    const res = await key.patch('/api/v1/me', { name: 'Changed by a script' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect((await client.get('/api/v1/me')).json().user.name).toBe('Keyholder');
  });

  it('requires the CSRF token like every cookie write', async () => {
    const { client } = await signUp(t.app, { name: 'Guarded' });
    const res = await client.patch('/api/v1/me', { name: 'Forged' }, { 'x-csrf-token': 'forged-token-value' });
    expect(res.statusCode).toBe(403);
    expect((await client.get('/api/v1/me')).json().user.name).toBe('Guarded');
  });
});

describe('permissions in /me', () => {
  it('lists what the role may do and which roles it may grant', async () => {
    const { client } = await signUp(t.app);
    const owner = (await client.get('/api/v1/me')).json();
    expect(owner.permissions).toEqual(expect.arrayContaining(['workspace.update', 'members.update_role', 'api_keys.manage']));
    expect(owner.grantableRoles).toEqual(['owner', 'admin', 'manager', 'member', 'read_only']);
    const { client: admin } = await addMember(client, 'admin');
    expect((await admin.get('/api/v1/me')).json().grantableRoles).toEqual(['admin', 'manager', 'member', 'read_only']);
    const { client: member } = await addMember(client, 'member');
    const asMember = (await member.get('/api/v1/me')).json();
    expect(asMember.permissions).toContain('records.create');
    expect(asMember.permissions).not.toContain('members.update_role');
    expect(asMember.permissions).not.toContain('pipelines.manage');
    expect(asMember.grantableRoles).toEqual([]);
    const { client: readKey } = await apiKeyClient(client, 'read');
    const asKey = (await readKey.get('/api/v1/me')).json();
    expect(asKey.permissions).toEqual(['workspace.read', 'members.read', 'audit.read', 'records.read', 'imports.read']);
    expect(asKey.grantableRoles).toEqual([]);
  });
});
