import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { emitEvents, type NewEvent, recordWrites } from '../../lib/audit.ts';
import { AppError } from '../../lib/errors.ts';
import { groupBy, newId } from '../../lib/ids.ts';
import { sameJson, stableJson } from '../../lib/stable-json.ts';
import { addTimelineEntries, type NewTimelineEntry, visibleChanges } from '../../records/timeline.ts';
import type { ContactPlan } from './contacts.plan.ts';
import { type ContactView, contactView } from './contacts.presenter.ts';
import {
  type CompanyLinkRow,
  type ContactRow,
  companyLinksOf,
  contactColumns,
  insertConsentEvents,
  insertContactRows,
  linksReadWith,
  replaceCompanyLinks,
  updateContactRows,
} from './contacts.repo.ts';

/**
 * One planned write: a new contact (no `current`) or an update of `current`, with its company
 * links when the caller read them already (`currentLinks`; otherwise they are read here).
 */
export type ContactWriteItem = { id: string; plan: ContactPlan; current?: ContactRow; currentLinks?: CompanyLinkRow[] };

/** Loads the views (row + company links) of contacts, for presenting and auditing. */
export async function contactViews(ctx: Ctx, rows: ContactRow[]): Promise<ContactView[]> {
  // Rows read with their links already (one contact, presented as it was read) need no query.
  if (rows.every((r) => linksReadWith.has(r))) return rows.map((r) => contactView(r, linksReadWith.get(r) ?? []));
  const links = await companyLinksOf(
    ctx.tx,
    ctx.workspaceId,
    rows.map((r) => r.id),
  );
  const byContact = groupBy(links, (l) => l.contact_id);
  return rows.map((r) => contactView(r, byContact.get(r.id) ?? []));
}

/** The fields an audit diff compares (not timestamps or bookkeeping). */
export function auditFields(view: ContactView | undefined): Record<string, unknown> {
  if (!view) return {};
  const { createdAt: _c, updatedAt: _u, lastActivityAt: _l, lifecycleChangedAt: _lc, id: _id, name: _n, ...rest } = view;
  return rest;
}

function externalIdTaken(err: unknown): never {
  if (isUniqueViolation(err, 'contacts_external_id_key')) {
    throw new AppError('conflict', 'Another contact has this external id', [{ field: 'body.externalId', message: 'Already used' }]);
  }
  throw err;
}

/**
 * Writes planned contacts with a fixed number of statements whatever their count: the rows,
 * company links, consent history, audit rows and events, and timeline entries. Updates are
 * conditional on the version each was planned from; if any changed meanwhile the whole call
 * fails with 412 and nothing is written. Returns the saved rows in the order of `items`.
 */
