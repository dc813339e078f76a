import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { decodeCursor, type Page, toPage } from '../../lib/cursor.ts';
import { AppError, forbidden, notFound, staleWrite } from '../../lib/errors.ts';
import { authorize, mayGrantRole, type Role } from '../../policies.ts';
import {
  countMembers,
  countOwners,
  deleteMembership,
  findMember,
  listMembers as listMemberRows,
  type MemberRow,
  updateMemberRole,
} from './members.repo.ts';

/** A page of the workspace's members, in the order they joined, with the total. */
export async function listMembers(ctx: Ctx, input: { limit: number; cursor?: string }): Promise<Page<MemberRow>> {
  authorize(ctx, 'members.read');
  const after = input.cursor ? String(decodeCursor(input.cursor, 1)[0]) : null;
  const rows = await listMemberRows(ctx.tx, ctx.workspaceId, input.limit + 1, after);
  const page = toPage(rows, input.limit, (m) => [m.id]);
  return { ...page, total: await countMembers(ctx.tx, ctx.workspaceId) };
}

/** One member of the workspace. */
export async function getMember(ctx: Ctx, id: string): Promise<MemberRow> {
  authorize(ctx, 'members.read');
  const member = await findMember(ctx.tx, ctx.workspaceId, id);
  if (!member) throw notFound('Member');
  return member;
}

/** Changes a member's role. Nobody grants above their own role; the last owner stays an owner. */
export async function changeMemberRole(ctx: Ctx, input: { id: string; role: Role; expectedVersion?: number }): Promise<MemberRow> {
  authorize(ctx, 'members.update_role');
  const member = await getMember(ctx, input.id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== member.version) throw staleWrite(member.version);
  if (!mayGrantRole(ctx.role, input.role) || (member.role === 'owner' && ctx.role !== 'owner')) {
    throw forbidden(`Your role (${ctx.role}) cannot change this member to ${input.role}`);
  }
  if (member.role === input.role) return member;
  if (member.role === 'owner' && (await countOwners(ctx.tx, ctx.workspaceId)) === 1) {
    throw new AppError('conflict', 'A workspace needs at least one owner; make someone else owner first');
  }
  if (!(await updateMemberRole(ctx.tx, ctx.workspaceId, member.id, member.version, input.role))) throw staleWrite(member.version + 1);
  await recordWrite(ctx, {
    recordType: 'member',
    recordId: member.id,
    action: 'update',
    before: { role: member.role },
    after: { role: input.role },
    payload: { userId: member.user_id },
  });
  return getMember(ctx, member.id);
}

/** Removes someone from the workspace (their API keys stop working with them). */
export async function removeMember(ctx: Ctx, input: { id: string; expectedVersion?: number }): Promise<void> {
  authorize(ctx, 'members.remove');
  const member = await getMember(ctx, input.id);
  if (input.expectedVersion !== undefined && input.expectedVersion !== member.version) throw staleWrite(member.version);
  if (member.role === 'owner' && ctx.role !== 'owner') throw forbidden('Only an owner can remove an owner');
  if (member.role === 'owner' && (await countOwners(ctx.tx, ctx.workspaceId)) === 1) {
    throw new AppError('conflict', 'A workspace needs at least one owner; make someone else owner first');
  }
  await deleteMembership(ctx.tx, ctx.workspaceId, member.id);
  await recordWrite(ctx, {
    recordType: 'member',
    recordId: member.id,
    action: 'delete',
    before: { userId: member.user_id, email: member.email, name: member.name, role: member.role },
    after: null,
  });
}
