import type { Ctx } from '../../context.ts';
import { isUniqueViolation, Pipeline } from '../../db/database.ts';
import { eventsInsert, type NewEvent, recordedInserts } from '../../lib/audit.ts';
import { AppError } from '../../lib/errors.ts';
import { groupBy, newId } from '../../lib/ids.ts';
import { insertTogether } from '../../lib/sql-params.ts';
import { sameJson, stableJson } from '../../lib/stable-json.ts';
import { type NewTimelineEntry, timelineInsert, visibleChanges } from '../../records/timeline.ts';
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
  type SetByDatabase,
  updateContactRows,
  writtenRows,
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
 *
 * The statements go to the database back to back (a Pipeline) while the audit rows, events and
 * timeline entries are built from the rows as they will be saved: of a written row, the database
 * sets only the version (one more), the creation and update times (the transaction's time) and
 * keeps the rest, so the write predicts those and checks the prediction against what the
 * statements return. For a thousand contacts that overlaps most of the building with the update.
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
  if (items.length === 0) return all.map((i) => i.current as ContactRow);

  const creates = items.filter((i) => !i.current);
  const updates = items.filter((i) => i.current);
  const relinked = items.filter((i) => i.plan.companies);
  const sent = new Pipeline();
  const { clock, inserting, updating, linking } = sendRowWrites(ctx, sent, { items, creates, updates, relinked }, changed);
  // The new links are read back (for their companies' names) once written.
  const links = relinked.length
    ? await sent.wait(
        linking.then(() =>
          companyLinksOf(
            ctx.tx,
            ctx.workspaceId,
            relinked.map((i) => i.id),
          ),
        ),
      )
    : [];
  const now = (await sent.wait(clock)).rows[0]?.now as Date;
  const predicted = new Map(
    writtenRows(
      ctx.workspaceId,
      items.map((i) => ({ id: i.id, values: i.plan.values, kept: i.current, changed: changed.get(i) })),
      items.map((i) => predictedSet(i, now)),
    ).map((r) => [r.id, r]),
  );
  const afterViews = viewsAfter(
    items,
    predicted,
    beforeById,
    groupBy(links, (l) => l.contact_id),
  );
  const { results, inserts } = recordedInserts(
    ctx,
    items.map((i) => ({
      recordType: 'contact',
      recordId: i.id,
      action: i.current ? ('update' as const) : ('create' as const),
      before: i.current ? auditFields(beforeById.get(i.id)) : null,
      after: auditFields(afterViews.get(i.id)),
    })),
  );
  // The history, events and timeline entries go as one statement: each statement of its own
  // would be sent only once the one before had returned.
  const { timeline, lifecycleEvents } = timelineOf(items, afterViews, results);
  sent.add(insertTogether(ctx.tx, [...inserts, timelineInsert(ctx, timeline), eventsInsert(ctx, lifecycleEvents)]));
  await sent.settle();

  const updated = await updating;
  if (updated.length !== updates.length) {
    const stale = updates.find((u) => !updated.some((r) => r.id === u.id));
    throw new AppError('precondition_failed', `Contact ${stale?.id} changed while this request ran; retry it`);
  }
  // Each row as saved: as predicted, unless a column the database keeps moved since the contact
  // was read (an activity logged meanwhile sets its last activity time without a new version).
  const byId = new Map<string, ContactRow>();
  const moved: ContactRow[] = [];
  for (const set of [...(await inserting), ...updated]) {
    const row = predicted.get(set.id) as ContactRow;
    if (sameJson(databaseSet(row), set)) byId.set(set.id, row);
    else {
      const saved = { ...row, ...set };
      byId.set(set.id, saved);
      moved.push(saved);
    }
  }
  await correctMovedEvents(ctx, moved, afterViews, [...results.map((r) => r.eventId), ...lifecycleEvents.map((e) => e.id as string)]);
  return all.map((i) => byId.get(i.id) ?? (i.current as ContactRow));
}

/**
 * Sends the statements that write the rows, their company links and consent history, without
 * waiting: the transaction's time first, for predicting the rows as saved. `split` holds the
 * items, and of them those created, those updated and those whose company links are replaced.
 */
function sendRowWrites(
  ctx: Ctx,
  sent: Pipeline,
  split: Record<'items' | 'creates' | 'updates' | 'relinked', ContactWriteItem[]>,
  changed: Map<ContactWriteItem, string[]>,
) {
  const { items, creates, updates, relinked } = split;
  const clock = sent.add(ctx.tx.query<{ now: Date }>('SELECT now() AS now'));
  const inserting = sent.add(insertContactRows(ctx.tx, ctx.workspaceId, asWriteRows(creates)).catch(externalIdTaken));
  const updating = sent.add(
    updateContactRows(
      ctx.tx,
      ctx.workspaceId,
      asWriteRows(updates),
      contactColumns.filter((k) => updates.some((u) => changed.get(u)?.includes(k))),
    ).catch(externalIdTaken),
  );
  const linking = sent.add(
    replaceCompanyLinks(
      ctx.tx,
      ctx.workspaceId,
      relinked.map((i) => ({ contactId: i.id, links: i.plan.companies ?? [] })),
    ),
  );
  sent.add(
    insertConsentEvents(
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
    ),
  );
  return { clock, inserting, updating, linking };
}

