import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation, useParams } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../../ui/Toast';
import { ImportHistoryList } from './ImportHistory';
import { ImportView } from './ImportsScreen';
import type { DryRun, Import, ImportTemplate } from './imports.model';
import { UploadStep } from './NewImport';

/**
 * A stand-in for the API behind `fetch`, installed before the app's client is built so every
 * request of the screens goes through it. It keeps one import's state, as the server would.
 */
const api = vi.hoisted(() => {
  type Sent = { method: string; path: string; body: unknown; parts?: [string, string][] };
  type Reply = { status: number; body: unknown; type?: string };
  const state = {
    sent: [] as Sent[],
    routes: [] as { method: string; path: RegExp; reply: (req: Sent, match: RegExpMatchArray) => Reply }[],
  };
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const sent: Sent = { method: request.method, path: url.pathname + url.search, body: null };
    const type = request.headers.get('content-type') ?? '';
    if (type.includes('multipart/form-data')) {
      const form = await request.formData();
      sent.parts = [...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : (v as File).name]);
    } else if (request.method !== 'GET') {
      const text = await request.text();
      sent.body = text ? JSON.parse(text) : null;
    }
    state.sent.push(sent);
    const route = state.routes.find((r) => r.method === request.method && r.path.test(url.pathname + url.search));
    const match = route ? (url.pathname + url.search).match(route.path) : null;
    const reply =
      route && match
        ? route.reply(sent, match)
        : { status: 404, body: { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' } };
    const contentType = reply.type ?? (reply.status >= 400 ? 'application/problem+json' : 'application/json');
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(reply.status === 204 ? null : text, { status: reply.status, headers: { 'content-type': contentType } });
  }) as typeof fetch;
  return state;
});

const ID = '7f1c2a4e-3b5d-4c6e-8f70-112233445566';
const fields = [
  { key: 'first_name', label: 'First name', type: 'text', required: false, custom: false },
  { key: 'last_name', label: 'Last name', type: 'text', required: false, custom: false },
  { key: 'email', label: 'Email', type: 'email', required: false, custom: false },
  { key: 'company_name', label: 'Company name', type: 'text', required: false, custom: false },
  { key: 'lifecycle_stage', label: 'Lifecycle stage', type: 'select', required: false, custom: false },
  { key: 'external_id', label: 'External id', type: 'text', required: false, custom: false },
];
const headers = ['First Name', 'Last Name', 'Email', 'Company Name', 'Lifecycle Stage', 'Favourite Language'];

function draft(): Import {
  return {
    id: ID,
    object: 'contacts',
    status: 'draft',
    fileName: 'people.csv',
    fileSize: 2048,
    encoding: 'utf-8',
    delimiter: ',',
    headers,
    sampleRows: [
      ['Ada', 'Lovelace', 'ada@example.com', 'Analytical', 'customer', 'Notes'],
      ['Grace', 'Hopper', 'grace@navy', 'Navy', 'lead', 'COBOL'],
    ],
    mapping: headers.map((column, index) => ({ column, index, field: [...fields.slice(0, 5).map((f) => f.key), null][index] ?? null })),
    upsertKey: 'email',
    dateFormat: 'auto',
    templateId: null,
    fields,
    progress: { rowsTotal: null, rowsDone: 0, created: 0, updated: 0, unchanged: 0, failed: 0, rowsPerSecond: null, etaSeconds: null },
    errorsByKind: {},
    error: null,
    createdBy: 'u1',
    createdAt: '2026-11-26T09:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    cancelledAt: null,
    revertedAt: null,
    version: 1,
  };
}

let current: Import;
let templates: ImportTemplate[];
const problem = (status: number, code: string, detail: string, errors: { field: string; message: string }[] = []) => ({
  status,
  body: { type: 'about:blank', title: 'Refused', status, code, detail, errors },
});
const ok = (body: unknown, status = 200) => ({ status, body });

