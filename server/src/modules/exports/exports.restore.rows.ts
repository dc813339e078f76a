import type { Ctx } from '../../context.ts';
import { randomToken } from '../../lib/tokens.ts';
import { newWebhookSecret } from '../webhooks/webhooks.signing.ts';
import { takenPublicIds } from './exports.restore.repo.ts';
import type { TableSpec } from './exports.tables.ts';

type Row = Record<string, unknown>;

/** How the backup's user ids become this workspace's: by email, else nobody. */
export type UserMap = Map<string, string | null>;

/** What a restore carries from table to table while it adapts the backup's rows, and what it reports. */
export type RestoreState = {
  ctx: Ctx;
  /** The backup's workspace: audit rows about the workspace itself name it. */
  sourceWorkspaceId: string;
  users: UserMap;
  /** Per record type, the keys of its custom fields of type `user`. */
  userFields: Map<string, Set<string>>;
  /** Companies' parents, set once every company exists (a parent may come after its child). */
  parents: { id: string; parent: string }[];
  viewsReassigned: number;
  webhooksDisabled: number;
  formsWithNewPublicId: { id: string; name: string; publicId: string }[];
};

/** Why a restored webhook subscription is off: a backup has no secret, so the receiver does not know the new one. */
export const RESTORED_WEBHOOK_REASON =
  'Restored from a backup, which carries no signing secrets: rotate the secret, give it to the receiver, then enable';

/** Rewrites a row's user references for this workspace (by email, else nobody); API key actors keep their id. */
function mapUsers(spec: TableSpec, row: Row, state: RestoreState): void {
  const byKey = spec.actorType !== undefined && row[spec.actorType] === 'api_key';
  for (const col of byKey ? [] : spec.userColumns) {
    const id = row[col];
    if (typeof id === 'string') row[col] = state.users.get(id) ?? null;
  }
  const keys = spec.customOf ? state.userFields.get(spec.customOf) : undefined;
  if (keys && row.custom && typeof row.custom === 'object') {
    const custom = row.custom as Row;
    for (const key of keys) {
      const id = custom[key];
      if (typeof id !== 'string') continue;
      const mapped = state.users.get(id);
      if (mapped) custom[key] = mapped;
      else delete custom[key];
    }
  }
}

/** What restoring a row of some tables needs besides user mapping. */
const adapters: Record<string, (row: Row, state: RestoreState) => void> = {
  custom_fields: (row, state) => {
    if (row.type !== 'user') return;
    const set = state.userFields.get(String(row.object_type)) ?? new Set<string>();
    set.add(String(row.key));
    state.userFields.set(String(row.object_type), set);
  },
  companies: (row, state) => {
    if (typeof row.parent_company_id !== 'string') return;
    state.parents.push({ id: String(row.id), parent: row.parent_company_id });
    row.parent_company_id = null;
  },
  saved_views: (row, state) => {
    if (row.owner_id !== null) return;
    row.owner_id = state.ctx.actor.userId;
    state.viewsReassigned += 1;
  },
  webhook_subscriptions: (row, state) => {
    Object.assign(row, {
      secret: newWebhookSecret(),
      previous_secret: null,
      previous_secret_expires_at: null,
      enabled: false,
      disabled_at: new Date().toISOString(),
      disabled_reason: RESTORED_WEBHOOK_REASON,
      failing_since: null,
    });
    state.webhooksDisabled += 1;
  },
  record_changes: (row, state) => {
    // Changes to the workspace itself (settings, webhook settings, exports) name it by id.
    if (row.record_id === state.sourceWorkspaceId) row.record_id = state.ctx.workspaceId;
  },
};

/**
 * Forms keep their public id when no form on this server has it, so embed snippets and hosted
 * pages keep working once the address points here; a taken one (the backup restored beside its
 * source) gets a new id, reported so its snippet can be copied again.
 */
async function keepFreePublicIds(rows: Row[], state: RestoreState): Promise<void> {
  const taken = await takenPublicIds(
    state.ctx.tx,
    rows.map((r) => String(r.public_id)),
  );
  for (const row of rows) {
    if (!taken.has(String(row.public_id))) continue;
    const publicId = randomToken(12);
    row.public_id = publicId;
    state.formsWithNewPublicId.push({ id: String(row.id), name: String(row.name), publicId });
  }
}

/** Adapts a batch of a table's backup rows to this workspace, in place, before they are inserted. */
export async function adaptRows(spec: TableSpec, rows: Row[], state: RestoreState): Promise<void> {
  const adapt = adapters[spec.table];
  for (const row of rows) {
    mapUsers(spec, row, state);
    adapt?.(row, state);
  }
  if (spec.table === 'forms') await keepFreePublicIds(rows, state);
}
