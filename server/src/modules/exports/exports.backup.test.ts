import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken } from '../../lib/tokens.ts';
import { RESTORED_WEBHOOK_REASON } from './exports.restore.rows.ts';
import { backupTables, jsonlName, type TableSpec } from './exports.tables.ts';

/**
 * The round trip: a workspace with demo data and custom fields of every type is exported, the
 * zip restored into a fresh workspace, and every table compared row by row, column by column.
 * Only workspace_id differs (it is the new workspace's), and user references follow the mapping
 * by email: the owner is a member of both, the other member is not (their records lose the owner,
 * their saved view passes to the person restoring). The documented exceptions: webhook
 * subscriptions come back disabled with a new secret (the zip holds none), a form whose public id
 * the source still uses gets a new one, and audit rows about the workspace name the new one.
 */

let t: TestApp;
let owner: Client;
let ownerId: string;
let source: string;
let memberId: string;
let zip: Buffer;
/** The source's rows of every backed-up table right after the export (later tests add audit rows). */
const exported = new Map<string, Record<string, unknown>[]>();
/** Credentials that must never be in a backup. */
const secrets: { webhookSecret: string; apiKey: string; apiKeyHash: string; apiKeyId: string } = {
  webhookSecret: '',
  apiKey: '',
  apiKeyHash: '',
  apiKeyId: '',
};
let formId: string;
let formPublicId: string;
let webhookId: string;

/** Every entry of a zip, by name. */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const out = new Map<string, Buffer>();
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(out));
      file.readEntry();
    });
  });
}