const dryRun: DryRun = {
  rows: [
    { row: 1, action: 'create', values: { first_name: 'Ada', email: 'ada@example.com' }, errors: [] },
    {
      row: 2,
      action: 'error',
      values: { first_name: 'Grace', email: 'grace@navy' },
      errors: [{ field: 'email', code: 'invalid_email', message: '“grace@navy” is not an email address' }],
    },
  ],
  counts: { rows: 2, create: 1, update: 0, unchanged: 0, error: 1 },
  errorsByKind: { invalid_email: 1 },
};

beforeEach(() => {
  current = draft();
  templates = [
    {
      id: 't1',
      name: 'Trade fair list',
      object: 'contacts',
      mapping: [
        { column: 'Email', field: 'email' },
        { column: 'first name', field: 'first_name' },
      ],
      upsertKey: 'none',
      dateFormat: 'DD.MM.YYYY',
      createdBy: 'u1',
      createdAt: '2026-11-20T09:00:00.000Z',
    },
  ];
  api.sent.length = 0;
  sessionStorage.clear();
  api.routes = [
    {
      method: 'GET',
      path: /^\/api\/v1\/me$/,
      reply: () => ok({ csrfToken: 'csrf', role: 'member', permissions: ['imports.read', 'imports.manage'] }),
    },
    { method: 'GET', path: /^\/api\/v1\/members/, reply: () => ok({ data: [{ userId: 'u1', name: 'Ada Lovelace' }], nextCursor: null }) },
    { method: 'POST', path: /^\/api\/v1\/imports$/, reply: () => ok(current, 201) },
    { method: 'GET', path: /^\/api\/v1\/imports\/[^/]+$/, reply: () => ok(current) },
    {
      method: 'PATCH',
      path: /^\/api\/v1\/imports\/[^/]+$/,
      reply: (req) => {
        const change = req.body as Partial<Import>;
        const unknown = change.mapping?.find((m) => m.field && !current.fields.some((f) => f.key === m.field));
        if (unknown)
          return problem(422, 'validation_failed', 'The mapping names unknown fields', [
            { field: 'body.mapping', message: `No field ${unknown.field}` },
          ]);
        current = { ...current, ...change, version: current.version + 1 };
        return ok(current);
      },
    },
    { method: 'POST', path: /dry-run$/, reply: () => ok(dryRun) },
    {
      method: 'POST',
      path: /\/fields$/,
      reply: (req) => {
        const { column, label } = req.body as { column: number; label: string };
        const field = { key: 'custom.favourite_language', label, type: 'text', required: false, custom: true };
        current = {
          ...current,
          fields: [...current.fields, field],
          mapping: current.mapping.map((m) => (m.index === column ? { ...m, field: field.key } : m)),
          version: current.version + 1,
        };
        return ok({ field, import: current }, 201);
      },
    },
    { method: 'GET', path: /^\/api\/v1\/import-templates\?object=contacts$/, reply: () => ok({ data: templates }) },
    {
      method: 'POST',
      path: /\/template$/,
      reply: (req) => ok({ ...templates[0], id: 't2', name: (req.body as { name: string }).name }, 201),
    },
    {
      method: 'POST',
      path: /\/start$/,
      reply: () => {
        current = { ...current, status: 'queued', startedAt: '2026-11-26T09:01:00.000Z' };
        return ok(current, 202);
      },
    },
    {
      method: 'POST',
      path: /\/revert$/,
      reply: () => {
        current = { ...current, status: 'reverting' };
        return ok(current, 202);
      },
    },
    { method: 'GET', path: /errors\.csv$/, reply: () => ({ status: 200, body: 'row,error\n2,bad email\n', type: 'text/csv' }) },
  ];
});

// The runs poll once a second, and the machine may be busy: waits allow a few seconds.
configure({ asyncUtilTimeout: 4000 });

afterEach(cleanup);

function Where() {
  return <p data-testid="where">{useLocation().pathname + useLocation().search}</p>;
}

function ImportRoute() {
  return <ImportView id={useParams().id ?? ''} />;
}

