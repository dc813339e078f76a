import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Client, crashingAfter, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { multipartBody, uploadCsv } from '../../../test/imports-kit.ts';
import type { Database } from '../../db/database.ts';
import { ensureQueues } from '../../jobs/queues.ts';
import { contactsEngine } from './imports.contacts.ts';
import { loadImportEnv, StaleBatch } from './imports.engine.ts';
import { runImportJob } from './imports.job.ts';
import { findImportRow, type ImportRow } from './imports.repo.ts';

let t: TestApp;
let owner: Client;
let ownerEmail: string;
let workspaceId: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.deps.queue.start();
  await ensureQueues(t.deps.queue);
  const s = await signUp(t.app);
  owner = s.client;
  ownerEmail = s.email;
  workspaceId = s.workspaceId;
  for (const [label, type, options] of [
    [
      'Plan',
      'single_select',
      [
        { value: 'pro', label: 'Pro' },
        { value: 'free', label: 'Free' },
      ],
    ],
    ['Seats', 'number', undefined],
    ['Renewal', 'date', undefined],
    ['Vip', 'boolean', undefined],
    ['Region', 'text', undefined],
  ] as const) {
    const res = await owner.post('/api/v1/custom-fields', { objectType: 'contact', label, type, ...(options ? { options } : {}) });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

/** Uploads, maps as suggested, starts and runs the job to the end; returns the finished import. */
async function importFile(client: Client, csv: string | Buffer, patch: Record<string, unknown> = {}, object = 'contacts') {
  const up = await uploadCsv(client, object, csv);
  expect(up.statusCode, up.body).toBe(201);
  const id = up.json().id as string;
  if (Object.keys(patch).length > 0) expect((await client.patch(`/api/v1/imports/${id}`, patch)).statusCode).toBe(200);
  const started = await client.post(`/api/v1/imports/${id}/start`);
  expect(started.statusCode, started.body).toBe(202);
  await runImportJob(t.db, { workspaceId: client.workspaceId ?? workspaceId, importId: id }, { batchSize: 3 });
  return (await client.get(`/api/v1/imports/${id}`)).json();
}

async function contactsByEmail(db: Database, ws: string) {
  const res = await db.query<Record<string, unknown>>(
    `SELECT email, first_name, last_name, phone, lifecycle_stage, custom, tags, owner_id, version FROM contacts
     WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY email`,
    [ws],
  );
  return res.rows;
}

describe('reading real-world files', () => {
  const people = [
    ['First Name', 'Last Name', 'Email'],
    ['Anna', 'Müller', 'anna@example.com'],
    ['Jörg', 'Straße', 'jorg@example.com'],
  ];

  const variants: [string, Buffer, string, string][] = [
    [
      'UTF-8 with BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(people.map((r) => r.join(',')).join('\n'))]),
      'utf-8',
      ',',
    ],
    ['UTF-16LE', iconv.encode(people.map((r) => r.join('\t')).join('\r\n'), 'utf-16le', { addBOM: true }), 'utf-16le', '\t'],
    ['UTF-16LE without BOM', iconv.encode(people.map((r) => r.join(';')).join('\n'), 'utf-16le'), 'utf-16le', ';'],
    ['Latin-1', iconv.encode(people.map((r) => r.join(';')).join('\r\n'), 'latin1'), 'windows-1252', ';'],
    ['plain UTF-8, CRLF', Buffer.from(`${people.map((r) => r.join(',')).join('\r\n')}\r\n`), 'utf-8', ','],
  ];
  for (const [name, bytes, encoding, delimiter] of variants) {
    it(`detects ${name}`, async () => {
      const res = await uploadCsv(owner, 'contacts', bytes);
      expect(res.statusCode, res.body).toBe(201);
      const imp = res.json();
      expect(imp).toMatchObject({ status: 'draft', encoding, delimiter, headers: people[0] });
      expect(imp.sampleRows).toEqual(people.slice(1));
      expect(imp.progress.rowsTotal).toBe(2);
      expect(imp.mapping.map((m: { field: string | null }) => m.field)).toEqual(['first_name', 'last_name', 'email']);
    });
  }

  it('reads quoted fields with embedded newlines, ragged rows and empty lines', async () => {
    const csv = 'Email,First Name,Notes\r\n"a@x.io","Ann","line one\nline two"\r\n\r\nb@x.io,Bob\r\n,,\r\nc@x.io,Cy,extra,more\r\n';
    const imp = (await uploadCsv(owner, 'contacts', csv)).json();
    expect(imp.progress.rowsTotal).toBe(3);
    expect(imp.sampleRows).toEqual([
      ['a@x.io', 'Ann', 'line one\nline two'],
      ['b@x.io', 'Bob'],
      ['c@x.io', 'Cy', 'extra', 'more'],
    ]);
  });
});

describe('mapping', () => {
  it('maps the headers of common CRM exports automatically', async () => {
    const hub = (
      await uploadCsv(owner, 'contacts', 'First Name,Last Name,Email,Contact owner,Lifecycle Stage,Company Name,Phone Number,Record ID\n')
    ).json();
    expect(hub.mapping.map((m: { field: string | null }) => m.field)).toEqual([
      'first_name',
      'last_name',
      'email',
      'owner_email',
      'lifecycle_stage',
      'company_name',
      'phone',
      'external_id',
    ]);
    const sf = (await uploadCsv(owner, 'contacts', 'FirstName,LastName,Email,AccountId,OwnerId,Title,Plan\n')).json();
    expect(sf.mapping.map((m: { field: string | null }) => m.field)).toEqual([
      'first_name',
      'last_name',
      'email',
      'company_external_id',
      'owner_email',
      'job_title',
      'custom.plan',
    ]);
  });

  it('refuses unknown fields and changes after start with problem+json, changing nothing', async () => {
    const imp = (await uploadCsv(owner, 'contacts', 'Email,Name\na@b.co,A\n')).json();
    const bad = await owner.patch(`/api/v1/imports/${imp.id}`, {
      mapping: [
        { index: 0, field: 'email' },
        { index: 1, field: 'nickname' },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'body.mapping[1].field', code: 'unknown_field' })]);
    const after = (await owner.get(`/api/v1/imports/${imp.id}`)).json();
    expect(after.version).toBe(imp.version);
    expect(after.mapping).toEqual(imp.mapping);
  });
});