/** A zip of these entries. */
function rezip(entries: Map<string, Buffer>): Promise<Buffer> {
  const z = new ZipFile();
  for (const [name, data] of entries) z.addBuffer(data, name);
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const restore = (client: Client, body: Buffer) =>
  client.app.inject({
    method: 'POST',
    url: '/api/v1/workspace/import',
    payload: body,
    headers: {
      'content-type': 'application/zip',
      ...('cookie' in client.credentials ? { cookie: client.credentials.cookie, 'x-csrf-token': client.credentials.csrfToken } : {}),
      ...(client.workspaceId ? { 'x-workspace-id': client.workspaceId } : {}),
    },
  });

type Row = Record<string, unknown>;
const rowsOf = async (table: string, key: string[], ws: string): Promise<Row[]> =>
  (
    await t.db.query<{ row: Row }>(
      `SELECT to_jsonb(t) - 'workspace_id' - 'search' AS row FROM ${table} t WHERE workspace_id = $1 ORDER BY ${key.join(', ')}`,
      [ws],
    )
  ).rows.map((r) => r.row);

/** A fresh workspace whose owner is also a member of the source's owner: the person restoring. */
async function freshWorkspace(name: string): Promise<{ client: Client; workspaceId: string }> {
  const s = await signUp(t.app, { workspaceName: name });
  await t.db.query("INSERT INTO memberships (workspace_id, id, user_id, role) VALUES ($1, $2, $3, 'admin')", [
    s.workspaceId,
    newId(),
    ownerId,
  ]);
  return { client: owner.in(s.workspaceId), workspaceId: s.workspaceId };
}

const count = async (table: string, ws: string) =>
  Number((await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = $1`, [ws])).rows[0]?.n);

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app, { name: 'Olive Owner', workspaceName: 'Source' });
  owner = s.client.in(s.workspaceId);
  ownerId = s.userId;
  source = s.workspaceId;
  const member = await addMember(owner, 'member');
  memberId = member.userId;

  const types = ['text', 'long_text', 'number', 'currency', 'date', 'datetime', 'boolean', 'url', 'email', 'phone', 'user'];
  for (const type of types) {
    const res = await owner.post('/api/v1/custom-fields', { objectType: 'contact', label: `C ${type}`, key: `c_${type}`, type });
    expect(res.statusCode, res.body).toBe(201);
  }
  const options = [
    { value: 'a', label: 'Alpha' },
    { value: 'b', label: 'Beta' },
  ];
  for (const [objectType, type] of [
    ['contact', 'single_select'],
    ['contact', 'multi_select'],
    ['company', 'single_select'],
    ['company', 'user'],
    ['deal', 'number'],
    ['deal', 'currency'],
  ]) {
    const res = await owner.post('/api/v1/custom-fields', { objectType, label: `${objectType} ${type}`, key: `x_${type}`, type, options });
    expect(res.statusCode, res.body).toBe(201);
  }
  expect((await owner.post('/api/v1/demo-data')).statusCode).toBe(201);

  const contacts = (await owner.post('/api/v1/contacts/search', { limit: 3, sort: [{ field: 'email', direction: 'asc' }] })).json().data;
  const custom = {
    c_text: 'hello, "world"',
    c_long_text: 'line one\nline two',
    c_number: 42.5,
    c_currency: { amount: 123456, currency: 'EUR' },
    c_date: '2026-03-04',
    c_datetime: '2026-03-04T05:06:07.000Z',
    c_boolean: true,
    c_url: 'https://example.com/x',
    c_email: 'x@example.com',
    c_phone: '+14155550100',
    c_user: memberId,
    x_single_select: 'a',
    x_multi_select: ['a', 'b'],
  };
  expect((await owner.patch(`/api/v1/contacts/${contacts[0].id}`, { custom })).statusCode).toBe(200);
  expect((await owner.patch(`/api/v1/contacts/${contacts[1].id}`, { custom: { c_user: ownerId, c_number: -1 } })).statusCode).toBe(200);
  expect((await owner.delete(`/api/v1/contacts/${contacts[2].id}`)).statusCode).toBe(204);
  await member.client.post('/api/v1/contacts', { firstName: 'Owned', lastName: 'By member', email: 'member-owned@example.com' });
  const companies = (await owner.post('/api/v1/companies/search', { limit: 2 })).json().data;
  expect(
    (
      await owner.patch(`/api/v1/companies/${companies[0].id}`, {
        parentCompanyId: companies[1].id,
        custom: { x_single_select: 'b', x_user: ownerId },
      })
    ).statusCode,
  ).toBe(200);
  const deal = (await owner.post('/api/v1/deals/search', { limit: 1 })).json().data[0];
  const pipeline = (await owner.get(`/api/v1/pipelines/${deal.pipelineId}`)).json();
  const otherStage = pipeline.stages.find((st: { id: string }) => st.id !== deal.stageId);
  expect(
    (await owner.patch(`/api/v1/deals/${deal.id}`, { stageId: otherStage.id, custom: { x_number: 7, x_currency: 500 } })).statusCode,
  ).toBe(200);
  await owner.post('/api/v1/views', { objectType: 'deal', name: 'Mine', filterGroups: [], columns: ['name'], visibility: 'workspace' });
  await member.client.post('/api/v1/views', { objectType: 'contact', name: 'Member view', filterGroups: [] });

  // Configuration a team would lose: a form with a submission (consent text, activity), a webhook,
  // and an API key whose writes are in the history under the key's id.
  const form = await owner.post('/api/v1/forms', {
    name: 'Newsletter',
    fields: [
      { key: 'email', label: 'Email' },
      { key: 'firstName', label: 'First name' },
    ],
    consent: { enabled: true, channels: ['email'], text: 'Send me the newsletter.', required: true },
    allowedOrigins: ['https://www.example.com'],
    ownerId: memberId,
    tags: ['newsletter'],
  });
  expect(form.statusCode, form.body).toBe(201);
  formId = form.json().id;
  formPublicId = form.json().publicId;
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/public/forms/${formPublicId}/submissions`,
    headers: { origin: 'https://www.example.com' },
    payload: { values: { email: 'reader@example.com', firstName: 'Reader' }, consent: true, pageUrl: 'https://www.example.com/blog' },
  });
  expect(submitted.statusCode, submitted.body).toBe(200);
  const webhook = await owner.post('/api/v1/webhooks', { url: 'https://hooks.example.com/rapport', eventTypes: ['contact.created'] });
  expect(webhook.statusCode, webhook.body).toBe(201);
  webhookId = webhook.json().webhook.id;
  secrets.webhookSecret = webhook.json().secret;
  const key = await apiKeyClient(owner);
  Object.assign(secrets, { apiKey: key.key, apiKeyHash: hashToken(key.key), apiKeyId: key.id });
  expect((await key.client.post('/api/v1/contacts', { firstName: 'By', lastName: 'Key' })).statusCode).toBe(201);

  const res = await owner.get('/api/v1/workspace/export');
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="source-backup-\d{4}-\d{2}-\d{2}\.zip"/);
  zip = res.rawPayload;
  for (const spec of backupTables) exported.set(spec.table, await rowsOf(spec.table, spec.key, source));
}, 240_000);
afterAll(() => t.close());

