import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { inWorkspace } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { notificationView } from './notifications.presenter.ts';
import { notificationListQuery, notificationPageSchema, notificationSchema } from './notifications.schema.ts';
import { listNotifications, readAllNotifications, readNotification } from './notifications.service.ts';

const tags = ['Notifications'];

/** In-app notifications: each person's own, such as task reminders. */
export function notificationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/notifications',
      {
        schema: {
          tags,
          summary: 'Your notifications, newest first, with the unread count',
          querystring: notificationListQuery,
          response: { 200: notificationPageSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const res = await inWorkspace(deps.db, request, (ctx) =>
          listNotifications(ctx, { limit: q.limit, cursor: q.cursor, unreadOnly: q.unread === 'true' }),
        );
        return { data: res.rows.map(notificationView), nextCursor: res.nextCursor, unreadCount: res.unreadCount };
      },
    );

    app.post(
      '/notifications/:id/read',
      { schema: { tags, summary: 'Mark one of your notifications read', params: idParams, response: { 200: notificationSchema } } },
      async (request) => notificationView(await inWorkspace(deps.db, request, (ctx) => readNotification(ctx, request.params.id))),
    );

    app.post(
      '/notifications/read-all',
      { schema: { tags, summary: 'Mark all your notifications read', response: { 200: z.object({ marked: z.number().int() }) } } },
      async (request) => ({ marked: await inWorkspace(deps.db, request, (ctx) => readAllNotifications(ctx)) }),
    );
  };
}
