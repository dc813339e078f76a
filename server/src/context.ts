import type { Queryable } from './db/database.ts';
import type { Role } from './policies.ts';

/** Who is acting: a signed-in user, an API key (acting for the user who made it), or Rapport itself. */
export type Actor =
  | { type: 'user'; id: string; userId: string }
  | { type: 'api_key'; id: string; userId: string; scope: 'read' | 'read_write' }
  | { type: 'system'; id: null; userId: null };

/** Everything a domain function needs: the tenant, the actor and their role, and the open transaction. */
export type Ctx = {
  workspaceId: string;
  actor: Actor;
  role: Role;
  tx: Queryable;
  requestId?: string;
};

/** The actor used by jobs and migrations. */
export const systemActor: Actor = { type: 'system', id: null, userId: null };
