import { z } from 'zod';
import { recordListQuery } from '../../http/schemas.ts';
import { uuid } from '../../lib/ids.ts';

export const taskPriorities = ['low', 'normal', 'high'] as const;
export const taskStatuses = ['open', 'completed'] as const;
export const taskBuckets = ['overdue', 'today', 'upcoming'] as const;
export type TaskBucket = (typeof taskBuckets)[number];

/** The contact, company or deal a task is about. */
const taskRecordSchema = z.object({ recordType: z.enum(['contact', 'company', 'deal']), recordId: uuid() }).strict();
export type TaskRecord = z.infer<typeof taskRecordSchema>;

const writeFields = {
  title: z.string().trim().min(1).max(500),
  notes: z.string().max(20_000).nullable(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  remindAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .describe('When to notify the assignee in the app; changing it re-arms the reminder'),
  priority: z.enum(taskPriorities),
  assigneeId: uuid().nullable().describe('A member of the workspace; defaults to the creator'),
  record: taskRecordSchema.nullable(),
};

/** The body of POST /tasks. */
export const taskCreateSchema = z.object(writeFields).partial().required({ title: true }).strict().meta({ id: 'TaskCreate' });
export type TaskCreate = z.infer<typeof taskCreateSchema>;

/** The body of PATCH /tasks/{id}; `status: open` reopens a completed task. */
export const taskUpdateSchema = z
  .object({ ...writeFields, status: z.enum(taskStatuses) })
  .partial()
  .strict()
  .meta({ id: 'TaskUpdate' });
export type TaskUpdate = z.infer<typeof taskUpdateSchema>;

/** A task as the API shows it. */
export const taskSchema = z
  .object({
    id: uuid(),
    title: z.string(),
    notes: z.string().nullable(),
    dueAt: z.iso.datetime().nullable(),
    remindAt: z.iso.datetime().nullable(),
    remindedAt: z.iso.datetime().nullable().describe('When the reminder fired'),
    priority: z.enum(taskPriorities),
    assigneeId: uuid().nullable(),
    status: z.enum(taskStatuses),
    completedAt: z.iso.datetime().nullable(),
    record: taskRecordSchema.nullable(),
    createdBy: uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .partial()
  .required({ id: true })
  .meta({ id: 'Task' });

export const taskListQuery = recordListQuery('Matches a title prefix');

/** The query of GET /tasks/mine. */
export const myTasksQuery = z
  .object({
    bucket: z
      .enum(taskBuckets)
      .describe('overdue: due before now; today: due from now until midnight in the workspace time zone; upcoming: due after that'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();
