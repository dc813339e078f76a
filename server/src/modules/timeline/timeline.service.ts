import type { Ctx } from '../../context.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { authorize } from '../../policies.ts';
import { type TimelineTarget, timelineKinds } from '../../records/timeline.ts';
import { activityView } from '../activities/activities.presenter.ts';
import { timelineEntryView } from './timeline.presenter.ts';
import { companyRollupTargets, findRecordState, type RecordState, type TimelinePosition, timelinePage } from './timeline.repo.ts';

const paths = { contact: 'contacts', company: 'companies', deal: 'deals' } as const;
const names = { contact: 'Contact', company: 'Company', deal: 'Deal' } as const;

/** The kinds a `kind=` filter names, each checked; a 400 on `query.kind` names the unknown ones. */
function parseKinds(kind: string | undefined): string[] | undefined {
  if (kind === undefined) return undefined;
  const kinds = [
    ...new Set(
      kind
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = kinds.filter((k) => !(timelineKinds as readonly string[]).includes(k));
  if (unknown.length > 0 || kinds.length === 0) {
    throw new AppError('validation_failed', 'Unknown timeline kind', [
      { field: 'query.kind', message: `Unknown kind ${unknown.join(', ') || '(empty)'}; one or more of ${timelineKinds.join(', ')}` },
    ]);
  }
  return kinds;
}

/** The position a timeline cursor carries; a foreign or tampered one is a 400. */
function parseCursor(cursor: string | undefined): TimelinePosition | undefined {
  if (!cursor) return undefined;
  const [occurredAt, id] = decodeCursor(cursor, 2);
  if (typeof occurredAt === 'string' && !Number.isNaN(Date.parse(occurredAt)) && typeof id === 'string' && isUuid(id)) {
    return { occurredAt, id };
  }
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

/** A record in the trash or unknown is a 404; a merged-away one, a 301 to the survivor's timeline. */
function checkState(state: RecordState | undefined, target: TimelineTarget): void {
  if (!state || state.deleted) throw notFound(names[target.recordType]);
  if (state.mergedInto) {
    throw new AppError('moved_permanently', `This ${target.recordType} was merged into another`, undefined, {
      location: `/api/v1/${paths[target.recordType]}/${state.mergedInto}/timeline`,
    });
  }
}

/**
 * A page of the timeline of a contact, company or deal, newest first: its activities, changes,
 * stage and lifecycle moves, tasks and merges. A company's includes the entries of its contacts
 * and deals. A merged-away record answers 301 to the survivor's timeline; one in the trash, 404.
 */
export async function readTimeline(
  ctx: Ctx,
  input: { target: TimelineTarget; limit: number; cursor?: string; kind?: string },
): Promise<{ data: ReturnType<typeof timelineEntryView>[]; nextCursor: string | null }> {
  authorize(ctx, 'records.read');
  const { target } = input;
  const kinds = parseKinds(input.kind);
  const after = parseCursor(input.cursor);
  // A contact's or deal's page is read with the record's state in one statement; a company's
  // needs its contacts and deals first.
  const single = target.recordType !== 'company';
  const state = single ? undefined : await findRecordState(ctx.tx, ctx.workspaceId, target);
  if (!single) checkState(state, target);
  const targets = single ? [target] : [target, ...(await companyRollupTargets(ctx.tx, ctx.workspaceId, target.recordId))];
  const read = await timelinePage(ctx.tx, ctx.workspaceId, targets, {
    limit: input.limit + 1,
    after,
    kinds,
    stateOf: single ? target : undefined,
  });
  if (single) checkState(read?.state, target);
  const rows = read?.rows ?? [];
  const page = rows.slice(0, input.limit);
  const data = page.map((r) => timelineEntryView(r, r.activity ? activityView(r.activity.row, r.activity.links) : null));
  const last = page.at(-1);
  return { data, nextCursor: rows.length > input.limit && last ? encodeCursor([last.position, last.id]) : null };
}
