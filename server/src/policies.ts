import type { Actor } from './context.ts';
import { forbidden } from './lib/errors.ts';

/** Workspace roles, from most to least powerful. */
export const roles = ['owner', 'admin', 'manager', 'member', 'read_only'] as const;
export type Role = (typeof roles)[number];

/** Every action a policy decides. `records.*` apply to CRM records that have an owner. */
export const actions = [
  'workspace.read',
  'workspace.update',
  'members.read',
  'members.update_role',
  'members.remove',
  'invitations.manage',
  'api_keys.manage',
  'webhooks.manage',
  'custom_fields.manage',
  'pipelines.manage',
  'audit.read',
  'records.read',
  'records.create',
  'records.update',
  'records.delete',
  'records.reassign',
  'calendar_feed.manage',
  'forms.manage',
  'workspace.export',
  'workspace.import',
  'imports.read',
  'imports.manage',
] as const;
export type Action = (typeof actions)[number];

const rank: Record<Role, number> = { owner: 5, admin: 4, manager: 3, member: 2, read_only: 1 };

/** Actions that only read; the only ones a read-only API key may perform. */
const readActions = new Set<Action>(['workspace.read', 'members.read', 'records.read', 'audit.read', 'imports.read']);

/** The least role that may perform each action on anything (own records aside). */
const minimumRole: Record<Action, Role> = {
  'workspace.read': 'read_only',
  'workspace.update': 'admin',
  'members.read': 'read_only',
  'members.update_role': 'admin',
  'members.remove': 'admin',
  'invitations.manage': 'admin',
  'api_keys.manage': 'admin',
  'webhooks.manage': 'admin',
  'custom_fields.manage': 'admin',
  'pipelines.manage': 'admin',
  'audit.read': 'admin',
  'records.read': 'read_only',
  'records.create': 'member',
  'records.update': 'manager',
  'records.delete': 'manager',
  'records.reassign': 'manager',
  // Everyone may have a feed of their own tasks and meetings; a read-only key may not mint one.
  'calendar_feed.manage': 'read_only',
  // Forms create and update contacts on their own, with an owner and tags: the role that manages records.
  'forms.manage': 'manager',
  // A whole-workspace backup holds every record and every person's email; restoring one fills the workspace.
  'workspace.export': 'admin',
  'workspace.import': 'admin',
  'imports.read': 'read_only',
  // Importing creates records: whoever may create them may import them.
  'imports.manage': 'member',
};

/** Actions a member may perform on records they own even though the role minimum is higher. */
const ownerMayAlso = new Set<Action>(['records.update', 'records.delete']);

/** The principal a policy judges: a role, and who they are for ownership checks. */
export type Principal = { role: Role; actor: Actor };

/**
 * Decides whether `principal` may perform `action`, optionally on a record with an owner.
 * The one place role rules live; routes and services call `authorize`.
 * @example can({ role: 'member', actor }, 'records.update', { ownerId: actor.userId }) // true
 */
export function can(principal: Principal, action: Action, record?: { ownerId: string | null }): boolean {
  const { role, actor } = principal;
  if (actor.type === 'api_key' && actor.scope === 'read' && !readActions.has(action)) return false;
  if (rank[role] >= rank[minimumRole[action]]) return true;
  return (
    ownerMayAlso.has(action) &&
    rank[role] >= rank.member &&
    record !== undefined &&
    record.ownerId !== null &&
    record.ownerId === actor.userId
  );
}

/** Throws `forbidden` unless `can` allows the action. */
export function authorize(principal: Principal, action: Action, record?: { ownerId: string | null }): void {
  if (!can(principal, action, record)) {
    const readOnlyKey = principal.actor.type === 'api_key' && principal.actor.scope === 'read';
    throw forbidden(readOnlyKey ? 'This API key is read-only' : `Your role (${principal.role}) does not allow ${action}`);
  }
}

/** Whether a role may grant `target` to someone: nobody grants a role above their own, only owners grant owner. */
export function mayGrantRole(granter: Role, target: Role): boolean {
  if (target === 'owner') return granter === 'owner';
  return rank[granter] >= rank[target] && rank[granter] >= rank.admin;
}
