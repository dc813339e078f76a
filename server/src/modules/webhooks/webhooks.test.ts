import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { webhookEventTypes } from './webhooks.events.ts';

let t: TestApp;
let owner: Client;
beforeAll(async () => {
  t = await createTestApp();
  owner = (await signUp(t.app)).client;
});
afterAll(() => t.close());

const publicTarget = 'https://hooks.example.com/rapport';
const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_subscriptions')).rows[0]?.n;

describe('webhook subscriptions', () => {
  it('creates a webhook showing its whsec_ secret once, then reads, lists, changes and deletes it', async () => {
    const res = await owner.post('/api/v1/webhooks', {
      url: publicTarget,
      description: 'Warehouse sync',
      eventTypes: ['contact.created', 'deal.won', 'contact.created'],
    });
    expect(res.statusCode).toBe(201);
    const { webhook, secret } = res.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(webhook).toMatchObject({
      url: publicTarget,
      description: 'Warehouse sync',
      eventTypes: ['contact.created', 'deal.won'],
      enabled: true,
      disabledAt: null,
      failingSince: null,
    });

    const read = await owner.get(`/api/v1/webhooks/${webhook.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(webhook);
    expect(read.body).not.toContain(secret);
    expect((await owner.get('/api/v1/webhooks')).json().data.map((w: { id: string }) => w.id)).toContain(webhook.id);

    const changed = await owner.patch(`/api/v1/webhooks/${webhook.id}`, { eventTypes: ['deal.stage_changed'], enabled: false });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ eventTypes: ['deal.stage_changed'], enabled: false });
    expect(changed.json().disabledAt).not.toBeNull();
    const enabled = (await owner.patch(`/api/v1/webhooks/${webhook.id}`, { enabled: true })).json();
    expect(enabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    const audit = await t.db.query<{ action: string }>(
      "SELECT action FROM record_changes WHERE record_type = 'webhook_subscription' AND record_id = $1 ORDER BY id",
      [webhook.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'update', 'update']);

    expect((await owner.delete(`/api/v1/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expect((await owner.get(`/api/v1/webhooks/${webhook.id}`)).statusCode).toBe(404);
  });

  it('rotates the secret: a new one is shown once and the old one stops being the primary', async () => {
    const { webhook, secret } = (await owner.post('/api/v1/webhooks', { url: publicTarget, eventTypes: ['task.created'] })).json();
    const res = await owner.post(`/api/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(res.statusCode).toBe(200);
    expect(res.json().secret).toMatch(/^whsec_/);
    expect(res.json().secret).not.toBe(secret);
    const row = await t.db.query<{ secret: string; previous_secret: string; previous_secret_expires_at: Date }>(
      'SELECT secret, previous_secret, previous_secret_expires_at FROM webhook_subscriptions WHERE id = $1',
      [webhook.id],
    );
    expect(row.rows[0]).toMatchObject({ secret: res.json().secret, previous_secret: secret });
    expect(row.rows[0]?.previous_secret_expires_at.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it('lists every event type it accepts', async () => {
    const res = await owner.get('/api/v1/webhooks/event-types');
    expect(res.json().data).toEqual([...webhookEventTypes]);
    expect(res.json().data).toEqual(expect.arrayContaining(['company.merged', 'deal.lost', 'contact.lifecycle_stage_changed']));
  });

  it('answers bad input with problem+json naming every offending field, and stores nothing', async () => {
    const before = await count();
    const bad = await owner.post('/api/v1/webhooks', { url: 'ftp://files.example.com/in', eventTypes: ['contact.exploded'], color: 'red' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().code).toBe('validation_failed');
    const fields = bad.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.url', 'body.eventTypes.0']));

    for (const body of [
      { url: 'not a url', eventTypes: ['contact.created'] },
      { url: publicTarget, eventTypes: [] },
      { eventTypes: ['contact.created'] },
      { url: 'javascript:alert(1)', eventTypes: ['contact.created'] },
    ]) {
      const res = await owner.post('/api/v1/webhooks', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
    expect(await count()).toBe(before);

    const { webhook } = (await owner.post('/api/v1/webhooks', { url: publicTarget, eventTypes: ['task.created'] })).json();
    const patch = await owner.patch(`/api/v1/webhooks/${webhook.id}`, { url: 'mailto:x@example.com' });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().errors[0].field).toBe('body.url');
    expect((await owner.get(`/api/v1/webhooks/${webhook.id}`)).json().url).toBe(publicTarget);
    expect((await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: 'yes' })).statusCode).toBe(400);
    expect((await owner.get('/api/v1/webhooks/settings')).json()).toEqual({ allowPrivateTargets: false });
    expect((await owner.get('/api/v1/webhooks/not-an-id')).json().code).toBe('validation_failed');
  });

  it('refuses loopback and private targets unless the workspace allows them (SSRF), with a clear problem', async () => {
    const before = await count();
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://10.0.0.5/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest',
    ]) {
      const res = await owner.post('/api/v1/webhooks', { url, eventTypes: ['contact.created'] });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.url', code: 'private_target' }] });
      expect(res.json().errors[0].message).toMatch(/private or loopback address.*allow private targets/);
    }
    expect(await count()).toBe(before);

    const { webhook } = (await owner.post('/api/v1/webhooks', { url: publicTarget, eventTypes: ['contact.created'] })).json();
    const moved = await owner.patch(`/api/v1/webhooks/${webhook.id}`, { url: 'http://192.168.1.10/hook' });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors[0].code).toBe('private_target');

    const allowed = await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true });
    expect(allowed.json()).toEqual({ allowPrivateTargets: true });
    expect((await owner.post('/api/v1/webhooks', { url: 'http://127.0.0.1:8080/hook', eventTypes: ['contact.created'] })).statusCode).toBe(
      201,
    );
    await owner.patch('/api/v1/webhooks/settings', { allowPrivateTargets: false });
  });

  it('is for admins: members and read-only keys are refused', async () => {
    const member = await addMember(owner, 'member');
    const admin = await addMember(owner, 'admin');
    const readKey = await apiKeyClient(owner, 'read');
    for (const client of [member.client, readKey.client]) {
      expect((await client.get('/api/v1/webhooks')).statusCode).toBe(403);
      expect((await client.post('/api/v1/webhooks', { url: publicTarget, eventTypes: ['contact.created'] })).statusCode).toBe(403);
      expect((await client.patch('/api/v1/webhooks/settings', { allowPrivateTargets: true })).statusCode).toBe(403);
    }
    expect((await admin.client.post('/api/v1/webhooks', { url: publicTarget, eventTypes: ['contact.created'] })).statusCode).toBe(201);
  });
});
