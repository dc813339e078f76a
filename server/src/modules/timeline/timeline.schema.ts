import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { timelineKinds } from '../../records/timeline.ts';
import { activitySchema } from '../activities/activities.schema.ts';

/** The query of a record's timeline: keyset paging and an optional filter on kinds. */
export const timelineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
    kind: z
      .string()
      .max(500)
      .optional()
      .describe(`Comma-separated kinds to show: ${timelineKinds.join(', ')}`),
  })
  .strict();

/** One entry of a record's timeline. */
export const timelineEntrySchema = z
  .object({
    id: uuid(),
    kind: z.enum(timelineKinds),
    occurredAt: z.iso.datetime(),
    recordType: z
      .enum(['contact', 'company', 'deal'])
      .describe('The record it was written on (a company timeline also shows its contacts and deals)'),
    recordId: uuid(),
    actor: z.object({ type: z.string().nullable(), id: uuid().nullable() }),
    data: z.record(z.string(), z.unknown()),
    activity: activitySchema.nullable().describe("For kind 'activity': the activity itself"),
    taskId: uuid().nullable(),
  })
  .meta({ id: 'TimelineEntry' });

export const timelinePageSchema = z
  .object({ data: z.array(timelineEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TimelinePage' });