describe('importing contacts', () => {
  it('imports, and re-importing the same file changes nothing', async () => {
    const { client, workspaceId: ws } = await signUp(t.app);
    const csv = [
      'Email,First Name,Last Name,Phone',
      'ANNA@Example.com ,Anna,Smith,+1 415 555 0101',
      'bob@example.com,Bob,Jones,(415) 555-0102',
      'cy@example.com,Cy,Young,',
      'dee@example.com,Dee,Dee,',
    ].join('\n');
    const first = await importFile(client.in(ws), csv);
    expect(first).toMatchObject({
      status: 'completed',
      progress: { rowsDone: 4, rowsTotal: 4, created: 4, updated: 0, unchanged: 0, failed: 0 },
    });
    const before = await contactsByEmail(t.db, ws);
    expect(before.map((c) => c.email)).toEqual(['anna@example.com', 'bob@example.com', 'cy@example.com', 'dee@example.com']);
    expect(before[1]?.phone).toBe('+14155550102');
    const changes = await t.db.query('SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1', [ws]);
    const again = await importFile(
      client.in(ws),
      csv.replace('ANNA@Example.com ', 'anna@example.com').replace('(415) 555-0102', '415-555-0102'),
    );
    expect(again.progress).toMatchObject({ created: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(await contactsByEmail(t.db, ws)).toEqual(before);
    const changesAfter = await t.db.query('SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND record_type = $2', [
      ws,
      'contact',
    ]);
    expect(changesAfter.rows[0]).toEqual({ n: 0 });
    expect(changes.rows.length).toBe(1);
  });
});

const crmFile = [
  'Email,First Name,Last Name,Company Name,Plan,Seats,Renewal,Vip,Region,Contact owner,Lifecycle Stage',
  'ann@acme.test,Ann,Archer,Acme Inc,Pro,3,31/12/2026,yes,EMEA,OWNER,Customer',
  'bob@acme.test,Bob,Baker,ACME inc ,free,1,2026-01-15,no,NA,,Lead',
  'not-an-email,Bad,Email,,,,,,,,',
  'cat@globex.test,Cat,Cole,Globex,PRO,2,2026-02-01,,,,',
  'dan@globex.test,Dan,Dunn,Globex,pro,many,2026-02-30,maybe,,nobody@nowhere.test,',
  'ann@acme.test,Ann,Archer-Smith,Acme Inc,Pro,4,31/12/2026,yes,EMEA,,Customer',
  'eve@initech.test,Eve,Evans,Initech,,,,,,,',
].join('\n');

describe('the full cycle on one workspace', () => {
  let client: Client;
  let ws: string;
  let file: string;
  beforeAll(async () => {
    const s = await signUp(t.app);
    client = s.client.in(s.workspaceId);
    ws = s.workspaceId;
    file = crmFile.replace('OWNER', s.email.toUpperCase());
    for (const [label, type, options] of [
      [
        'Plan',
        'single_select',
        [
          { value: 'pro', label: 'Pro' },
          { value: 'free', label: 'Free' },
        ],
      ],
      ['Seats', 'number', undefined],
      ['Renewal', 'date', undefined],
      ['Vip', 'boolean', undefined],
      ['Region', 'text', undefined],
    ] as const) {
      await client.post('/api/v1/custom-fields', { objectType: 'contact', label, type, ...(options ? { options } : {}) });
    }
  });

  it('a dry run shows rows as stored and errors by kind, and writes nothing', async () => {
    const imp = (await uploadCsv(client, 'contacts', file)).json();
    expect(imp.mapping.map((m: { field: string | null }) => m.field)).toEqual([
      'email',
      'first_name',
      'last_name',
      'company_name',
      'custom.plan',
      'custom.seats',
      'custom.renewal',
      'custom.vip',
      'custom.region',
      'owner_email',
      'lifecycle_stage',
    ]);
    const counts = async () =>
      (
        await t.db.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM contacts WHERE workspace_id = $1) + (SELECT count(*) FROM companies WHERE workspace_id = $1)
           + (SELECT count(*) FROM import_errors WHERE workspace_id = $1) + (SELECT count(*) FROM import_records WHERE workspace_id = $1) AS n`,
          [ws],
        )
      ).rows[0]?.n;
    const before = await counts();
    const res = await client.post(`/api/v1/imports/${imp.id}/dry-run`);
    expect(res.statusCode, res.body).toBe(200);
    const dry = res.json();
    expect(dry.counts).toEqual({ rows: 7, create: 4, update: 0, unchanged: 1, error: 2 });
    // The second Ann row supersedes the first (the later row wins).
    expect(dry.rows.map((r: { action: string }) => r.action)).toEqual([
      'unchanged',
      'create',
      'error',
      'create',
      'error',
      'create',
      'create',
    ]);
    expect(dry.errorsByKind).toEqual({ invalid_email: 1, invalid_number: 1, invalid_date: 1, invalid_boolean: 1, unknown_owner: 1 });
    const ann = dry.rows[5];
    expect(ann.values).toMatchObject({
      email: 'ann@acme.test',
      last_name: 'Archer-Smith',
      lifecycle_stage: 'customer',
      custom: { plan: 'pro', seats: 4, renewal: '2026-12-31', vip: true, region: 'EMEA' },
    });
    expect(dry.rows[2].errors[0]).toMatchObject({ field: 'email', code: 'invalid_email' });
    expect(await counts()).toBe(before);
    expect((await client.get(`/api/v1/imports/${imp.id}`)).json().status).toBe('draft');
  });

  it('imports with companies created once and linked, bad rows kept with their reasons', async () => {
    const imp = (await uploadCsv(client, 'contacts', file)).json();
    expect((await client.post(`/api/v1/imports/${imp.id}/start`)).statusCode).toBe(202);
    const again = await client.post(`/api/v1/imports/${imp.id}/start`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('import_not_draft');
    await runImportJob(t.db, { workspaceId: ws, importId: imp.id }, { batchSize: 2 });
    const done = (await client.get(`/api/v1/imports/${imp.id}`)).json();
    // Batches of two: Ann's first row is superseded by her later row in another batch.
    expect(done).toMatchObject({
      status: 'completed',
      progress: { rowsTotal: 7, rowsDone: 7, created: 4, updated: 0, unchanged: 1, failed: 2 },
    });
    const companies = await t.db.query<{ name: string; n: number }>(
      `SELECT co.name, count(cc.contact_id)::int AS n FROM companies co LEFT JOIN contact_companies cc ON cc.workspace_id = co.workspace_id AND cc.company_id = co.id
       WHERE co.workspace_id = $1 GROUP BY co.name ORDER BY co.name`,
      [ws],
    );
    // Named twice in different spellings: created once, by the first row that is written.
    expect(companies.rows).toEqual([
      { name: 'ACME inc', n: 2 },
      { name: 'Globex', n: 1 },
      { name: 'Initech', n: 1 },
    ]);
    const ann = (
      await t.db.query<Record<string, unknown>>(
        `SELECT last_name, custom, lifecycle_stage, owner_id FROM contacts WHERE workspace_id = $1 AND email = 'ann@acme.test'`,
        [ws],
      )
    ).rows;
    expect(ann).toHaveLength(1);
    expect(ann[0]).toMatchObject({
      last_name: 'Archer-Smith',
      lifecycle_stage: 'customer',
      custom: { plan: 'pro', seats: 4, renewal: '2026-12-31', vip: true, region: 'EMEA' },
    });
    // Typed custom values are kept in step by the triggers.
    const typed = await t.db.query(
      `SELECT 1 FROM custom_field_values v JOIN contacts c ON c.workspace_id = v.workspace_id AND c.id = v.record_id WHERE c.workspace_id = $1 AND c.email = 'ann@acme.test'`,
      [ws],
    );
    expect(typed.rowCount).toBe(4);
    const csv = await client.get(`/api/v1/imports/${imp.id}/errors.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+-errors\.csv"; filename\*=UTF-8''\S+-errors\.csv$/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('Email,First Name,Last Name,Company Name,Plan,Seats,Renewal,Vip,Region,Contact owner,Lifecycle Stage,row,error');
    expect(lines[1]).toBe('not-an-email,Bad,Email,,,,,,,,,3,"""not-an-email"" is not a valid email address"');
    expect(lines[2]).toMatch(
      /^dan@globex\.test,Dan,Dunn,Globex,pro,many,2026-02-30,maybe,,nobody@nowhere\.test,,5,"Seats: ""many"" is not a number; .*Renewal.*; .*Vip.*; ""nobody@nowhere.test"" is not a member of this workspace"$/,
    );
    expect(lines).toHaveLength(3);
    const events = await t.db.query<{ payload: { import: Record<string, unknown> } }>(
      `SELECT payload FROM outbox_events WHERE workspace_id = $1 AND type = 'import.finished'`,
      [ws],
    );
    expect(events.rows.map((e) => e.payload.import)).toEqual([
      expect.objectContaining({ id: imp.id, status: 'completed', created: 4, failed: 2 }),
    ]);
  });

  it('re-importing the same file changes nothing and creates no duplicates', async () => {
    const snapshot = async () =>
      (await t.db.query(`SELECT id, email, first_name, last_name, custom, version FROM contacts WHERE workspace_id = $1 ORDER BY id`, [ws]))
        .rows;
    const before = await snapshot();
    const companies = (await t.db.query('SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1', [ws])).rows[0];
    const changes = (
      await t.db.query('SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND record_type = $2', [ws, 'contact'])
    ).rows[0];
    const again = await importFile(client, file);
    expect(again.progress).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 2 });
    expect(await snapshot()).toEqual(before);
    expect((await t.db.query('SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1', [ws])).rows[0]).toEqual(companies);
    expect(
      (await t.db.query('SELECT count(*)::int AS n FROM record_changes WHERE workspace_id = $1 AND record_type = $2', [ws, 'contact']))
        .rows[0],
    ).toEqual(changes);
  });

  it('stores awkward text exactly: quotes, backslashes, braces, commas and the word NULL', async () => {
    const names = ['O"Brien', 'back\\slash', '{brace}', 'a,b', 'NULL', 'tab\there', ' spaced '];
    const csv = `Email,First Name,Last Name,Tags\n${names.map((n, i) => `odd${i}@text.test,"${n.replaceAll('"', '""')}",Last,"x,{y},""z"""`).join('\n')}\n`;
    const imp = await importFile(client, csv);
    expect(imp.progress).toMatchObject({ created: names.length, failed: 0 });
    const res = await t.db.query<{ email: string; first_name: string; tags: string[]; emails: unknown }>(
      `SELECT email, first_name, tags, emails FROM contacts WHERE workspace_id = $1 AND email LIKE 'odd%' ORDER BY email`,
      [ws],
    );
    expect(res.rows.map((r) => r.first_name)).toEqual(names.map((n) => n.trim()));
    expect(res.rows[0]?.tags).toEqual(['x', '{y}', '"z"']);
    expect(res.rows[0]?.emails).toEqual([{ address: 'odd0@text.test', label: null, primary: true }]);
  });

  it('the error report guards cells a spreadsheet would run as formulas, and keeps plain numbers', async () => {
    const imp = await importFile(
      client,
      'Email,First Name,Seats,Region\nbad-email,"=HYPERLINK(""http://evil.test"",""x"")",-12,@SUM(A1)\n',
    );
    expect(imp.progress).toMatchObject({ failed: 1 });
    const lines = (await client.get(`/api/v1/imports/${imp.id}/errors.csv`)).body.trim().split('\r\n');
    expect(lines[1]).toBe(
      `bad-email,"'=HYPERLINK(""http://evil.test"",""x"")",-12,'@SUM(A1),1,"""bad-email"" is not a valid email address"`,
    );
  });

  it('revert restores changed fields, removes created records and the company links it added', async () => {
    const oldco = (await client.post('/api/v1/companies', { name: 'Oldco' })).json();
    const existing = (
      await client.post('/api/v1/contacts', {
        email: 'zed@keep.test',
        firstName: 'Zed',
        lastName: 'Old',
        custom: { region: 'NA' },
        companies: [{ companyId: oldco.id, primary: true }],
      })
    ).json();
    const linkedOnly = (await client.post('/api/v1/contacts', { email: 'amy@keep.test', firstName: 'Amy' })).json();
    const imp = await importFile(
      client,
      'Email,First Name,Last Name,Region,Company\nzed@keep.test,Zed,New,APAC,Keepco\nyan@new.test,Yan,Young,,\namy@keep.test,Amy,,,Oldco\n',
    );
    expect(imp.progress).toMatchObject({ created: 1, updated: 2 });
    const linksOf = async (id: string) =>
      ((await client.get(`/api/v1/contacts/${id}`)).json().companies as { name: string; primary: boolean }[]).map((c) => [
        c.name,
        c.primary,
      ]);
    expect(await linksOf(existing.id)).toEqual(
      expect.arrayContaining([
        ['Oldco', true],
        ['Keepco', false],
      ]),
    );
    expect(await linksOf(linkedOnly.id)).toEqual([['Oldco', true]]);
    expect((await client.get(`/api/v1/contacts/${existing.id}`)).json()).toMatchObject({ lastName: 'New', custom: { region: 'APAC' } });
    const res = await client.post(`/api/v1/imports/${imp.id}/revert`);
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('reverting');
    await runImportJob(t.db, { workspaceId: ws, importId: imp.id });
    expect((await client.get(`/api/v1/imports/${imp.id}`)).json()).toMatchObject({ status: 'reverted', revertedAt: expect.any(String) });
    expect((await client.get(`/api/v1/contacts/${existing.id}`)).json()).toMatchObject({
      firstName: 'Zed',
      lastName: 'Old',
      custom: { region: 'NA' },
    });
    const left = await t.db.query(
      `SELECT email, deleted_at IS NOT NULL AS trashed FROM contacts WHERE workspace_id = $1 AND email IN ('zed@keep.test', 'yan@new.test') ORDER BY email`,
      [ws],
    );
    expect(left.rows).toEqual([
      { email: 'yan@new.test', trashed: true },
      { email: 'zed@keep.test', trashed: false },
    ]);
    const keepco = await t.db.query(`SELECT deleted_at IS NOT NULL AS trashed FROM companies WHERE workspace_id = $1 AND name = 'Keepco'`, [
      ws,
    ]);
    expect(keepco.rows).toEqual([{ trashed: true }]);
    // The links the import added are gone; the one the contact had before stays, and Oldco itself stays.
    expect(await linksOf(existing.id)).toEqual([['Oldco', true]]);
    expect(await linksOf(linkedOnly.id)).toEqual([]);
    expect((await client.get(`/api/v1/companies/${oldco.id}`)).statusCode).toBe(200);
    const twice = await client.post(`/api/v1/imports/${imp.id}/revert`);
    expect(twice.statusCode).toBe(409);
  });

  it('cancel stops the job before its next batch; what was written stays', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => `c${i}@cancel.test,C${i}`).join('\n');
    const up = (await uploadCsv(client, 'contacts', `Email,First Name\n${rows}\n`)).json();
    await client.post(`/api/v1/imports/${up.id}/start`);
    await expect(runImportJob(crashingAfter(t.db, 3), { workspaceId: ws, importId: up.id }, { batchSize: 2 })).rejects.toThrow(
      'simulated crash',
    );
    const cancelled = await client.post(`/api/v1/imports/${up.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', progress: { rowsDone: 2 } });
    await runImportJob(t.db, { workspaceId: ws, importId: up.id }, { batchSize: 2 });
    expect((await client.get(`/api/v1/imports/${up.id}`)).json()).toMatchObject({
      status: 'cancelled',
      progress: { rowsDone: 2, created: 2 },
    });
    const written = await t.db.query(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND email LIKE '%@cancel.test'`, [
      ws,
    ]);
    expect(written.rows[0]).toEqual({ n: 2 });
    expect((await client.post(`/api/v1/imports/${up.id}/cancel`)).statusCode).toBe(409);
  });

  it('saves the mapping as a template and applies it to the next upload', async () => {
    const imp = (await uploadCsv(client, 'contacts', 'Mail,Given,Notes\na@t.test,A,x\n')).json();
    expect(imp.mapping.map((m: { field: string | null }) => m.field)).toEqual(['email', null, null]);
    await client.patch(`/api/v1/imports/${imp.id}`, {
      mapping: [
        { index: 0, field: 'email' },
        { index: 1, field: 'first_name' },
      ],
      dateFormat: 'DD.MM.YYYY',
    });
    const made = await client.post(`/api/v1/imports/${imp.id}/fields`, { column: 2 });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().field).toMatchObject({ key: 'custom.notes', label: 'Notes', custom: true });
    expect(made.json().import.mapping[2].field).toBe('custom.notes');
    const saved = await client.post(`/api/v1/imports/${imp.id}/template`, { name: 'Newsletter list' });
    expect(saved.statusCode).toBe(201);
    const next = (await uploadCsv(client, 'contacts', 'Given,Mail,Notes\nB,b@t.test,y\n', { templateId: saved.json().id })).json();
    expect(next.mapping.map((m: { field: string | null }) => m.field)).toEqual(['first_name', 'email', 'custom.notes']);
    expect(next).toMatchObject({ dateFormat: 'DD.MM.YYYY', templateId: saved.json().id });
    expect((await client.get('/api/v1/import-templates?object=contacts')).json().data.map((x: { name: string }) => x.name)).toEqual([
      'Newsletter list',
    ]);
    expect((await client.delete(`/api/v1/import-templates/${saved.json().id}`)).statusCode).toBe(204);
    expect((await client.get('/api/v1/import-templates')).json().data).toEqual([]);
  });
});

