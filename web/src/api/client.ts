import createClient, { type Middleware } from 'openapi-fetch';
import { forgetEarlyRequests, takeEarlyData, takeEarlyResponse } from './early';
import { ApiError, networkProblem, type Problem } from './problem';
import type { paths } from './schema';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WORKSPACE_KEY = 'rapport.workspaceId';

let csrfToken: string | null = null;
let workspaceId: string | null = readStoredWorkspace();

function readStoredWorkspace(): string | null {
  try {
    return globalThis.localStorage?.getItem(WORKSPACE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers the session's CSRF token (from sign-in or GET /me); writes send it as X-CSRF-Token. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  if (token === null) forgetEarlyRequests();
}

/** The workspace requests act in (X-Workspace-Id), kept across reloads; null means the user's first. */
export function setWorkspaceId(id: string | null): void {
  workspaceId = id;
  forgetEarlyRequests();
  try {
    if (id) localStorage.setItem(WORKSPACE_KEY, id);
    else localStorage.removeItem(WORKSPACE_KEY);
  } catch {
    // Storage can be disabled; the choice then lasts until reload.
  }
}

/** The workspace chosen in this browser, if any. */
export function currentWorkspaceId(): string | null {
  return workspaceId;
}

/**
 * What the page's early request to the same endpoint answered (index.html sends the first
 * screen's requests before the app runs; see ./early.ts), for a query to start from instead of
 * asking again; undefined when there is none. `url` is the path with its query string.
 */
export function earlyAnswer<T>(method: 'GET' | 'POST', url: string, body?: unknown): T | undefined {
  return takeEarlyData(method, url, body, workspaceId) as T | undefined;
}

const sessionHeaders: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    if (workspaceId) request.headers.set('x-workspace-id', workspaceId);
    return request;
  },
};

/** The typed API client: paths, bodies and answers are checked against the server's OpenAPI document. */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  credentials: 'same-origin',
  // The first screen's requests may already have been sent by index.html (see ./early.ts).
  fetch: async (request) => (await takeEarlyResponse(request)) ?? fetch(request),
});
api.use(sessionHeaders);

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** A versioned record with the ETag to send back as If-Match when changing it. */
export type Versioned<T> = { data: T; etag: string | null };

/** Like unwrap, keeping the answer's ETag for a later If-Match. */
export async function unwrapVersioned<T>(call: Promise<Answer<T>>): Promise<Versioned<T>> {
  let etag: string | null = null;
  const data = await unwrap(
    call.then((answer) => {
      etag = answer.response.headers.get('etag');
      return answer;
    }),
  );
  return { data, etag };
}

/** Returns an answer's data, or throws an ApiError with its problem (or one describing the failure). */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw new ApiError(networkProblem(0, err instanceof Error ? err.message : 'The server could not be reached'));
  }
  const { data, error, response } = answer;
  if (!response.ok) {
    const problem = error as Problem | undefined;
    throw new ApiError(problem?.code ? problem : networkProblem(response.status, `The server answered ${response.status}`));
  }
  return data as T;
}
