import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, apiKeyClient, type Client, createTestApp, signUp, type TestApp } from '../../../test/helpers.ts';
import { guardFormula, moneyDecimal } from './exports.csv.ts';

let t: TestApp;
let owner: Client;
let ownerId: string;
let ownerEmail: string;
let workspaceId: string;
let acmeId: string;

const rowsOf = (body: string): string[][] => parse(body, { bom: true, relax_column_count: false }) as string[][];
const exportCount = async (ws: string) =>
  Number(
    (await t.db.query<{ n: number }>("SELECT count(*) AS n FROM record_changes WHERE workspace_id = $1 AND action = 'export'", [ws]))
      .rows[0]?.n,
  );

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app, { name: 'Olive Owner' });
  owner = s.client;
  ownerId = s.userId;
  ownerEmail = s.email;
  workspaceId = s.workspaceId;
  for (const field of [
    { objectType: 'contact', label: 'Tier', type: 'single_select', options: [{ value: 'gold', label: 'Gold tier' }] },
    { objectType: 'contact', label: 'Budget', type: 'currency' },
    { objectType: 'contact', label: 'Score', type: 'number' },
    { objectType: 'contact', label: 'Champion', type: 'user' },
  ]) {
    expect((await owner.post('/api/v1/custom-fields', field)).statusCode).toBe(201);
  }
  acmeId = (await owner.post('/api/v1/companies', { name: 'Acme' })).json().id;
  const people = [
    { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.example', lifecycleStage: 'customer', ownerId, tags: ['vip', 'math'] },
    { firstName: 'Bob', lastName: 'Builder', email: 'bob@acme.example', lifecycleStage: 'lead' },
    { firstName: 'Cy', lastName: 'Clone', email: 'cy@other.example', lifecycleStage: 'customer' },
  ];
  for (const p of people) {
    const extra =
      p.firstName === 'Ada'
        ? {
            companies: [{ companyId: acmeId, primary: true }],
            custom: { tier: 'gold', budget: { amount: 1250050, currency: 'EUR' }, score: -3.5, champion: ownerId },
          }
        : {};
    expect((await owner.post('/api/v1/contacts', { ...p, ...extra })).statusCode).toBe(201);
  }
});
afterAll(() => t.close());

