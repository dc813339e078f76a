import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, createTestApp, signUp, type TestApp } from '../../test/helpers.ts';
import { loadMigrations } from '../db/migrate.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '4096' });
});
afterAll(() => t.close());

describe('discovery', () => {
  it('answers health without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: t.db.kind, schemaVersion: loadMigrations().at(-1)?.version });
  });

  it('publishes an OpenAPI 3.1 document generated from the validation schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/api/v1/auth/signup',
      '/api/v1/auth/login',
      '/api/v1/me',
      '/api/v1/members',
      '/api/v1/members/{id}',
      '/api/v1/api-keys',
      '/api/v1/invitations',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    const signup = doc.paths['/api/v1/auth/signup'].post.requestBody.content['application/json'].schema;
    expect(signup.required).toEqual(expect.arrayContaining(['email', 'password', 'name', 'workspaceName']));
    expect(signup.additionalProperties).toBe(false);
    expect(doc.components.schemas.Member.properties.role.enum).toEqual(['owner', 'admin', 'manager', 'member', 'read_only']);
  });

  it('serves a browsable reference at /api/docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('gives every response a request id, echoing a well-formed incoming one', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-request-id': 'trace-abc-123' } });
    expect(mine.headers['x-request-id']).toBe('trace-abc-123');
    const generated = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bad input is a clear 4xx problem, never a 500', () => {
  const problemOf = (res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> }) => {
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    const body = res.json();
    expect(body.status).toBe(res.statusCode);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    return body;
  };

  it('unknown route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(problemOf(res).code).toBe('not_found');
  });

  it('no credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/members' });
    expect(res.statusCode).toBe(401);
    expect(problemOf(res).code).toBe('unauthorized');
  });

  it('malformed JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.co", ',
    });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).code).toBe('malformed_request');
  });

  it('wrong content type', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a',
    });
    expect(res.statusCode).toBe(415);
    expect(problemOf(res).code).toBe('unsupported_media_type');
  });

  it('oversized body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.co', password: 'x'.repeat(10_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(problemOf(res).code).toBe('payload_too_large');
  });

  it('wrong types name each offending field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 42, password: true, name: 'x', workspaceName: 'y' },
    });
    expect(res.statusCode).toBe(400);
    const body = problemOf(res);
    expect(body.code).toBe('validation_failed');
    const fields = (body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.password']));
  });

  it('unknown fields are refused by name', async () => {
    const { client } = await signUp(t.app);
    const res = await client.patch('/api/v1/workspace', { name: 'ok', isAdmin: true });
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'body.isAdmin', message: 'Unknown field' })]);
  });

  it('a malformed id is a 400 naming the parameter, not a database error', async () => {
    const { client } = await signUp(t.app);
    const res = await client.get('/api/v1/members/not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });

  it('a tampered cursor is a 400 naming cursor', async () => {
    const { client } = await signUp(t.app);
    const res = await client.get('/api/v1/members?cursor=bm90LWEtY3Vyc29y');
    expect(res.statusCode).toBe(400);
    expect(problemOf(res).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('stores SQL-looking and script-looking strings verbatim and never runs them', async () => {
    const { client } = await signUp(t.app);
    const sql = "Robert'); DROP TABLE users; --";
    const script = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const res = await client.patch('/api/v1/workspace', { name: `${sql} ${script}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe(`${sql} ${script}`);
    const again = await client.get('/api/v1/workspace');
    expect(again.json().name).toBe(`${sql} ${script}`);
    const users = await t.db.query('SELECT count(*) AS n FROM users');
    expect(Number((users.rows[0] as { n: number }).n)).toBeGreaterThan(0);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, without a second write', async () => {
    const { client, workspaceId } = await signUp(t.app);
    const headers = { 'idempotency-key': 'create-key-1' };
    const first = await client.post('/api/v1/api-keys', { name: 'ci' }, headers);
    const second = await client.post('/api/v1/api-keys', { name: 'ci' }, headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const rows = await t.db.query('SELECT id FROM api_keys WHERE workspace_id = $1', [workspaceId]);
    expect(rows.rowCount).toBe(1);
  });

  it('refuses the same key with a different body (422) and writes nothing', async () => {
    const { client, workspaceId } = await signUp(t.app);
    await client.post('/api/v1/api-keys', { name: 'one' }, { 'idempotency-key': 'k-2' });
    const res = await client.post('/api/v1/api-keys', { name: 'two' }, { 'idempotency-key': 'k-2' });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('idempotency_key_reused');
    const rows = await t.db.query('SELECT name FROM api_keys WHERE workspace_id = $1', [workspaceId]);
    expect(rows.rows).toEqual([{ name: 'one' }]);
  });

  it('scopes keys to the caller: two workspaces may use the same key', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const ra = await a.client.post('/api/v1/api-keys', { name: 'x' }, { 'idempotency-key': 'shared' });
    const rb = await b.client.post('/api/v1/api-keys', { name: 'x' }, { 'idempotency-key': 'shared' });
    expect(ra.json().apiKey.id).not.toBe(rb.json().apiKey.id);
  });

  it('does not store a failed request, so it can be retried with the same key', async () => {
    const { client } = await signUp(t.app);
    const bad = await client.post('/api/v1/invitations', { email: 'not-an-email' }, { 'idempotency-key': 'retry-me' });
    expect(bad.statusCode).toBe(400);
    const good = await client.post('/api/v1/invitations', { email: 'fixed@example.com' }, { 'idempotency-key': 'retry-me' });
    expect(good.statusCode).toBe(201);
  });
});

describe('ETag and If-Match', () => {
  it('refuses a stale update with 412 and keeps the newer value', async () => {
    const { client } = await signUp(t.app);
    const read = await client.get('/api/v1/workspace');
    const etag = String(read.headers.etag);
    expect(etag).toBe('"1"');
    const first = await client.patch('/api/v1/workspace', { name: 'First' }, { 'if-match': etag });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    const stale = await client.patch('/api/v1/workspace', { name: 'Second' }, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('precondition_failed');
    expect((await client.get('/api/v1/workspace')).json().name).toBe('First');
  });

  it('answers 304 to a conditional GET whose ETag still matches', async () => {
    const { client } = await signUp(t.app);
    const read = await client.get('/api/v1/workspace');
    const cached = await client.get('/api/v1/workspace', { 'if-none-match': String(read.headers.etag) });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
  });

  it('guards member role changes the same way', async () => {
    const { client } = await signUp(t.app);
    const { memberId } = await addMember(client, 'member');
    const read = await client.get(`/api/v1/members/${memberId}`);
    const etag = String(read.headers.etag);
    expect((await client.patch(`/api/v1/members/${memberId}`, { role: 'manager' }, { 'if-match': etag })).statusCode).toBe(200);
    const stale = await client.patch(`/api/v1/members/${memberId}`, { role: 'admin' }, { 'if-match': etag });
    expect(stale.statusCode).toBe(412);
    expect((await client.get(`/api/v1/members/${memberId}`)).json().role).toBe('manager');
  });
});

describe('keyset pagination', () => {
  it('walks every member exactly once, page by page', async () => {
    const { client } = await signUp(t.app);
    for (const role of ['member', 'manager', 'read_only', 'admin'] as const) await addMember(client, role);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await client.get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(5);
      seen.push(...body.data.map((m: { id: string }) => m.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toEqual([...seen].sort());
  });
});

describe('rate limiting', () => {
  it('answers 429 problem+json with RateLimit headers and Retry-After past the limit', async () => {
    const limited = await createTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const { client } = await signUp(limited.app);
      const { client: keyClient } = await apiKeyClient(client);
      const statuses: number[] = [];
      let last = await keyClient.get('/api/v1/members');
      expect(last.headers['ratelimit-limit']).toBe('5');
      expect(last.headers['ratelimit-remaining']).toBe('4');
      for (let i = 0; i < 5; i++) {
        last = await keyClient.get('/api/v1/members');
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      expect(last.headers['content-type']).toContain('application/problem+json');
      expect(last.json().code).toBe('rate_limited');
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