export async function applyContactWrites(ctx: Ctx, all: ContactWriteItem[]): Promise<ContactRow[]> {
  const existing = all.filter((i) => i.current);
  const beforeViews = existing.every((i) => i.currentLinks)
    ? existing.map((i) => contactView(i.current as ContactRow, i.currentLinks ?? []))
    : await contactViews(
        ctx,
        existing.map((i) => i.current as ContactRow),
      );
  const beforeById = new Map(beforeViews.map((v) => [v.id, v]));
  // The columns each update changes: the update sets those, and one that changes nothing (no
  // column, link or consent) writes nothing: no new version, audit row, event or timeline entry.
  const changed = new Map(all.map((i) => [i, changedColumns(i)]));
  const items = all.filter((i) => !isNoop(i, changed.get(i) ?? [], beforeById.get(i.id)));
  const creates = items.filter((i) => !i.current);
  const updates = items.filter((i) => i.current);
  const inserted = await insertContactRows(
    ctx.tx,
    ctx.workspaceId,
    creates.map((c) => ({ id: c.id, values: c.plan.values })),
  ).catch(externalIdTaken);
  const updated = await updateContactRows(
    ctx.tx,
    ctx.workspaceId,
    updates.map((u) => ({ id: u.id, version: u.current?.version, values: u.plan.values })),
    contactColumns.filter((k) => updates.some((u) => changed.get(u)?.includes(k))),
  ).catch(externalIdTaken);
  if (updated.length !== updates.length) {
    const stale = updates.find((u) => !updated.some((r) => r.id === u.id));
    throw new AppError('precondition_failed', `Contact ${stale?.id} changed while this request ran; retry it`);
  }
  await replaceCompanyLinks(
    ctx.tx,
    ctx.workspaceId,
    items.filter((i) => i.plan.companies).map((i) => ({ contactId: i.id, links: i.plan.companies ?? [] })),
  );
  await insertConsentEvents(
    ctx.tx,
    ctx.workspaceId,
    items.flatMap((i) =>
      i.plan.consent.map((c) => ({
        id: newId(),
        contactId: i.id,
        channel: c.channel,
        state: c.state,
        method: c.method,
        source: c.source,
        textVersion: c.textVersion,
        actorType: ctx.actor.type,
        actorId: ctx.actor.userId,
      })),
    ),
  );
  const byId = new Map([...inserted, ...updated].map((r) => [r.id, r]));
  const afterViews = await viewsAfter(ctx, items, byId, beforeById);
  const results = await recordWrites(
    ctx,
    items.map((i) => ({
      recordType: 'contact',
      recordId: i.id,
      action: i.current ? ('update' as const) : ('create' as const),
      before: i.current ? auditFields(beforeById.get(i.id)) : null,
      after: auditFields(afterViews.get(i.id)),
    })),
  );
  const timeline: NewTimelineEntry[] = [];
  const lifecycleEvents: NewEvent[] = [];
  items.forEach((item, n) => {
    const target = { recordType: 'contact' as const, recordId: item.id };
    const row = byId.get(item.id) as ContactRow;
    if (!item.current) {
      timeline.push({ ...target, kind: 'created', data: { name: afterViews.get(item.id)?.name } });
      return;
    }
    if (item.current.lifecycle_stage !== row.lifecycle_stage) {
      const change = { from: item.current.lifecycle_stage, to: row.lifecycle_stage };
      timeline.push({ ...target, kind: 'lifecycle_change', data: change });
      lifecycleEvents.push({
        type: 'contact.lifecycle_stage_changed',
        recordType: 'contact',
        recordId: item.id,
        payload: { ...change, record: afterViews.get(item.id) },
      });
    }
    const shown = visibleChanges(results[n]?.changes ?? {}, ['lifecycleStage']);
    if (shown) timeline.push({ ...target, kind: 'field_change', data: { changes: shown } });
  });
  await addTimelineEntries(ctx, timeline);
  await emitEvents(ctx, lifecycleEvents);
  return all.map((i) => byId.get(i.id) ?? (i.current as ContactRow));
}

/**
 * The views of the written contacts. Company links are read again only for contacts whose links
 * this write replaced or that are new; the others keep the links their before-view loaded.
 */
async function viewsAfter(
  ctx: Ctx,
  items: ContactWriteItem[],
  byId: Map<string, ContactRow>,
  beforeById: Map<string, ContactView>,
): Promise<Map<string, ContactView>> {
  const relinked = items.filter((i) => i.plan.companies || !beforeById.has(i.id)).map((i) => byId.get(i.id) as ContactRow);
  const views = new Map((await contactViews(ctx, relinked)).map((v) => [v.id, v]));
  for (const item of items) {
    const before = beforeById.get(item.id);
    if (views.has(item.id) || !before) continue;
    views.set(item.id, { ...contactView(byId.get(item.id) as ContactRow, []), companies: before.companies });
  }
  return views;
}

/** The columns a planned write gives a value other than the contact's current one (all, for a new contact). */
function changedColumns(item: ContactWriteItem): (typeof contactColumns)[number][] {
  const current = item.current;
  return current ? contactColumns.filter((k) => !sameJson(current[k], item.plan.values[k])) : [...contactColumns];
}

/** Whether a planned update would leave the contact exactly as it is. */
function isNoop(item: ContactWriteItem, changed: readonly string[], before: ContactView | undefined): boolean {
  if (!item.current || !before || item.plan.consent.length > 0 || changed.length > 0) return false;
  if (!item.plan.companies) return true;
  const links = (l: { companyId: string; title: string | null; role: string | null; primary: boolean }[]) =>
    stableJson([...l].sort((a, b) => (a.companyId < b.companyId ? -1 : 1)).map((c) => [c.companyId, c.title, c.role, c.primary]));
  return links(before.companies) === links(item.plan.companies);
}