describe('workspace export', () => {
  it('holds a manifest with counts, a CSV per record type and a JSON Lines file per table', async () => {
    const files = await unzip(zip);
    const manifest = JSON.parse(String(files.get('manifest.json')));
    expect(manifest).toMatchObject({ format: 'rapport-workspace', formatVersion: 2, workspace: { id: source, name: 'Source' } });
    expect(Number.isNaN(Date.parse(manifest.exportedAt))).toBe(false);
    for (const spec of backupTables) {
      const lines = String(files.get(`data/${spec.table}.jsonl`))
        .split('\n')
        .filter(Boolean);
      expect(lines.length, spec.table).toBe(manifest.counts[spec.table]);
      expect(lines.length, spec.table).toBe(exported.get(spec.table)?.length);
    }
    expect(manifest.counts.contacts).toBe(253);
    for (const table of ['forms', 'form_consent_texts', 'form_submissions', 'webhook_subscriptions']) {
      expect(manifest.counts[table], table).toBe(1);
    }
    expect(manifest.counts.record_changes).toBeGreaterThan(10);
    const contactsCsv = parse(files.get('contacts.csv') as Buffer, { bom: true }) as string[][];
    expect(contactsCsv[0]?.slice(0, 3)).toEqual(['Id', 'Name', 'First name']);
    expect(contactsCsv[0]).toContain('C currency currency');
    expect(contactsCsv.length).toBe(1 + 252); // live contacts only; the trashed one is in the JSON Lines
    for (const name of ['companies.csv', 'deals.csv', 'activities.csv', 'tasks.csv', 'workspace.json', 'data/users.jsonl']) {
      expect(files.has(name), name).toBe(true);
    }
  });

  it('never holds a credential, and says in the manifest and README.txt what it left out and why', async () => {
    const files = await unzip(zip);
    for (const [name, data] of files) {
      const body = data.toString('utf8');
      for (const [what, value] of Object.entries(secrets)) {
        if (what !== 'apiKeyId') expect(body.includes(value), `${what} in ${name}`).toBe(false);
      }
      expect(body.includes('whsec_'), `a signing secret in ${name}`).toBe(false);
    }
    const [hook] = String(files.get(jsonlName('webhook_subscriptions')))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(Object.keys(hook)).not.toContain('secret');
    expect(Object.keys(hook)).not.toContain('previous_secret');
    expect(hook).toMatchObject({ id: webhookId, url: 'https://hooks.example.com/rapport', enabled: true });
    const manifest = JSON.parse(String(files.get('manifest.json')));
    expect(manifest.omitted.map((o: { what: string }) => o.what)).toEqual(expect.arrayContaining(['Webhook signing secrets', 'API keys']));
    const readme = String(files.get('README.txt'));
    expect(readme).toContain('Webhook signing secrets: They are credentials.');
    expect(readme).toContain('API keys: Their hashes are credentials.');
  });

  it('is for owners and admins only', async () => {
    const { client } = await addMember(owner, 'manager');
    const res = await client.get('/api/v1/workspace/export');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
  });
});

