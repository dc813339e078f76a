import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { recordWrite } from '../../lib/audit.ts';
import { notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import { authorize } from '../../policies.ts';
import { renderCalendar } from './calendar-feed.ics.ts';
import {
  type CalendarFeedRow,
  deleteUserFeed,
  feedMeetings,
  feedTasks,
  findFeedByTokenHash,
  findUserFeed,
  replaceUserFeed,
  touchFeed,
} from './calendar-feed.repo.ts';

/** The path of a feed under the API, for a token. */
export const feedPath = (token: string) => `/api/v1/ical/${token}.ics`;

/** Tokens look like `rcal_<43 base64url characters>`; anything else is not looked up. */
const TOKEN = /^rcal_[\w-]{43}$/;

/** The user a feed belongs to: the caller (a session user or an API key's creator). */
const ownerOf = (ctx: Ctx) => ctx.actor.userId as string;

/** The caller's feed in this workspace, if they have one (its URL is shown only when created). */
export async function getCalendarFeed(ctx: Ctx): Promise<CalendarFeedRow | undefined> {
  authorize(ctx, 'workspace.read');
  return findUserFeed(ctx.tx, ctx.workspaceId, ownerOf(ctx));
}

/** Creates the caller's feed, or rotates it: a new secret URL, and the old one stops at once. */
export async function createOrRotateCalendarFeed(ctx: Ctx): Promise<{ feed: CalendarFeedRow; token: string; rotated: boolean }> {
  authorize(ctx, 'calendar_feed.manage');
  const previous = await findUserFeed(ctx.tx, ctx.workspaceId, ownerOf(ctx));
  const token = `rcal_${randomToken(32)}`;
  const feed = await replaceUserFeed(ctx.tx, {
    workspaceId: ctx.workspaceId,
    id: newId(),
    userId: ownerOf(ctx),
    tokenHash: hashToken(token),
    prefix: token.slice(0, 12),
  });
  if (previous) {
    await recordWrite(ctx, {
      recordType: 'calendar_feed',
      recordId: previous.id,
      action: 'delete',
      before: { prefix: previous.prefix },
      after: null,
    });
  }
  await recordWrite(ctx, {
    recordType: 'calendar_feed',
    recordId: feed.id,
    action: 'create',
    before: null,
    after: { prefix: feed.prefix },
  });
  return { feed, token, rotated: previous !== undefined };
}

/** Revokes the caller's feed: its URL answers 404 from now on. */
export async function revokeCalendarFeed(ctx: Ctx): Promise<void> {
  authorize(ctx, 'calendar_feed.manage');
  const feed = await deleteUserFeed(ctx.tx, ctx.workspaceId, ownerOf(ctx));
  if (!feed) throw notFound('Calendar feed');
  await recordWrite(ctx, {
    recordType: 'calendar_feed',
    recordId: feed.id,
    action: 'delete',
    before: { prefix: feed.prefix },
    after: null,
  });
}

/**
 * The iCalendar text of the feed a token opens, or undefined when no live feed has it (never
 * created, rotated, revoked, or its owner left the workspace). Reads only that owner's tasks
 * and meetings in that feed's workspace.
 */
export async function calendarForToken(db: Database, token: string, publicUrl: string): Promise<string | undefined> {
  if (!TOKEN.test(token)) return undefined;
  return db.transaction(async (tx) => {
    const feed = await findFeedByTokenHash(tx, hashToken(token));
    if (!feed) return undefined;
    const [tasks, meetings] = [
      await feedTasks(tx, feed.workspace_id, feed.user_id),
      await feedMeetings(tx, feed.workspace_id, feed.user_id, feed.user_email),
    ];
    await touchFeed(tx, feed.workspace_id, feed.id);
    return renderCalendar({ name: `Rapport — ${feed.workspace_name}`, publicUrl, tasks, meetings });
  });
}