describe('resuming after a crash', () => {
  const file = ['Email,First Name,Seats', ...Array.from({ length: 11 }, (_, i) => `p${i % 9}@crash.test,P${i},${i}`)].join('\n');

  async function state(ws: string) {
    return (await t.db.query(`SELECT email, first_name, custom, version FROM contacts WHERE workspace_id = $1 ORDER BY email`, [ws])).rows;
  }

  it('gives exactly the data of an uninterrupted run', async () => {
    const straight = await signUp(t.app);
    const crashed = await signUp(t.app);
    for (const s of [straight, crashed])
      await s.client.in(s.workspaceId).post('/api/v1/custom-fields', { objectType: 'contact', label: 'Seats', type: 'number' });
    const done = await importFile(straight.client.in(straight.workspaceId), file);
    const up = (await uploadCsv(crashed.client.in(crashed.workspaceId), 'contacts', file)).json();
    await crashed.client.in(crashed.workspaceId).post(`/api/v1/imports/${up.id}/start`);
    const ref = { workspaceId: crashed.workspaceId, importId: up.id };
    await expect(runImportJob(crashingAfter(t.db, 4), ref, { batchSize: 3 })).rejects.toThrow('simulated crash');
    const midway = (await crashed.client.in(crashed.workspaceId).get(`/api/v1/imports/${up.id}`)).json();
    expect(midway).toMatchObject({ status: 'running', progress: { rowsDone: 6 } });
    // The lease of the dead runner has been freed, so the retry resumes at once.
    await runImportJob(t.db, ref, { batchSize: 3 });
    const resumed = (await crashed.client.in(crashed.workspaceId).get(`/api/v1/imports/${up.id}`)).json();
    expect(resumed.progress).toEqual(done.progress);
    expect(resumed.status).toBe('completed');
    expect(await state(crashed.workspaceId)).toEqual(await state(straight.workspaceId));
    expect((await state(straight.workspaceId)).map((c) => [c.email, c.first_name])).toContainEqual(['p0@crash.test', 'P9']);
  });

  it('plans a batch again when a contact changed after it was planned', async () => {
    const s = await signUp(t.app);
    const c = s.client.in(s.workspaceId);
    const contact = (await c.post('/api/v1/contacts', { email: 'x@stale.test', firstName: 'Old' })).json();
    const up = (await uploadCsv(c, 'contacts', 'Email,First Name\nx@stale.test,New\n')).json();
    const row = (await findImportRow(t.db, s.workspaceId, up.id)) as ImportRow;
    const ctx = {
      workspaceId: s.workspaceId,
      actor: { type: 'user' as const, id: s.userId, userId: s.userId },
      role: 'owner' as const,
      tx: t.db,
    };
    const env = await loadImportEnv(ctx, row);
    const plan = await contactsEngine.plan(ctx, env, [{ row: 1, cells: ['x@stale.test', 'New'] }], { lock: true });
    expect(plan.rows[0]?.action).toBe('update');
    expect((await c.patch(`/api/v1/contacts/${contact.id}`, { lastName: 'Meanwhile' })).statusCode).toBe(200);
    await expect(t.db.transaction((tx) => plan.write({ ...ctx, tx }))).rejects.toBeInstanceOf(StaleBatch);
    expect((await c.get(`/api/v1/contacts/${contact.id}`)).json()).toMatchObject({ firstName: 'Old', lastName: 'Meanwhile' });
    await c.post(`/api/v1/imports/${up.id}/start`);
    await runImportJob(t.db, { workspaceId: s.workspaceId, importId: up.id });
    expect((await c.get(`/api/v1/contacts/${contact.id}`)).json()).toMatchObject({ firstName: 'New', lastName: 'Meanwhile' });
  });

  it('a second runner leaves a live one alone', async () => {
    const s = await signUp(t.app);
    const c = s.client.in(s.workspaceId);
    const up = (await uploadCsv(c, 'contacts', 'Email\na@lease.test\n')).json();
    await c.post(`/api/v1/imports/${up.id}/start`);
    await t.db.query(`UPDATE imports SET runner_id = $3, lease_until = now() + interval '1 minute' WHERE workspace_id = $1 AND id = $2`, [
      s.workspaceId,
      up.id,
      up.id,
    ]);
    await runImportJob(t.db, { workspaceId: s.workspaceId, importId: up.id });
    expect((await c.get(`/api/v1/imports/${up.id}`)).json()).toMatchObject({ status: 'queued', progress: { rowsDone: 0 } });
  });
});