/** The timeline entries of the written contacts, and the lifecycle-stage events among them. */
function timelineOf(
  items: ContactWriteItem[],
  afterViews: Map<string, ContactView>,
  results: { changes: Record<string, { from: unknown; to: unknown }> }[],
): { timeline: NewTimelineEntry[]; lifecycleEvents: NewEvent[] } {
  const timeline: NewTimelineEntry[] = [];
  const lifecycleEvents: NewEvent[] = [];
  items.forEach((item, n) => {
    const target = { recordType: 'contact' as const, recordId: item.id };
    if (!item.current) {
      timeline.push({ ...target, kind: 'created', data: { name: afterViews.get(item.id)?.name } });
      return;
    }
    const stage = item.plan.values.lifecycle_stage;
    if (item.current.lifecycle_stage !== stage) {
      const change = { from: item.current.lifecycle_stage, to: stage };
      timeline.push({ ...target, kind: 'lifecycle_change', data: change });
      lifecycleEvents.push({
        id: newId(),
        type: 'contact.lifecycle_stage_changed',
        recordType: 'contact',
        recordId: item.id,
        payload: { ...change, record: afterViews.get(item.id) },
      });
    }
    const shown = visibleChanges(results[n]?.changes ?? {}, ['lifecycleStage']);
    if (shown) timeline.push({ ...target, kind: 'field_change', data: { changes: shown } });
  });
  return { timeline, lifecycleEvents };
}

/** Gives the write's events (`eventIds`) the rows as saved where they differ from the prediction. */
async function correctMovedEvents(ctx: Ctx, moved: ContactRow[], afterViews: Map<string, ContactView>, eventIds: string[]): Promise<void> {
  if (moved.length === 0) return;
  const records = moved.map((row) => ({
    record_id: row.id,
    record: { ...contactView(row, []), companies: afterViews.get(row.id)?.companies ?? [] },
  }));
  await ctx.tx.query(
    `UPDATE outbox_events e SET payload = jsonb_set(e.payload, '{record}', r.record)
     FROM jsonb_to_recordset($2::jsonb) AS r (record_id uuid, record jsonb)
     WHERE e.workspace_id = $1 AND e.id = ANY($3::uuid[]) AND e.record_id = r.record_id`,
    [ctx.workspaceId, JSON.stringify(records), eventIds],
  );
}

/** The planned writes as rows to write (their values, and the version updates are conditional on). */
const asWriteRows = (items: ContactWriteItem[]) => items.map((i) => ({ id: i.id, version: i.current?.version, values: i.plan.values }));

/**
 * The columns the database sets on a write, as they will be once the write is saved at `now`:
 * the version one more, the update time `now`, the rest kept (a new contact is created at `now`).
 */
function predictedSet(item: ContactWriteItem, now: Date): SetByDatabase {
  const current = item.current;
  return {
    id: item.id,
    version: (current?.version ?? 0) + 1,
    created_at: current?.created_at ?? now,
    updated_at: now,
    last_activity_at: current?.last_activity_at ?? null,
    deleted_at: current?.deleted_at ?? null,
    merged_into: current?.merged_into ?? null,
  };
}

/** The columns of a row the database sets on a write. */
function databaseSet({ id, version, created_at, updated_at, last_activity_at, deleted_at, merged_into }: ContactRow): SetByDatabase {
  return { id, version, created_at, updated_at, last_activity_at, deleted_at, merged_into };
}

/**
 * The views of the written contacts: with the company links just read back for contacts whose
 * links this write replaced, none for other new contacts, and the links their before-view loaded
 * for the rest.
 */
function viewsAfter(
  items: ContactWriteItem[],
  rows: Map<string, ContactRow>,
  beforeById: Map<string, ContactView>,
  relinked: Map<string, CompanyLinkRow[]>,
): Map<string, ContactView> {
  return new Map(
    items.map((item) => {
      const row = rows.get(item.id) as ContactRow;
      const before = beforeById.get(item.id);
      if (item.plan.companies || !before) return [item.id, contactView(row, relinked.get(item.id) ?? [])];
      return [item.id, { ...contactView(row, []), companies: before.companies }];
    }),
  );
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
