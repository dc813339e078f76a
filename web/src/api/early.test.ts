import { afterEach, describe, expect, it } from 'vitest';
import { type EarlyRequest, type EarlyWindow, readEarlyAnswers, startEarlyRequests, takeEarlyData, takeEarlyResponse } from './early';

const ORIGIN = 'http://rapport.test';
const WS = '0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1a';
const page = { data: [{ id: 'c1' }], nextCursor: null, total: 1, totalIsExact: true };

type Sent = { url: string; init: RequestInit };

/** A page at `address` whose server answers /me with `meStatus` and everything else with `page`. */
function pageAt(address: string, meStatus = 200, workspace: string | null = WS) {
  const sent: Sent[] = [];
  const url = new URL(address, ORIGIN);
  const win: EarlyWindow = {
    location: { pathname: url.pathname, search: url.search },
    localStorage: { getItem: (key) => (key === 'rapport.workspaceId' ? workspace : null) },
    fetch: async (u, init) => {
      sent.push({ url: u, init });
      if (u === '/api/v1/me') {
        const body = meStatus === 200 ? { csrfToken: 'csrf-1', user: { id: 'u1' } } : { code: 'unauthorized' };
        return Response.json(body, { status: meStatus });
      }
      return Response.json(u.startsWith('/api/v1/custom-fields') ? { data: [{ key: 'plan' }] } : page);
    },
  };
  startEarlyRequests(win);
  return { win, sent, early: win.__rapportEarly as EarlyRequest[] };
}

/** Lets the early script's chained requests leave. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

function appRequest(method: string, path: string, body?: unknown, workspace: string | null = WS) {
  const headers = new Headers(body === undefined ? {} : { 'content-type': 'application/json' });
  if (workspace) headers.set('x-workspace-id', workspace);
  return new Request(`${ORIGIN}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

afterEach(() => {
  delete (globalThis as { __rapportEarly?: unknown }).__rapportEarly;
});

describe('the first screen’s early requests', () => {
  it('asks for /me, then for the contacts list’s first page, custom fields and members, in the remembered workspace', async () => {
    const { sent } = pageAt('/contacts');
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/me']);
    await settle();
    expect(sent.map((s) => s.url)).toEqual([
      '/api/v1/me',
      '/api/v1/contacts?limit=100',
      '/api/v1/custom-fields?objectType=contact',
      '/api/v1/members?limit=500',
    ]);
    for (const s of sent) expect((s.init.headers as Record<string, string>)['x-workspace-id']).toBe(WS);
  });

  it('asks for nothing more when nobody is signed in, nor for a saved view or a screen that is not a list', async () => {
    for (const [address, status] of [
      ['/contacts', 401],
      ['/contacts?view=0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1b', 200],
      ['/settings', 200],
      ['/contacts/0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1a', 200],
    ] as const) {
      const { sent } = pageAt(address, status);
      await settle();
      expect(
        sent.map((s) => s.url),
        address,
      ).toEqual(['/api/v1/me']);
    }
  });

  it('asks for nothing at all on the pages that need no session, where /me would be refused', async () => {
    for (const address of ['/invitations/abc', '/invite/abc', '/reset-password?token=x', '/forgot-password']) {
      const { sent } = pageAt(address, 401);
      await settle();
      expect(sent, address).toEqual([]);
    }
  });

  it('sends a filtered list’s search with the CSRF token from /me', async () => {
    const filterGroups = [{ filters: [{ field: 'lifecycleStage', operator: 'eq', value: 'lead' }] }];
    const { sent } = pageAt(`/companies?filters=${encodeURIComponent(JSON.stringify(filterGroups))}`);
    await settle();
    const search = sent.find((s) => s.url === '/api/v1/companies/search');
    if (!search) throw new Error('no early search');
    expect(search.init.method).toBe('POST');
    expect((search.init.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-1');
    expect(JSON.parse(String(search.init.body))).toEqual({ filterGroups, sort: [], limit: 100 });
  });

  it('answers the app’s identical request once, whatever the order of its body’s keys', async () => {
    const { early } = pageAt('/contacts');
    await settle();
    const search = () => appRequest('POST', '/api/v1/contacts/search', { limit: 100, sort: [], filterGroups: [] });
    const answer = await takeEarlyResponse(search(), early);
    expect(await answer?.json()).toEqual(page);
    expect(await takeEarlyResponse(search(), early)).toBeUndefined();
    const members = await takeEarlyResponse(appRequest('GET', '/api/v1/members?limit=500'), early);
    expect(members?.status).toBe(200);
  });

  it('does not answer another request: other filters, another workspace, another page, or too late', async () => {
    const { early } = pageAt('/contacts');
    await settle();
    const other = { filterGroups: [{ filters: [{ field: 'email', operator: 'is_not_empty' }] }], sort: [], limit: 100 };
    expect(await takeEarlyResponse(appRequest('POST', '/api/v1/contacts/search', other), early)).toBeUndefined();
    const same = { filterGroups: [], sort: [], limit: 100 };
    expect(await takeEarlyResponse(appRequest('POST', '/api/v1/contacts/search', same, null), early)).toBeUndefined();
    expect(await takeEarlyResponse(appRequest('POST', '/api/v1/contacts/search', { ...same, cursor: 'x' }), early)).toBeUndefined();
    expect(await takeEarlyResponse(appRequest('POST', '/api/v1/contacts/search', same), early, performance.now() + 60_000)).toBeUndefined();
    expect(await takeEarlyResponse(appRequest('POST', '/api/v1/contacts/search', same), early)).toBeDefined();
  });

  it('reads the answers for the first render, each taken once by the query that asks', async () => {
    const { win } = pageAt('/contacts');
    (globalThis as { __rapportEarly?: unknown }).__rapportEarly = win.__rapportEarly;
    expect(await readEarlyAnswers(200)).toBe(200);
    expect(takeEarlyData('GET', '/api/v1/me', undefined, WS)).toMatchObject({ csrfToken: 'csrf-1' });
    expect(takeEarlyData('GET', '/api/v1/me', undefined, WS)).toBeUndefined();
    expect(takeEarlyData('POST', '/api/v1/contacts/search', { filterGroups: [], sort: [], limit: 100 }, null)).toBeUndefined();
    expect(takeEarlyData('POST', '/api/v1/contacts/search', { filterGroups: [], sort: [], limit: 100 }, WS)).toEqual(page);
    expect(takeEarlyData('GET', '/api/v1/custom-fields?objectType=contact', undefined, WS)).toEqual({ data: [{ key: 'plan' }] });
  });

  it('says when nobody is signed in, and keeps nothing to answer with', async () => {
    const { win } = pageAt('/contacts', 401);
    (globalThis as { __rapportEarly?: unknown }).__rapportEarly = win.__rapportEarly;
    expect(await readEarlyAnswers()).toBe(401);
    expect(takeEarlyData('GET', '/api/v1/me', undefined, WS)).toBeUndefined();
  });
});
