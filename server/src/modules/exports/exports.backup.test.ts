import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { addMember, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { newId } from '../../lib/ids.ts';
import { backupTables, type TableSpec } from './exports.tables.ts';

/**
 * The round trip: a workspace with demo data and custom fields of every type is exported, the
 * zip restored into a fresh workspace, and every table compared row by row, column by column.
 * Only workspace_id differs (it is the new workspace's), and user references follow the mapping
 * by email: the owner is a member of both, the other member is not (their records lose the owner,
 * their saved view passes to the person restoring).
 */

let t: TestApp;
let owner: Client;
let ownerId: string;
let source: string;
let memberId: string;
let zip: Buffer;

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

  const res = await owner.get('/api/v1/workspace/export');
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="source-backup-\d{4}-\d{2}-\d{2}\.zip"/);
  zip = res.rawPayload;
}, 240_000);
afterAll(() => t.close());

describe('workspace export', () => {
  it('holds a manifest with counts, a CSV per record type and a JSON Lines file per table', async () => {
    const files = await unzip(zip);
    const manifest = JSON.parse(String(files.get('manifest.json')));
    expect(manifest).toMatchObject({ format: 'rapport-workspace', formatVersion: 1, workspace: { id: source, name: 'Source' } });
    expect(Number.isNaN(Date.parse(manifest.exportedAt))).toBe(false);
    for (const spec of backupTables) {
      const lines = String(files.get(`data/${spec.table}.jsonl`))
        .split('\n')
        .filter(Boolean);
      expect(lines.length, spec.table).toBe(manifest.counts[spec.table]);
      expect(lines.length, spec.table).toBe(await count(spec.table, source));
    }
    expect(manifest.counts.contacts).toBe(251);
    const contactsCsv = parse(files.get('contacts.csv') as Buffer, { bom: true }) as string[][];
    expect(contactsCsv[0]?.slice(0, 3)).toEqual(['Id', 'Name', 'First name']);
    expect(contactsCsv[0]).toContain('C currency currency');
    expect(contactsCsv.length).toBe(1 + 250); // live contacts only; the trashed one is in the JSON Lines
    for (const name of ['companies.csv', 'deals.csv', 'activities.csv', 'tasks.csv', 'workspace.json', 'data/users.jsonl']) {
      expect(files.has(name), name).toBe(true);
    }
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
    expect(cut.json().errors[0].message).toContain('data/contacts.jsonl holds 250 rows; the manifest says 251');

    const broken = new Map(files).set('data/deals.jsonl', Buffer.from('{"id": "not json\n'));
    expect((await restore(target.client, await rezip(broken))).json().errors[0].message).toContain('line 1 is not JSON');

    for (const spec of backupTables) {
      if (spec.table !== 'pipelines' && spec.table !== 'pipeline_stages')
        expect(await count(spec.table, target.workspaceId), spec.table).toBe(0);
    }
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
    const res = await restore(target.client, zip);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.source).toMatchObject({ workspaceId: source, name: 'Source' });
    expect(report.users.mapped.map((u: { name: string }) => u.name)).toEqual(['Olive Owner']);
    expect(report.users.missing.map((u: { name: string }) => u.name)).toEqual(['A member']);
    expect(report.viewsReassigned).toBe(1);

    const userFields = new Map<string, string[]>();
    for (const f of await rowsOf('custom_fields', ['id'], source)) {
      if (f.type === 'user') userFields.set(String(f.object_type), [...(userFields.get(String(f.object_type)) ?? []), String(f.key)]);
    }
    // What the source's rows become: the member's references cleared, the owner's kept.
    const expected = (spec: TableSpec, row: Row): Row => {
      const out = structuredClone(row);
      for (const col of spec.userColumns) if (out[col] === memberId) out[col] = spec.table === 'saved_views' ? ownerId : null;
      const custom = out.custom as Row | undefined;
      for (const key of (spec.customOf && userFields.get(spec.customOf)) || []) if (custom?.[key] === memberId) delete custom[key];
      return out;
    };
    for (const spec of backupTables) {
      const before = (await rowsOf(spec.table, spec.key, source)).map((r) => expected(spec, r));
      const after = await rowsOf(spec.table, spec.key, target.workspaceId);
      expect(after.length, spec.table).toBe(before.length);
      expect(after, spec.table).toEqual(before);
      expect(report.restored[spec.table], spec.table).toBe(before.length);
    }
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
});
