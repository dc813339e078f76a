import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';

/** A notification as the API shows it. */
export const notificationSchema = z
  .object({
    id: uuid(),
    kind: z.string().describe('e.g. task_reminder'),
    title: z.string(),
    body: z.string().nullable(),
    record: z.object({ recordType: z.string(), recordId: uuid() }).nullable().describe('What it is about, e.g. the task'),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });

export const notificationPageSchema = z
  .object({
    data: z.array(notificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().describe('How many of the caller’s notifications are unread, whatever the filter'),
  })
  .meta({ id: 'NotificationPage' });

export const notificationListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    unread: z.enum(['true', 'false']).optional().describe('true: only unread ones'),
  })
  .strict();