describe('bad input', () => {
  it('answers problem+json and stores nothing', async () => {
    const s = await signUp(t.app);
    const c = s.client.in(s.workspaceId);
    const onlyFile = multipartBody([{ name: 'file', value: 'Email\\na@b.co\\n', filename: 'x.csv' }]);
    const noObject = await c.request('POST', '/api/v1/imports', onlyFile.payload, { 'content-type': onlyFile.contentType });
    expect(noObject.statusCode).toBe(400);
    expect(noObject.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.object' }] });
    const badObject = await uploadCsv(c, 'tickets', 'Email\n');
    expect(badObject.json().errors[0]).toMatchObject({ field: 'body.object', code: 'invalid_object' });
    const empty = await uploadCsv(c, 'contacts', '');
    expect(empty.statusCode).toBe(422);
    expect(empty.json()).toMatchObject({ code: 'unprocessable', errors: [{ field: 'body.file', code: 'empty_file' }] });
    const blank = await uploadCsv(c, 'contacts', '\n\n');
    expect(blank.statusCode).toBe(422);
    const json = await c.post('/api/v1/imports', { object: 'contacts' });
    expect(json.statusCode).toBe(415);
    const noKey = (await uploadCsv(c, 'contacts', 'Name\nA\n')).json();
    const refused = await c.post(`/api/v1/imports/${noKey.id}/start`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ field: 'upsertKey', code: 'missing_key' });
    const badKey = await c.patch(`/api/v1/imports/${noKey.id}`, { upsertKey: 'domain' });
    expect(badKey.statusCode).toBe(422);
    const readOnly = await addMember(c, 'read_only');
    expect((await uploadCsv(readOnly.client.in(s.workspaceId), 'contacts', 'Email\na@b.co\n')).statusCode).toBe(403);
    const stored = await t.db.query(`SELECT status FROM imports WHERE workspace_id = $1`, [s.workspaceId]);
    expect(stored.rows).toEqual([{ status: 'draft' }]);
    expect((await t.db.query(`SELECT 1 FROM import_file_chunks WHERE workspace_id = $1`, [s.workspaceId])).rowCount).toBe(1);
  });
});

