/**
 * The first screen's requests, started by a small script inlined in index.html while the app's
 * own script is still downloading and starting: GET /me, and once it answers, the open list's
 * first page with the custom fields and members the list shows. The app's API client answers its
 * first identical request with the early response (`takeEarlyResponse`) instead of asking again,
 * so the list's rows arrive about when the app is ready to paint them rather than after it.
 */

/** A request the page started before the app ran, kept for the app's first identical request. */
export type EarlyRequest = {
  method: string;
  url: string;
  /** The X-Workspace-Id it was sent with (the one remembered in this browser), or null. */
  workspace: string | null;
  body: string | null;
  /** When it started, in the page's milliseconds. */
  at: number;
  response: Promise<Response>;
  /** The answer's JSON once read by `readEarlyAnswers`, when it was a success. */
  data?: unknown;
};

/** What the early script reads and writes: `window` in the browser. */
export type EarlyWindow = {
  location: { pathname: string; search: string };
  localStorage?: { getItem(key: string): string | null };
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  __rapportEarly?: EarlyRequest[];
};

/**
 * Starts the first screen's requests. Inlined into index.html as source text (see vite.config.ts),
 * so it must stand alone: no imports, nothing from outside its own body. It asks for a list only
 * once /me says someone is signed in (nobody signed in asks for nothing more), as the list will:
 * the address's `?filters=`, no sort, 100 rows; a saved view (`?view=`) is left to the app. An
 * unfiltered list's page is asked as `GET /<records>?limit=100`, the same page as the search
 * without filters, which needs no CSRF token and so leaves on /me's status line rather than after
 * its body has been read (on a busy page that can wait for the app's script); it is kept as the
 * answer to the search the list sends. The workspace is the one the app will send
 * (rapport.workspaceId), if any.
 */
export function startEarlyRequests(win: EarlyWindow): void {
  const early: EarlyRequest[] = [];
  win.__rapportEarly = early;
  let workspace: string | null = null;
  try {
    workspace = win.localStorage?.getItem('rapport.workspaceId') ?? null;
  } catch {
    // Storage can be disabled; the app then sends no workspace either.
  }
  /** Sends a request, kept as the answer to `answers` (the request the app will make), by default itself. */
  const send = (method: string, url: string, options: { body?: unknown; csrfToken?: string; answers?: [string, string, unknown] } = {}) => {
    const headers: Record<string, string> = {};
    if (workspace) headers['x-workspace-id'] = workspace;
    if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const text = options.body === undefined ? null : JSON.stringify(options.body);
    const response = win.fetch(url, { method, headers, body: text, credentials: 'same-origin' });
    const [m, u, b] = options.answers ?? [method, url, options.body];
    early.push({ method: m, url: u, workspace, body: b === undefined ? null : JSON.stringify(b), at: performance.now(), response });
    return response;
  };

  // Pages that work without a session never ask for it: a 401 there would be a refused request.
  if (/^\/(forgot-password|reset-password|invitations\/|invite\/)/.test(win.location.pathname)) return;
  const me = send('GET', '/api/v1/me');
  const lists: Record<string, [string, string]> = {
    '/': ['contacts', 'contact'],
    '/contacts': ['contacts', 'contact'],
    '/companies': ['companies', 'company'],
    '/deals/list': ['deals', 'deal'],
  };
  const path = win.location.pathname.replace(/\/+$/, '') || '/';
  const list = lists[path];
  const params = new URLSearchParams(win.location.search);
  if (!list || params.has('view')) return;
  let filterGroups: unknown[] = [];
  const raw = path === '/' ? null : params.get('filters');
  if (raw !== null) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) filterGroups = parsed;
    } catch {
      // The app shows such an address unfiltered too.
    }
  }
  const search = { filterGroups, sort: [], limit: 100 };
  const searchUrl = `/api/v1/${list[0]}/search`;
  me.then((res) => {
    if (!res.ok) return;
    if (filterGroups.length === 0) {
      send('GET', `/api/v1/${list[0]}?limit=100`, { answers: ['POST', searchUrl, search] });
    } else {
      res
        .clone()
        .json()
        .then((session: unknown) => {
          const csrfToken = (session as { csrfToken?: string | null }).csrfToken ?? undefined;
          send('POST', searchUrl, { body: search, csrfToken });
        })
        .catch(() => {
          // The app asks again and shows what went wrong.
        });
    }
    send('GET', `/api/v1/custom-fields?objectType=${list[1]}`);
    send('GET', '/api/v1/members?limit=500');
  }).catch(() => {
    // The app asks again and shows what went wrong.
  });
}