function renderAt(path: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <ToastProvider>
          <Routes>
            <Route path="/imports" element={<ImportHistoryList />} />
            <Route path="/imports/new" element={<UploadStep />} />
            <Route path="/imports/:id" element={<ImportRoute />} />
            <Route path="*" element={null} />
          </Routes>
          <Where />
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const where = () => screen.getByTestId('where').textContent;
const sentTo = (method: string, pattern: RegExp) => api.sent.filter((s) => s.method === method && pattern.test(s.path));
const csv = (text: string, name = 'people.csv') => new File([text], name, { type: 'text/csv' });
const picker = (column: string) => screen.getByLabelText(`Field for column ${column}`) as HTMLSelectElement;

describe('uploading a CSV', () => {
  it('sends the chosen object before the dropped file, then opens the mapping of the new draft', async () => {
    renderAt('/imports/new?object=company');
    expect(((await screen.findByLabelText(/^Companies/)) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByLabelText(/^Contacts/));
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [csv('First Name,Email\nAda,ada@example.com\n')] } });
    await waitFor(() => expect(where()).toBe(`/imports/${ID}`));
    expect(sentTo('POST', /^\/api\/v1\/imports$/)[0]?.parts).toEqual([
      ['object', 'contacts'],
      ['file', 'people.csv'],
    ]);
    await screen.findByRole('heading', { name: 'Map the columns' });
    // The columns the server matched from their headers are marked as such; the extra one is not imported.
    const rows = [...screen.getByRole('list', { name: 'Column mapping' }).querySelectorAll('.map-row')];
    expect(rows.map((r) => r.querySelector('.map-state')?.textContent)).toEqual([
      '✓ Auto-matched',
      '✓ Auto-matched',
      '✓ Auto-matched',
      '✓ Auto-matched',
      '✓ Auto-matched',
      'Not imported+ Create custom field',
    ]);
    expect(picker('Email').value).toBe('email');
    expect(screen.getByRole('list', { name: 'Sample values of Email' }).textContent).toContain('grace@navy');
  });

  it('shows the API refusal and stays on the upload, and refuses an empty file without sending it', async () => {
    api.routes.unshift({
      method: 'POST',
      path: /^\/api\/v1\/imports$/,
      reply: () => problem(422, 'validation_failed', 'The file has no header row', [{ field: 'body.file', message: 'Row 1 is empty' }]),
    });
    renderAt('/imports/new');
    fireEvent.drop(await screen.findByTestId('drop-zone'), { dataTransfer: { files: [csv('\n\n')] } });
    expect((await screen.findByRole('alert')).textContent).toBe('The file has no header row Row 1 is empty');
    expect(where()).toBe('/imports/new');
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [csv('', 'blank.csv')] } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^blank\.csv is empty/);
    expect(sentTo('POST', /^\/api\/v1\/imports$/)).toHaveLength(1);
  });
});

describe('someone who may not import', () => {
  it('is told so instead of offering the upload, and sees a draft with every control disabled', async () => {
    api.routes.unshift({
      method: 'GET',
      path: /^\/api\/v1\/me$/,
      reply: () => ok({ csrfToken: 'csrf', role: 'viewer', permissions: ['imports.read'] }),
    });
    renderAt('/imports/new');
    await screen.findByText(/Importing is for members who can add records/);
    expect(screen.queryByTestId('drop-zone')).toBeNull();
    cleanup();
    renderAt(`/imports/${ID}`);
    await screen.findByText(/Only members who can add records can change or start it/);
    expect((picker('Email').closest('fieldset') as HTMLFieldSetElement).disabled).toBe(true);
  });
});

