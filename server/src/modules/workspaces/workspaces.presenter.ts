import type { z } from 'zod';
import type { WorkspaceRow } from './workspaces.repo.ts';
import { defaultWorkspaceSettings, type workspaceSchema } from './workspaces.schema.ts';

/** A workspace row as the API shows it. */
export function presentWorkspace(row: WorkspaceRow): z.infer<typeof workspaceSchema> {
  return {
    id: row.id,
    name: row.name,
    settings: { ...defaultWorkspaceSettings, ...row.settings },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
