import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { recordWrite } from '../../lib/audit.ts';
import { notFound, staleWrite } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import { presentWorkspace } from './workspaces.presenter.ts';
import { findWorkspace, updateWorkspace as updateWorkspaceRow, type WorkspaceRow } from './workspaces.repo.ts';
import type { updateWorkspaceBody } from './workspaces.schema.ts';

/** The caller's workspace. */
export async function getWorkspace(ctx: Ctx): Promise<WorkspaceRow> {
  authorize(ctx, 'workspace.read');
  const row = await findWorkspace(ctx.tx, ctx.workspaceId);
  if (!row) throw notFound('Workspace');
  return row;
}

/** Renames the workspace or changes its defaults (admins only); `expectedVersion` guards lost updates. */
export async function updateWorkspace(
  ctx: Ctx,
  input: { patch: z.infer<typeof updateWorkspaceBody>; expectedVersion?: number },
): Promise<WorkspaceRow> {
  authorize(ctx, 'workspace.update');
  const current = await getWorkspace(ctx);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw staleWrite(current.version);
  const before = presentWorkspace(current);
  const next = {
    name: input.patch.name ?? current.name,
    settings: { ...before.settings, ...input.patch.settings },
  };
  const updated = await updateWorkspaceRow(ctx.tx, ctx.workspaceId, current.version, next);
  if (!updated) throw staleWrite(current.version + 1);
  await recordWrite(ctx, {
    recordType: 'workspace',
    recordId: ctx.workspaceId,
    action: 'update',
    before: { name: before.name, settings: before.settings },
    after: { name: updated.name, settings: presentWorkspace(updated).settings },
  });
  return updated;
}