describe('mapping the columns', () => {
  it('saves a changed field, creates a custom field from an unmapped column, and blocks a field chosen twice', async () => {
    renderAt(`/imports/${ID}`);
    await screen.findByRole('heading', { name: 'Map the columns' });
    fireEvent.change(picker('Company Name'), { target: { value: '' } });
    await waitFor(() => expect(sentTo('PATCH', /imports/)).toHaveLength(1));
    expect((sentTo('PATCH', /imports/)[0]?.body as Import | undefined)?.mapping[3]).toEqual({
      column: 'Company Name',
      index: 3,
      field: null,
    });

    fireEvent.click(screen.getByRole('button', { name: 'Create custom field from Favourite Language' }));
    await waitFor(() => expect(picker('Favourite Language').value).toBe('custom.favourite_language'));
    expect(picker('Favourite Language').closest('.map-row')?.querySelector('.map-state')?.textContent).toBe('+ New custom field');
    expect(sentTo('POST', /\/fields$/)[0]?.body).toEqual({ column: 5, label: 'Favourite Language' });
    expect(within(picker('Favourite Language')).getByRole('group', { name: 'Custom fields' }).textContent).toBe('Favourite Language');

    fireEvent.change(picker('Last Name'), { target: { value: 'first_name' } });
    expect(await screen.findAllByText('Another column goes to this field too')).toHaveLength(2);
    expect(screen.getByText('More than one column goes to First name; choose one.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Preview import' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('reads the file again with another separator', async () => {
    renderAt(`/imports/${ID}`);
    await screen.findByText(/Read as UTF-8, comma-separated/);
    fireEvent.change(screen.getByLabelText('Separator'), { target: { value: ';' } });
    await screen.findByText(/Read as UTF-8, semicolon-separated/);
    expect(sentTo('PATCH', /imports/).map((s) => s.body)).toEqual([{ delimiter: ';' }]);
  });

  it('shows the API refusal of a mapping', async () => {
    current = { ...current, fields: [...current.fields, { key: 'gone', label: 'Gone', type: 'text', required: false, custom: true }] };
    renderAt(`/imports/${ID}`);
    await screen.findByRole('heading', { name: 'Map the columns' });
    current = { ...current, fields: current.fields.filter((f) => f.key !== 'gone') };
    fireEvent.change(picker('Favourite Language'), { target: { value: 'gone' } });
    expect((await screen.findByRole('alert')).textContent).toBe('The mapping names unknown fields No field gone');
  });

  it('applies a saved template and changes how rows are matched, and saves the mapping as a template', async () => {
    renderAt(`/imports/${ID}`);
    await screen.findByRole('heading', { name: 'Map the columns' });
    const load = screen.getByLabelText('Load a saved template') as HTMLSelectElement;
    await waitFor(() => expect(load.disabled).toBe(false));
    fireEvent.change(load, { target: { value: 't1' } });
    await waitFor(() => expect(sentTo('PATCH', /imports/)).toHaveLength(1));
    const applied = sentTo('PATCH', /imports/)[0]?.body as Import;
    expect(applied.mapping.map((m) => m.field)).toEqual(['first_name', null, 'email', null, null, null]);
    expect([applied.upsertKey, applied.dateFormat]).toEqual(['none', 'DD.MM.YYYY']);
    await screen.findByText('Template “Trade fair list” applied');
    expect((screen.getByLabelText('Match existing records by') as HTMLSelectElement).value).toBe('none');

    fireEvent.click(screen.getByRole('button', { name: 'Save as template' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save as template' });
    fireEvent.change(within(dialog).getByLabelText('Template name'), { target: { value: 'Fair 2026' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save template' }));
    await screen.findByText('Template “Fair 2026” saved');
    expect(sentTo('POST', /\/template$/)[0]?.body).toEqual({ name: 'Fair 2026' });
  });
});

describe('previewing and running an import', () => {
  it('shows each error at its cell, starts, follows the progress to the end, downloads the errors and reverts', async () => {
    renderAt(`/imports/${ID}?step=preview`);
    await screen.findByRole('heading', { name: 'Preview the import' });
    const table = await screen.findByRole('table');
    const bad = within(table).getAllByRole('row')[2] as HTMLElement;
    const cells = within(bad).getAllByRole('cell');
    const emailCell = cells[2 + 2] as HTMLElement;
    expect(emailCell.dataset.error).toBe('true');
    expect(emailCell.textContent).toBe('grace@navy“grace@navy” is not an email address');
    expect(within(bad).getByText('Error')).toBeTruthy();
    expect(within(screen.getByRole('region', { name: 'Errors by kind' })).getByRole('listitem').textContent).toBe('Invalid email1');
    expect(within(screen.getByLabelText('What the import will do')).getByText('With errors').nextElementSibling?.textContent).toBe('1');
    expect(sentTo('PATCH', /imports/)).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Start import' }));
    await screen.findByRole('heading', { name: 'Waiting to start…' });
    current = {
      ...current,
      status: 'running',
      progress: { ...current.progress, rowsTotal: 400, rowsDone: 100, created: 99, failed: 1, rowsPerSecond: 50, etaSeconds: 6 },
    };
    await screen.findByRole('heading', { name: 'Importing…' }, { timeout: 3000 });
    const bar = screen.getByRole('progressbar', { name: 'Rows processed' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('100 of 400 rows')).toBeTruthy();
    expect(screen.getByText('50 rows/s')).toBeTruthy();
    expect(screen.getByText('About 6 s left')).toBeTruthy();

    current = {
      ...current,
      status: 'completed',
      finishedAt: '2026-11-26T09:02:00.000Z',
      progress: {
        ...current.progress,
        rowsDone: 400,
        created: 396,
        updated: 2,
        unchanged: 1,
        failed: 1,
        rowsPerSecond: null,
        etaSeconds: null,
      },
      errorsByKind: { invalid_email: 1 },
    };
    await screen.findByRole('heading', { name: 'Import completed' }, { timeout: 3000 });
    const tiles = screen.getByLabelText('Rows so far');
    expect([...tiles.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['396', '2', '1', '1']);
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();

    const saved: string[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      void (blob as Blob).text().then((t) => saved.push(t));
      return 'blob:errors';
    });
    fireEvent.click(screen.getByRole('button', { name: 'Download error report' }));
    await waitFor(() => expect(saved).toEqual(['row,error\n2,bad email\n']));
    createObjectURL.mockRestore();

    fireEvent.click(screen.getByRole('button', { name: 'Revert import' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revert this import?' });
    expect(confirm.textContent).toContain('The 396 contacts it created go to the trash');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Revert import' }));
    await screen.findByRole('heading', { name: 'Reverting the import…' });
    expect(sentTo('POST', /\/revert$/)).toHaveLength(1);
    await act(async () => {
      current = { ...current, status: 'reverted', revertedAt: '2026-11-26T09:03:00.000Z' };
    });
    await screen.findByRole('heading', { name: 'Import reverted' }, { timeout: 3000 });
    expect(screen.queryByRole('button', { name: 'Revert import' })).toBeNull();
  });

  it('cancels a running import after asking', async () => {
    current = { ...current, status: 'running', progress: { ...current.progress, rowsTotal: 10, rowsDone: 3, created: 3 } };
    api.routes.unshift({
      method: 'POST',
      path: /\/cancel$/,
      reply: () => {
        current = { ...current, status: 'cancelled', cancelledAt: '2026-11-26T09:02:00.000Z' };
        return ok(current);
      },
    });
    renderAt(`/imports/${ID}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel import' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this import?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel import' }));
    await screen.findByRole('heading', { name: 'Import cancelled' });
    expect(screen.getByRole('button', { name: 'Revert import' })).toBeTruthy();
  });
});

describe('the history of imports', () => {
  it('lists past imports with status, object, counts, who and when, each linking to its page', async () => {
    const done = {
      ...draft(),
      status: 'completed' as const,
      progress: { ...draft().progress, rowsTotal: 3, rowsDone: 3, created: 2, updated: 0, failed: 1 },
    };
    api.routes.unshift({ method: 'GET', path: /^\/api\/v1\/imports\?/, reply: () => ok({ data: [done], nextCursor: null }) });
    renderAt('/imports');
    const list = await screen.findByRole('list', { name: 'Imports' });
    const row = within(list).getByRole('listitem');
    expect(within(row).getByRole('link', { name: 'people.csv' }).getAttribute('href')).toBe(`/imports/${ID}`);
    expect(row.textContent).toContain('2 contacts created · 0 updated · 1 failed');
    expect(row.textContent).toContain('Contacts');
    expect(row.textContent).toContain('Completed');
    await waitFor(() => expect(row.textContent).toContain('Ada Lovelace'));
  });

  it('says there are none yet and offers the first import', async () => {
    api.routes.unshift({ method: 'GET', path: /^\/api\/v1\/imports\?/, reply: () => ok({ data: [], nextCursor: null }) });
    renderAt('/imports');
    await screen.findByText('No imports yet');
    expect(screen.getByRole('link', { name: 'Import a CSV file' }).getAttribute('href')).toBe('/imports/new');
  });
});
