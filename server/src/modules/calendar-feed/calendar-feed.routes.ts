import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { AppError } from '../../lib/errors.ts';
import type { CalendarFeedRow } from './calendar-feed.repo.ts';
import { calendarForToken, createOrRotateCalendarFeed, feedPath, getCalendarFeed, revokeCalendarFeed } from './calendar-feed.service.ts';

const tags = ['Calendar feed'];

const feedSchema = z
  .object({
    active: z.boolean().describe('Whether the caller has a live feed in this workspace'),
    prefix: z.string().nullable().describe('The start of the token, to recognise the URL in a calendar app'),
    createdAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable().describe('When a calendar app last read the feed (to the minute)'),
  })
  .meta({ id: 'CalendarFeed' });

const createdFeedSchema = z
  .object({
    feed: feedSchema,
    url: z.string().describe('The secret feed URL (https); shown only now'),
    webcalUrl: z.string().describe('The same URL with the webcal scheme, which opens a calendar app'),
    rotated: z.boolean().describe('True when an earlier URL was replaced (it no longer works)'),
  })
  .meta({ id: 'CreatedCalendarFeed' });

const present = (f: CalendarFeedRow | undefined): z.infer<typeof feedSchema> => ({
  active: f !== undefined,
  prefix: f?.prefix ?? null,
  createdAt: f?.created_at.toISOString() ?? null,
  lastUsedAt: f?.last_used_at?.toISOString() ?? null,
});

/** The signed-in user's private iCalendar feed of their tasks and meetings, and the public feed URL. */
export function calendarFeedRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/me/calendar-feed',
      { schema: { tags, summary: 'Whether you have a calendar feed in this workspace', response: { 200: feedSchema } } },
      async (request) => present(await inWorkspace(deps.db, request, getCalendarFeed)),
    );

    app.post(
      '/me/calendar-feed',
      {
        schema: {
          tags,
          summary: 'Create your calendar feed, or rotate it (the old URL stops working); the URL is shown once',
          response: { 201: createdFeedSchema },
        },
      },
      async (request, reply) => {
        const { feed, token, rotated } = await inWorkspace(deps.db, request, createOrRotateCalendarFeed);
        const url = `${deps.config.publicUrl}${feedPath(token)}`;
        return reply.code(201).send({ feed: present(feed), url, webcalUrl: url.replace(/^https?:/, 'webcal:'), rotated });
      },
    );

    app.delete(
      '/me/calendar-feed',
      { schema: { tags, summary: 'Revoke your calendar feed (its URL answers 404 from now on)', response: { 204: z.null() } } },
      async (request, reply) => {
        await inWorkspace(deps.db, request, revokeCalendarFeed);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/ical/:token.ics',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'A calendar feed (iCalendar, RFC 5545) by its secret token; no session needed',
          security: [],
          params: z.object({ token: z.string().max(100) }).strict(),
          response: { 200: { description: 'iCalendar', content: { 'text/calendar': { schema: z.string() } } } },
        },
      },
      async (request, reply) => {
        const ics = await calendarForToken(deps.db, request.params.token, deps.config.publicUrl);
        if (ics === undefined) throw new AppError('not_found', 'Calendar feed not found');
        return reply
          .type('text/calendar; charset=utf-8')
          .header('cache-control', 'private, max-age=300')
          .header('content-disposition', 'inline; filename="rapport.ics"')
          .send(ics);
      },
    );
  };
}