describe('other objects', () => {
  it('imports companies by domain, deals by pipeline and stage name, and activities linked by email and domain', async () => {
    const s = await signUp(t.app);
    const c = s.client.in(s.workspaceId);
    const companies = await importFile(
      c,
      'Company name,Website,Industry,Employees\nAcme,https://www.acme.test/,Tools,50\nGlobex,globex.test,Energy,x\nAcme Corp,ACME.test,Tools,60\n',
      {},
      'companies',
    );
    expect(companies.progress).toMatchObject({ created: 1, unchanged: 1, failed: 1 });
    expect(companies.errorsByKind).toEqual({ invalid_number: 1 });
    const acme = (
      await t.db.query(`SELECT name, employee_count FROM companies WHERE workspace_id = $1 AND domain = 'acme.test'`, [s.workspaceId])
    ).rows;
    expect(acme).toEqual([{ name: 'Acme Corp', employee_count: 60 }]);
    const pipelines = (await c.get('/api/v1/pipelines')).json().data;
    const pipeline = pipelines[0];
    const stage = pipeline.stages[1];
    const deals = await importFile(
      c,
      `Deal name,Pipeline,Deal stage,Amount,Close date,Company domain,Record ID\nBig one,${pipeline.name},${stage.name},"1,250.50",2026-03-01,acme.test,D1\nNowhere,${pipeline.name},No such stage,1,,,D2\n`,
      {},
      'deals',
    );
    expect(deals.progress).toMatchObject({ created: 1, failed: 1 });
    const deal = (
      await t.db.query(`SELECT name, stage_id, amount, currency, company_id IS NOT NULL AS linked FROM deals WHERE workspace_id = $1`, [
        s.workspaceId,
      ])
    ).rows;
    expect(deal).toEqual([{ name: 'Big one', stage_id: stage.id, amount: 125050, currency: 'USD', linked: true }]);
    await c.post('/api/v1/contacts', { email: 'pat@acme.test', firstName: 'Pat' });
    const acts = await importFile(
      c,
      'Type,Subject,Body,Date,Contact email,Company domain\nCall,Intro,Went well,2026-01-02 10:00,pat@acme.test,acme.test\nFax,Old,,,pat@acme.test,\nNote,Who,,,ghost@acme.test,\n',
      {},
      'activities',
    );
    expect(acts.progress).toMatchObject({ created: 1, failed: 2 });
    expect(acts.errorsByKind).toEqual({ invalid_option: 1, unknown_contact: 1 });
    const timeline = await t.db.query(
      `SELECT record_type FROM timeline_entries WHERE workspace_id = $1 AND kind = 'activity' ORDER BY record_type`,
      [s.workspaceId],
    );
    expect(timeline.rows).toEqual([{ record_type: 'company' }, { record_type: 'contact' }]);
  });
});

describe('who may import', () => {
  it('a read-only member sees imports but cannot start one', async () => {
    const s = await signUp(t.app);
    const c = s.client.in(s.workspaceId);
    const viewer = await addMember(c, 'read_only');
    const imp = (await uploadCsv(c, 'contacts', 'Email\nx@y.test\n')).json();
    const v = viewer.client.in(s.workspaceId);
    expect((await v.get(`/api/v1/imports/${imp.id}`)).statusCode).toBe(200);
    expect((await v.post(`/api/v1/imports/${imp.id}/start`)).statusCode).toBe(403);
    expect(ownerEmail).toContain('@');
  });
});