describe('workspace restore', () => {
  it('refuses a file that is not a zip, not a backup, or of another format version, and writes nothing', async () => {
    const target = await freshWorkspace('Refusals');
    const pipelinesBefore = await rowsOf('pipelines', ['id'], target.workspaceId);
    const countsBefore = new Map<string, number>();
    for (const spec of backupTables) countsBefore.set(spec.table, await count(spec.table, target.workspaceId));
    const notZip = await restore(target.client, Buffer.from('not a zip at all'));
    expect(notZip.statusCode).toBe(400);
    expect(notZip.headers['content-type']).toContain('application/problem+json');
    expect(notZip.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body' }] });

    const files = await unzip(zip);
    const manifest = JSON.parse(String(files.get('manifest.json')));
    const future = new Map(files).set('manifest.json', Buffer.from(JSON.stringify({ ...manifest, formatVersion: 99 })));
    const wrongVersion = await restore(target.client, await rezip(future));
    expect(wrongVersion.statusCode).toBe(400);
    expect(wrongVersion.json().detail).toContain('format version 99');

    const noManifest = new Map(files);
    noManifest.delete('manifest.json');
    expect((await restore(target.client, await rezip(noManifest))).json().detail).toContain('not a Rapport workspace backup');

    // A file cut short fails after earlier tables were written: the whole restore rolls back.
    const lines = String(files.get('data/contacts.jsonl')).split('\n').filter(Boolean);
    const truncated = new Map(files).set('data/contacts.jsonl', Buffer.from(`${lines.slice(0, -1).join('\n')}\n`));
    const cut = await restore(target.client, await rezip(truncated));
    expect(cut.statusCode).toBe(400);
    expect(cut.json().errors[0].message).toContain('data/contacts.jsonl holds 252 rows; the manifest says 253');

    const broken = new Map(files).set('data/deals.jsonl', Buffer.from('{"id": "not json\n'));
    expect((await restore(target.client, await rezip(broken))).json().errors[0].message).toContain('line 1 is not JSON');

    // Cut after the audit log (the last table): everything before it was written, then rolled back.
    const history = String(files.get(jsonlName('record_changes')))
      .split('\n')
      .filter(Boolean);
    const lastCut = new Map(files).set(jsonlName('record_changes'), Buffer.from(`${history.slice(1).join('\n')}\n`));
    expect((await restore(target.client, await rezip(lastCut))).json().errors[0].message).toContain('data/record_changes.jsonl holds');

    for (const spec of backupTables) expect(await count(spec.table, target.workspaceId), spec.table).toBe(countsBefore.get(spec.table));
    expect(await rowsOf('pipelines', ['id'], target.workspaceId)).toEqual(pipelinesBefore);
  });

  it('is for owners and admins of an empty workspace', async () => {
    const target = await freshWorkspace('Guarded');
    const { client: manager } = await addMember(target.client, 'manager');
    expect((await restore(manager, zip)).statusCode).toBe(403);
    await target.client.post('/api/v1/contacts', { firstName: 'Already here' });
    const res = await restore(target.client, zip);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'contacts' }] });
    expect(await count('contacts', target.workspaceId)).toBe(1);
    expect(await count('custom_fields', target.workspaceId)).toBe(0);
  });

  it('gives back the same data, table by table and field by field', async () => {
    const target = await freshWorkspace('Restored');
    const ownHistory = new Set((await rowsOf('record_changes', ['id'], target.workspaceId)).map((r) => r.id));
    const res = await restore(target.client, zip);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.source).toMatchObject({ workspaceId: source, name: 'Source' });
    expect(report.users.mapped.map((u: { name: string }) => u.name)).toEqual(['Olive Owner']);
    expect(report.users.missing.map((u: { name: string }) => u.name)).toEqual(['A member']);
    expect(report.viewsReassigned).toBe(1);
    expect(report.webhooksDisabled).toBe(1);
    // Restored beside its source, the form's public id is taken: it gets a new one.
    expect(report.formsWithNewPublicId).toEqual([{ id: formId, name: 'Newsletter', publicId: expect.any(String) }]);
    const newPublicId = report.formsWithNewPublicId[0].publicId;
    expect(newPublicId).not.toBe(formPublicId);

    const userFields = new Map<string, string[]>();
    for (const f of await rowsOf('custom_fields', ['id'], source)) {
      if (f.type === 'user') userFields.set(String(f.object_type), [...(userFields.get(String(f.object_type)) ?? []), String(f.key)]);
    }
    // What the source's rows become: the member's references cleared, the owner's kept, and the
    // documented exceptions (new webhook secret, disabled; the form's new public id; the workspace id).
    const restoredHook = (await rowsOf('webhook_subscriptions', ['id'], target.workspaceId))[0] as Row;
    const expected = (spec: TableSpec, row: Row): Row => {
      const out = structuredClone(row);
      for (const col of spec.userColumns) if (out[col] === memberId) out[col] = spec.table === 'saved_views' ? ownerId : null;
      const custom = out.custom as Row | undefined;
      for (const key of (spec.customOf && userFields.get(spec.customOf)) || []) if (custom?.[key] === memberId) delete custom[key];
      if (spec.table === 'forms') out.public_id = newPublicId;
      if (spec.table === 'record_changes' && out.record_id === source) out.record_id = target.workspaceId;
      if (spec.table === 'webhook_subscriptions') {
        Object.assign(out, {
          secret: restoredHook.secret,
          enabled: false,
          disabled_at: restoredHook.disabled_at,
          disabled_reason: RESTORED_WEBHOOK_REASON,
        });
      }
      return out;
    };
    for (const spec of backupTables) {
      const before = (exported.get(spec.table) ?? []).map((r) => expected(spec, r));
      let after = await rowsOf(spec.table, spec.key, target.workspaceId);
      if (spec.table === 'record_changes') {
        // Besides the target's own history (its creation), the restore's audit entry is the one row the source did not have.
        after = after.filter((r) => !ownHistory.has(r.id));
        const sourceIds = new Set(before.map((r) => r.id));
        expect(after.filter((r) => !sourceIds.has(r.id)).map((r) => [r.record_type, r.action])).toEqual([['workspace', 'import']]);
        after = after.filter((r) => sourceIds.has(r.id));
      }
      expect(before.length, spec.table).toBeGreaterThan(0);
      expect(after.length, spec.table).toBe(before.length);
      expect(after, spec.table).toEqual(before);
      expect(report.restored[spec.table], spec.table).toBe(before.length);
    }
    // The new secret is a real one nobody has seen, and a disabled subscription's path back is the usual one.
    const sourceSecret = (
      await t.db.query<{ secret: string }>('SELECT secret FROM webhook_subscriptions WHERE workspace_id = $1', [source])
    ).rows[0]?.secret;
    expect(restoredHook.secret).toMatch(/^whsec_/);
    expect(restoredHook.secret).not.toBe(sourceSecret);
    expect(Date.parse(String(restoredHook.disabled_at))).toBeGreaterThan(Date.now() - 600_000);
    const rotated = await target.client.post(`/api/v1/webhooks/${webhookId}/rotate-secret`);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect((await target.client.patch(`/api/v1/webhooks/${webhookId}`, { enabled: true })).json()).toMatchObject({ enabled: true });
    // History made with the API key still names the key.
    const byKey = (exported.get('record_changes') ?? []).filter((r) => r.actor_type === 'api_key');
    expect(byKey.length).toBeGreaterThan(0);
    for (const r of byKey) expect(r.actor_id).toBe(secrets.apiKeyId);
    // What triggers derive from the records came back with them.
    for (const [table, key] of [
      ['custom_field_values', ['field_id', 'record_id']],
      ['search_terms', ['term']],
    ] as const) {
      const before = await rowsOf(table, [...key], source);
      const after = await rowsOf(table, [...key], target.workspaceId);
      expect(after.length, table).toBe(before.length);
    }
    expect(await count('custom_field_values', target.workspaceId)).toBeGreaterThan(10);
    const settings = async (ws: string) =>
      (await t.db.query<{ settings: Row }>('SELECT settings FROM workspaces WHERE id = $1', [ws])).rows[0]?.settings;
    expect(await settings(target.workspaceId)).toEqual(await settings(source));

    // Through the API too: the lists of both workspaces read the same, filters on custom values included.
    const list = async (client: Client) =>
      (
        await client.post('/api/v1/contacts/search', {
          limit: 500,
          sort: [{ field: 'custom.c_number', direction: 'desc' }],
          filterGroups: [{ filters: [{ field: 'custom.c_number', operator: 'is_not_empty' }] }],
        })
      ).json().data;
    const sourceList = (await list(owner)) as { custom: Row }[];
    for (const c of sourceList) if (c.custom.c_user === memberId) delete c.custom.c_user;
    expect(sourceList.length).toBe(2);
    expect(await list(target.client)).toEqual(sourceList);
    const log = (await target.client.get('/api/v1/record-changes?recordType=workspace&limit=1')).json().data[0];
    expect(log.action).toBe('import');

    // A restored workspace is not empty: a second restore is refused.
    expect((await restore(target.client, zip)).statusCode).toBe(409);
  }, 240_000);

  it('restores a backup of format version 1 (before forms, webhooks and the audit log were in it)', async () => {
    const target = await freshWorkspace('From version 1');
    const files = await unzip(zip);
    const manifest = JSON.parse(String(files.get('manifest.json')));
    const v1 = new Map(files).set('manifest.json', Buffer.from(JSON.stringify({ ...manifest, formatVersion: 1 })));
    for (const spec of backupTables) if (spec.since === 2) v1.delete(jsonlName(spec.table));
    v1.delete('README.txt');
    const res = await restore(target.client, await rezip(v1));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().restored.contacts).toBe(253);
    expect(res.json().restored.forms).toBeUndefined();
    expect(await count('forms', target.workspaceId)).toBe(0);
    expect(await count('webhook_subscriptions', target.workspaceId)).toBe(0);
  }, 240_000);

  it('keeps a form’s public id when no form on the server has it, so its embed code keeps working', async () => {
    expect((await owner.delete(`/api/v1/forms/${formId}`)).statusCode).toBe(204);
    const target = await freshWorkspace('Moved');
    const res = await restore(target.client, zip);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().formsWithNewPublicId).toEqual([]);
    const form = await t.db.query<{ workspace_id: string }>('SELECT workspace_id FROM forms WHERE public_id = $1', [formPublicId]);
    expect(form.rows).toEqual([{ workspace_id: target.workspaceId }]);
    const embed = await t.app.inject({ method: 'GET', url: `/api/v1/public/forms/${formPublicId}/embed.js` });
    expect(embed.statusCode).toBe(200);
    expect((await target.client.get(`/api/v1/forms/${formId}/submissions`)).json().data).toHaveLength(1);
  }, 240_000);
});
