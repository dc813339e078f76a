import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import type { Deps } from '../src/deps.ts';
import { Queue } from '../src/jobs/queue.ts';
import type { Mail, Mailer } from '../src/lib/mailer.ts';
import { createTestDatabase } from './db.ts';

/** A mailer that keeps what would have been sent, for tests that read emails. */
export function memoryMailer(): Mailer & { sent: Mail[] } {
  const sent: Mail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
  };
}

/** A Rapport app on its own fresh database, driven through app.inject. */
export type TestApp = {
  app: FastifyInstance;
  deps: Deps;
  db: Database;
  config: Config;
  mailer: Mailer & { sent: Mail[] };
  close(): Promise<void>;
};

/**
 * Builds an app on a fresh migrated database; `env` overrides configuration variables.
 * Mail is kept in memory unless `mailer` is 'from-config' (SMTP_URL) or a mailer of its own;
 * `webRoot` points the web app at another build folder.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  mailer?: Mailer | 'from-config',
  options: { webRoot?: string } = {},
): Promise<TestApp> {
  const { db, drop } = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', PUBLIC_URL: 'http://rapport.test', ...env });
  const queue = new Queue(db);
  const memory = memoryMailer();
  const { app, deps } = await buildApp({
    config,
    db,
    queue,
    mailer: mailer === 'from-config' ? undefined : (mailer ?? memory),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  await app.ready();
  return {
    app,
    deps,
    db,
    config,
    mailer: memory,
    async close() {
      await app.close();
      await queue.stop();
      await drop();
    },
  };
}

/** How a test client authenticates: a session (cookie + CSRF token) or an API key. */
export type Credentials = { cookie: string; csrfToken: string } | { apiKey: string };

/** A signed-in caller that sends requests through app.inject with its credentials. */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly credentials: Credentials,
    readonly workspaceId?: string,
  ) {}

  /** Sends a request; `body` is JSON-encoded, `headers` add to the credentials. */
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const h: Record<string, string> = { ...headers };
    if ('apiKey' in this.credentials) h.authorization = `Bearer ${this.credentials.apiKey}`;
    else {
      h.cookie = this.credentials.cookie;
      h['x-csrf-token'] ??= this.credentials.csrfToken;
    }
    if (this.workspaceId && !('x-workspace-id' in h)) h['x-workspace-id'] = this.workspaceId;
    return this.app.inject({ method, url, headers: h, ...(body === undefined ? {} : { payload: body as object }) });
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  patch(url: string, body: unknown, headers?: Record<string, string>) {
    return this.request('PATCH', url, body, headers);
  }
  delete(url: string, headers?: Record<string, string>) {
    return this.request('DELETE', url, undefined, headers);
  }

  /** The same caller acting in another workspace. */
  in(workspaceId: string): Client {
    return new Client(this.app, this.credentials, workspaceId);
  }
}

let counter = 0;

/** A fresh unique email for a test user. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

/** The session cookie pair (name=value) from a response that set it. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'rapport_session');
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `${c.name}=${c.value}`;
}

/** Signs up a new user with a new workspace and returns a client acting as its owner. */
export async function signUp(
  app: FastifyInstance,
  input: { email?: string; password?: string; name?: string; workspaceName?: string } = {},
): Promise<{ client: Client; userId: string; workspaceId: string; email: string; password: string }> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? 'correct horse battery';
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email, password, name: input.name ?? 'Test User', workspaceName: input.workspaceName ?? 'Test Workspace' },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed ${res.statusCode}: ${res.body}`);
  const body = res.json();
  return {
    client: new Client(app, { cookie: sessionCookie(res), csrfToken: body.csrfToken }),
    userId: body.user.id,
    workspaceId: body.workspace.id,
    email,
    password,
  };
}

/** Creates an API key as `owner` and returns a client using it. */
export async function apiKeyClient(
  owner: Client,
  scope: 'read' | 'read_write' = 'read_write',
): Promise<{ client: Client; id: string; key: string }> {
  const res = await owner.post('/api/v1/api-keys', { name: `key ${scope}`, scope });
  if (res.statusCode !== 201) throw new Error(`api key creation failed ${res.statusCode}: ${res.body}`);
  const body = res.json();
  return { client: new Client(owner.app, { apiKey: body.key }), id: body.apiKey.id, key: body.key };
}

/** Invites `email` with `role` into owner's workspace and accepts; returns the new member's client. */
export async function addMember(
  owner: Client,
  role: 'owner' | 'admin' | 'manager' | 'member' | 'read_only',
  email = uniqueEmail(role),
): Promise<{ client: Client; userId: string; memberId: string }> {
  const inv = await owner.post('/api/v1/invitations', { email, role });
  if (inv.statusCode !== 201) throw new Error(`invite failed ${inv.statusCode}: ${inv.body}`);
  const token = invitationToken(inv.json().url);
  const res = await owner.app.inject({
    method: 'POST',
    url: '/api/v1/auth/invitations/accept',
    payload: { token, name: `A ${role}`, password: 'another good password' },
  });
  if (res.statusCode !== 200) throw new Error(`accept failed ${res.statusCode}: ${res.body}`);
  const body = res.json();
  const client = new Client(owner.app, { cookie: sessionCookie(res), csrfToken: body.csrfToken }, body.workspace.id);
  const me = await client.get('/api/v1/members?limit=500');
  const member = me.json().data.find((m: { userId: string }) => m.userId === body.user.id);
  return { client, userId: body.user.id, memberId: member.id };
}

/** The secret token in an invitation link. */
export function invitationToken(url: string): string {
  return decodeURIComponent(url.split('/invitations/')[1] ?? '');
}

/**
 * A database whose transactions start failing after `okCount` of them: a crash between the
 * batches or chunks of a job, in the test's own process.
 */
export function crashingAfter(db: Database, okCount: number): Database {
  let n = 0;
  return {
    kind: db.kind,
    query: (text, params) => db.query(text, params),
    exec: (text) => db.exec(text),
    close: () => db.close(),
    transaction: (fn) => {
      n += 1;
      if (n > okCount) throw new Error('simulated crash');
      return db.transaction(fn);
    },
  };
}

/** The Plan custom field (a single select of free / pro) many contact tests filter on. */
export const planField = {
  label: 'Plan',
  type: 'single_select',
  options: [
    { value: 'free', label: 'Free' },
    { value: 'pro', label: 'Pro' },
  ],
};

/** Defines contact custom fields, in order. */
export async function addContactFields(client: Client, fields: Record<string, unknown>[]): Promise<void> {
  for (const field of fields) await client.post('/api/v1/custom-fields', { objectType: 'contact', ...field });
}
