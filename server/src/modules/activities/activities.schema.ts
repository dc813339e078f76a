import { z } from 'zod';
import { recordListQuery } from '../../http/schemas.ts';
import { uuid } from '../../lib/ids.ts';

export const activityKinds = ['note', 'call', 'email', 'meeting', 'form_submission'] as const;
export type ActivityKind = (typeof activityKinds)[number];
/** The kinds a person or API client logs; form submissions are written by the forms module only. */
export const loggedActivityKinds = ['note', 'call', 'email', 'meeting'] as const;
export const linkRecordTypes = ['contact', 'company', 'deal'] as const;

/** A record an activity is linked to. */
export const activityLinkSchema = z
  .object({ recordType: z.enum(linkRecordTypes), recordId: uuid() })
  .strict()
  .meta({ id: 'ActivityLink' });
export type ActivityLink = z.infer<typeof activityLinkSchema>;

const callFields = z
  .object({
    direction: z.enum(['inbound', 'outbound']),
    durationSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400 * 7)
      .nullable(),
    outcome: z.string().trim().max(200).nullable().describe('e.g. connected, left voicemail, no answer'),
  })
  .partial()
  .strict();

const emailFields = z
  .object({
    from: z.string().max(320),
    to: z.array(z.string().max(320)).max(100),
    cc: z.array(z.string().max(320)).max(100),
  })
  .partial()
  .strict();

const attendeeSchema = z
  .object({ email: z.string().max(320), name: z.string().trim().max(200).nullish(), contactId: uuid().nullish() })
  .strict();

const meetingFields = z
  .object({
    startAt: z.iso.datetime({ offset: true }),
    endAt: z.iso.datetime({ offset: true }),
    location: z.string().trim().max(500).nullable(),
    attendees: z.array(attendeeSchema).max(200),
  })
  .partial()
  .strict();

/** The writable fields of an activity; on update every field is optional and null clears it. */
const writeFields = {
  subject: z.string().trim().max(500).nullable(),
  body: z.string().max(100_000).nullable().describe('Markdown for notes (rendered to sanitised HTML); the notes of a call; an email body'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened; defaults to now (for meetings, their start)'),
  ownerId: uuid().nullable(),
  links: z.array(activityLinkSchema).min(1).max(100).describe('The contacts, companies and deals it is about; at least one'),
  call: callFields.describe('Calls only'),
  email: emailFields.describe('Logged emails only'),
  meeting: meetingFields.describe('Meetings only'),
};

/** The body of POST /activities. */
export const activityCreateSchema = z
  .object({ kind: z.enum(loggedActivityKinds), ...writeFields })
  .partial()
  .required({ kind: true, links: true })
  .strict()
  .meta({ id: 'ActivityCreate' });
export type ActivityCreate = z.infer<typeof activityCreateSchema>;

/** The body of PATCH /activities/{id}: the kind of an activity never changes. */
export const activityUpdateSchema = z.object(writeFields).partial().strict().meta({ id: 'ActivityUpdate' });
export type ActivityUpdate = z.infer<typeof activityUpdateSchema>;

/** What a form submission activity records beside its subject and body. */
export const formSubmissionDetailsSchema = z
  .object({
    formId: uuid(),
    formName: z.string(),
    submissionId: uuid(),
    pageUrl: z.string().nullable(),
    referrer: z.string().nullable(),
    utm: z.record(z.string(), z.string()),
    values: z.array(z.object({ key: z.string(), label: z.string(), value: z.string() })),
    consent: z.object({ channels: z.array(z.string()), textVersion: z.string() }).nullable(),
  })
  .meta({ id: 'FormSubmissionDetails' });
export type FormSubmissionDetails = z.infer<typeof formSubmissionDetailsSchema>;

/** An activity as the API shows it. */
export const activitySchema = z
  .object({
    id: uuid(),
    kind: z.enum(activityKinds),
    subject: z.string().nullable(),
    body: z.string().nullable(),
    bodyHtml: z.string().nullable().describe('Notes only: the body rendered from Markdown and sanitised'),
    occurredAt: z.iso.datetime(),
    ownerId: uuid().nullable(),
    links: z.array(activityLinkSchema),
    call: z
      .object({
        direction: z.enum(['inbound', 'outbound']).nullable(),
        durationSeconds: z.number().int().nullable(),
        outcome: z.string().nullable(),
      })
      .nullable(),
    email: z.object({ from: z.string().nullable(), to: z.array(z.string()), cc: z.array(z.string()) }).nullable(),
    meeting: z
      .object({
        startAt: z.iso.datetime().nullable(),
        endAt: z.iso.datetime().nullable(),
        location: z.string().nullable(),
        attendees: z.array(z.object({ email: z.string(), name: z.string().nullable(), contactId: uuid().nullable() })),
      })
      .nullable(),
    formSubmission: formSubmissionDetailsSchema.nullable().describe('Form submissions only: the form, page, UTM parameters and values'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .partial()
  .required({ id: true })
  .meta({ id: 'Activity' });

export const activityListQuery = recordListQuery('Matches words of the subject or body');

/** The body of POST /activities/preview: a note's Markdown as typed. */
export const notePreviewBodySchema = z
  .object({ body: z.string().max(100_000) })
  .strict()
  .meta({ id: 'NotePreviewBody' });

/** A note's Markdown rendered exactly as a saved note would show it. */
export const notePreviewSchema = z
  .object({ bodyHtml: z.string().describe('The body rendered from Markdown and sanitised, as Activity.bodyHtml') })
  .meta({ id: 'NotePreview' });