/** How long after the page opened an early response may still answer the app (later, it asks afresh). */
const EARLY_FOR_MS = 15_000;

function earlyRequests(): EarlyRequest[] | undefined {
  return (globalThis as { __rapportEarly?: EarlyRequest[] }).__rapportEarly;
}

/** Forgets the early requests not yet used: they were made for a session or workspace that has changed. */
export function forgetEarlyRequests(): void {
  earlyRequests()?.splice(0);
}

/** A JSON text with its objects' keys in order, so two bodies compare by content. */
function canonical(text: string | null): string {
  if (text === null || text === '') return '';
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, sortKeys(v)]),
          )
        : value;
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sameUrl(a: URL, b: URL): boolean {
  if (a.pathname !== b.pathname) return false;
  const params = (u: URL) => [...u.searchParams].map(([k, v]) => `${k}=${v}`).sort();
  return params(a).join('&') === params(b).join('&');
}

/**
 * The early response to the same request (method, address, workspace and JSON body), taken so it
 * answers only once; undefined when there is none. A failed early request is sent again.
 */
export async function takeEarlyResponse(request: Request, early = earlyRequests(), now = performance.now()): Promise<Response | undefined> {
  if (!early || early.length === 0) return undefined;
  const url = new URL(request.url);
  const workspace = request.headers.get('x-workspace-id');
  const candidates = early.filter(
    (e) => e.method === request.method && e.workspace === workspace && now - e.at <= EARLY_FOR_MS && sameUrl(new URL(e.url, url), url),
  );
  if (candidates.length === 0) return undefined;
  const body = request.method === 'GET' || request.method === 'HEAD' ? '' : canonical(await request.clone().text());
  const match = candidates.find((e) => canonical(e.body) === body);
  if (!match) return undefined;
  early.splice(early.indexOf(match), 1);
  try {
    return await match.response;
  } catch {
    return undefined;
  }
}

/**
 * Waits for the early GET /me and reads it, then reads the other early answers that arrive within
 * `graceMs` (the list's, which left when /me answered). The app's first render takes them with
 * `takeEarlyData`, so it shows the list's rows at once rather than after a render per answer.
 * Resolves with /me's status, or null when no early /me was sent or it failed to arrive.
 */
export async function readEarlyAnswers(graceMs = 25): Promise<number | null> {
  const early = earlyRequests();
  if (!early) return null;
  const read = async (e: EarlyRequest): Promise<number | null> => {
    try {
      const res = await e.response;
      if (res.ok) e.data = await res.clone().json();
      return res.status;
    } catch {
      return null;
    }
  };
  const me = early.find((e) => e.method === 'GET' && e.url === '/api/v1/me');
  if (!me) return null;
  const status = await read(me);
  const others = early.filter((e) => e !== me);
  if (others.length > 0) await Promise.race([Promise.all(others.map(read)), new Promise((resolve) => setTimeout(resolve, graceMs))]);
  return status;
}

/**
 * The JSON of an early answer already read (see `readEarlyAnswers`) to the request the app is
 * about to make (method, path and query, JSON body), taken so it serves once; undefined when
 * there is none. `workspace` is the X-Workspace-Id the app sends now (see api/client.ts).
 */
export function takeEarlyData(method: string, url: string, body: unknown, workspace: string | null): unknown {
  const early = earlyRequests();
  if (!early) return undefined;
  const base = new URL('http://rapport.invalid');
  const wanted = new URL(url, base);
  const text = body === undefined ? '' : canonical(JSON.stringify(body));
  const match = early.find(
    (e) =>
      e.data !== undefined &&
      e.method === method &&
      e.workspace === workspace &&
      performance.now() - e.at <= EARLY_FOR_MS &&
      sameUrl(new URL(e.url, base), wanted) &&
      canonical(e.body) === text,
  );
  if (!match) return undefined;
  early.splice(early.indexOf(match), 1);
  return match.data;
}