describe('cell formatting', () => {
  it('prefixes text that a spreadsheet would run as a formula, and nothing else', () => {
    for (const bad of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(guardFormula(bad)).toBe(`'${bad}`);
    for (const good of ['Ada', ' =x', 'a=b', '', "'quoted"]) expect(guardFormula(good)).toBe(good);
  });

  it('writes money in major units with the currency’s decimals', () => {
    expect(moneyDecimal(1250050, 'EUR')).toBe('12500.50');
    expect(moneyDecimal(5, 'USD')).toBe('0.05');
    expect(moneyDecimal(-105, 'USD')).toBe('-1.05');
    expect(moneyDecimal(1200, 'JPY')).toBe('1200');
    expect(moneyDecimal(null, 'USD')).toBeNull();
  });
});

describe('list export', () => {
  it('exports the filtered, sorted list with the chosen columns, labelled and readable', async () => {
    const res = await owner.post('/api/v1/contacts/export', {
      filterGroups: [{ filters: [{ field: 'lifecycleStage', operator: 'eq', value: 'customer' }] }],
      sort: [{ field: 'firstName', direction: 'desc' }],
      columns: [
        'name',
        'email',
        'companies',
        'ownerId',
        'tags',
        'custom.tier',
        'custom.budget',
        'custom.score',
        'custom.champion',
        'createdAt',
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    expect(res.body).toContain('\r\n');
    const [header, ...rows] = rowsOf(res.body);
    expect(header).toEqual([
      'Name',
      'Email',
      'Company',
      'Owner',
      'Owner email',
      'Tags',
      'Tier',
      'Budget',
      'Budget currency',
      'Score',
      'Champion',
      'Created',
    ]);
    expect(rows.map((r) => r[0])).toEqual(['Cy Clone', 'Ada Lovelace']);
    const ada = rows[1] as string[];
    expect(ada.slice(0, 11)).toEqual([
      'Ada Lovelace',
      'ada@acme.example',
      'Acme',
      'Olive Owner',
      ownerEmail,
      'vip; math',
      'Gold tier',
      '12500.50',
      'EUR',
      '-3.5',
      ownerEmail,
    ]);
    expect(new Date(ada[11] as string).toISOString()).toBe(ada[11]);
    expect(rows[0]?.slice(5, 11)).toEqual(['', '', '', '', '', '']);
  });

  it('guards cells against formula injection', async () => {
    const evil = (
      await owner.post('/api/v1/contacts', { firstName: '=HYPERLINK("http://evil")', jobTitle: '@SUM(1)', leadSource: '+cmd' })
    ).json();
    const res = await owner.post('/api/v1/contacts/export', {
      filterGroups: [{ filters: [{ field: 'id', operator: 'eq', value: evil.id }] }],
      columns: ['firstName', 'jobTitle', 'leadSource'],
    });
    expect(rowsOf(res.body)[1]).toEqual(['\'=HYPERLINK("http://evil")', "'@SUM(1)", "'+cmd"]);
    await owner.delete(`/api/v1/contacts/${evil.id}`);
  });

  it('takes filters, order and columns from a saved view, and the body overrides them', async () => {
    const view = (
      await owner.post('/api/v1/views', {
        objectType: 'contact',
        name: 'Acme people',
        filterGroups: [{ filters: [{ field: 'email', operator: 'contains', value: 'acme' }] }],
        sort: [{ field: 'firstName', direction: 'asc' }],
        columns: ['firstName', 'email'],
      })
    ).json();
    const res = await owner.post(`/api/v1/contacts/export?view=${view.id}`, {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('filename="acme-people-');
    expect(rowsOf(res.body)).toEqual([
      ['First name', 'Email'],
      ['Ada', 'ada@acme.example'],
      ['Bob', 'bob@acme.example'],
    ]);
    const narrowed = await owner.post(`/api/v1/contacts/export?view=${view.id}`, { columns: ['lastName'] });
    expect(rowsOf(narrowed.body)).toEqual([['Last name'], ['Lovelace'], ['Builder']]);
    const wrongType = await owner.post(`/api/v1/companies/export?view=${view.id}`, {});
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].field).toBe('query.view');
  });

  it('exports deals with stage, pipeline, company names and money, and the other record types', async () => {
    const pipeline = (await owner.get('/api/v1/pipelines')).json().data[0];
    const stage = pipeline.stages[1];
    const deal = await owner.post('/api/v1/deals', {
      name: 'Big one',
      pipelineId: pipeline.id,
      stageId: stage.id,
      amount: 990000,
      currency: 'USD',
      companyId: acmeId,
      ownerId,
    });
    expect(deal.statusCode).toBe(201);
    const res = await owner.post('/api/v1/deals/export', { columns: ['name', 'amount', 'pipelineId', 'stageId', 'companyId', 'ownerId'] });
    expect(rowsOf(res.body)).toEqual([
      ['Name', 'Amount', 'Amount currency', 'Pipeline', 'Stage', 'Company', 'Owner', 'Owner email'],
      ['Big one', '9900.00', 'USD', pipeline.name, stage.name, 'Acme', 'Olive Owner', ownerEmail],
    ]);
    const note = await owner.post('/api/v1/activities', {
      kind: 'note',
      body: 'Called about renewal',
      links: [{ recordType: 'company', recordId: acmeId }],
    });
    expect(note.statusCode).toBe(201);
    const activities = rowsOf((await owner.post('/api/v1/activities/export', { columns: ['kind', 'body', 'companies'] })).body);
    expect(activities).toEqual([
      ['Kind', 'Body', 'Companies'],
      ['note', 'Called about renewal', 'Acme'],
    ]);
    await owner.post('/api/v1/tasks', { title: 'Send contract', record: { recordType: 'company', recordId: acmeId } });
    const tasks = rowsOf((await owner.post('/api/v1/tasks/export', { columns: ['title', 'record'] })).body);
    expect(tasks).toEqual([
      ['Title', 'Record type', 'Record'],
      ['Send contract', 'company', 'Acme'],
    ]);
    const companies = rowsOf((await owner.post('/api/v1/companies/export', { columns: ['name'] })).body);
    expect(companies).toEqual([['Name'], ['Acme']]);
  });

  it('refuses unknown columns and bad filters with the fields named, before sending anything or auditing', async () => {
    const before = await exportCount(workspaceId);
    const res = await owner.post('/api/v1/contacts/export', { columns: ['name', 'nope', 'custom.missing'] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('validation_failed');
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['body.columns[1]', 'body.columns[2]']);
    const badFilter = await owner.post('/api/v1/contacts/export', {
      filterGroups: [{ filters: [{ field: 'shoeSize', operator: 'eq', value: 1 }] }],
    });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().errors[0].field).toMatch(/filterGroups/);
    const badSort = await owner.post('/api/v1/contacts/export', { sort: [{ field: 'body', direction: 'asc' }] });
    expect(badSort.statusCode).toBe(400);
    expect(await exportCount(workspaceId)).toBe(before);
  });

  it('records who exported what in the audit log', async () => {
    const before = await exportCount(workspaceId);
    await owner.post('/api/v1/companies/export', { columns: ['name', 'domain'] });
    expect(await exportCount(workspaceId)).toBe(before + 1);
    const log = (await owner.get('/api/v1/record-changes?recordType=company&limit=1')).json().data[0];
    expect(log.action).toBe('export');
    expect(log.actorId).toBeTruthy();
    expect(log.changes.columns.to).toEqual(['name', 'domain']);
  });

  it('lets anyone who can read records export them (read-only members and read-only keys), and nobody signed out', async () => {
    const { client: reader } = await addMember(owner, 'read_only');
    const res = await reader.post('/api/v1/contacts/export', { columns: ['email'] });
    expect(res.statusCode).toBe(200);
    expect(rowsOf(res.body).length).toBe(4);
    const key = await apiKeyClient(owner, 'read');
    expect((await key.client.post('/api/v1/contacts/export', { columns: ['email'] })).statusCode).toBe(200);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/contacts/export', payload: {} });
    expect(anonymous.statusCode).toBe(401);
  });

  it('never exports another workspace’s records or views', async () => {
    const other = await signUp(t.app, { workspaceName: 'Other' });
    await other.client.post('/api/v1/contacts', { firstName: 'Zed', email: 'zed@zzz.example' });
    const mine = rowsOf((await owner.post('/api/v1/contacts/export', { columns: ['email'] })).body).flat();
    expect(mine).not.toContain('zed@zzz.example');
    const theirs = rowsOf((await other.client.post('/api/v1/contacts/export', { columns: ['email'] })).body);
    expect(theirs).toEqual([['Email'], ['zed@zzz.example']]);
    const myView = (await owner.get('/api/v1/views?objectType=contact')).json().data[0];
    const stolen = await other.client.post(`/api/v1/contacts/export?view=${myView.id}`, {});
    expect(stolen.statusCode).toBe(404);
  });
});

describe('streaming', () => {
  it('sends the first rows before it reads the last page', async () => {
    const s = await signUp(t.app, { workspaceName: 'Big' });
    // A hundred pages: the late contact is created while most of them are still to be read, however
    // much of the file the sockets' buffers hold (12 pages once fitted and raced on a busy machine).
    const rows = 100_000;
    await t.db.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, email_list)
       SELECT $1, rapport_uuid_v7(), 'Person', 'Number ' || n, 'p' || n || '@big.example', ARRAY['p' || n || '@big.example']
       FROM generate_series(1, $2::int) n`,
      [s.workspaceId, rows],
    );
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    expect(address).toContain(String(port));
    const credentials = s.client.credentials as { cookie: string; csrfToken: string };
    const body = JSON.stringify({ sort: [{ field: 'id', direction: 'asc' }], columns: ['email'] });
    const text = await new Promise<{ text: string; lateCreated: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/contacts/export',
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: credentials.cookie, 'x-csrf-token': credentials.csrfToken },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let late: Promise<string> | undefined;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            if (!late) {
              // The first bytes are here; a contact created now sorts last and must still be in the file.
              res.pause();
              late = s.client.post('/api/v1/contacts', { email: 'late@big.example' }).then((r) => {
                res.resume();
                return r.json().id as string;
              });
            }
          });
          res.on('end', () => {
            void late?.then((lateCreated) => resolve({ text: Buffer.concat(chunks).toString('utf8'), lateCreated }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const parsed = rowsOf(text.text);
    expect(parsed.length).toBe(rows + 2);
    // Every seeded contact once (ids made in one statement need not follow n), then the late one.
    const seeded = new Set(parsed.slice(1, -1).map((r) => r[0]));
    expect(seeded.size).toBe(rows);
    expect(seeded.has('p1@big.example') && seeded.has(`p${rows}@big.example`)).toBe(true);
    expect(parsed.at(-1)).toEqual(['late@big.example']);
  }, 120_000);
});
