import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { lifecycleStages } from '../../records/record-types.ts';

/** How a form field is shown; which ones a property allows depends on its type (forms.fields.ts). */
export const formFieldTypes = [
  'text',
  'textarea',
  'email',
  'tel',
  'number',
  'date',
  'url',
  'select',
  'radio',
  'checkbox',
  'checkboxes',
] as const;
export type FormFieldType = (typeof formFieldTypes)[number];
export const consentChannels = ['email', 'sms'] as const;

const text = (max: number) => z.string().trim().max(max);

const fieldInput = z
  .object({
    key: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .describe('The contact property it fills: firstName, lastName, email, phone, jobTitle, address.city … or custom.<key>'),
    label: text(200).min(1),
    type: z.enum(formFieldTypes).optional().describe('How it is shown; defaults to what suits the property'),
    required: z.boolean().default(false).describe('The email field is always required'),
    placeholder: text(200).nullable().optional(),
  })
  .strict();

const consentInput = z
  .object({
    enabled: z.boolean(),
    channels: z.array(z.enum(consentChannels)).min(1).max(2).default(['email']).describe('What ticking the box subscribes to'),
    text: text(2000).default('').describe('The words beside the checkbox; each distinct text is kept as a version'),
    required: z.boolean().default(false).describe('Whether the form cannot be sent without ticking it'),
    doubleOptIn: z
      .boolean()
      .default(false)
      .describe(
        'Double opt-in: ticking the box makes email consent pending, and an emailed link confirms it. Needs the box enabled, email only',
      ),
  })
  .strict();

/** The writable fields of a form. */
const formFields = {
  name: text(200).min(1),
  status: z.enum(['active', 'archived']).describe('Archived forms refuse new submissions'),
  fields: z.array(fieldInput).min(1).max(50),
  consent: consentInput,
  submitButtonLabel: text(60).min(1),
  thankYouMessage: text(2000).nullable().describe('Shown after a submission (when there is no redirect)'),
  redirectUrl: z.string().trim().max(2000).nullable().describe('An http(s) page to send people to after submitting; wins over the message'),
  allowedOrigins: z
    .array(z.string().trim().min(1).max(300))
    .max(50)
    .describe('Sites that may embed the form, like https://www.example.com; "*" allows any'),
  lifecycleStage: z.enum(lifecycleStages).nullable().describe('The stage new contacts start in (existing ones only move forward)'),
  ownerId: uuid().nullable().describe('Owner given to new contacts'),
  tags: z.array(text(100).min(1)).max(50).describe('Tags added to every contact who submits'),
};

export const formCreateSchema = z.object(formFields).partial().required({ name: true, fields: true }).strict();
export type FormCreate = z.infer<typeof formCreateSchema>;

export const formUpdateSchema = z.object(formFields).partial().strict();
export type FormUpdate = z.infer<typeof formUpdateSchema>;

/** A field as stored on a form. */
export type StoredField = { key: string; label: string; type: FormFieldType; required: boolean; placeholder: string | null };
/** The consent settings as stored on a form. */
export type StoredConsent = {
  enabled: boolean;
  channels: ('email' | 'sms')[];
  text: string;
  required: boolean;
  textVersion: string | null;
  /** Absent on forms saved before double opt-in existed: false. */
  doubleOptIn?: boolean;
};

const fieldView = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(formFieldTypes),
  required: z.boolean(),
  placeholder: z.string().nullable(),
  options: z
    .array(z.object({ value: z.string(), label: z.string() }))
    .nullable()
    .describe('The choices of select, radio and checkboxes'),
});

const consentView = z.object({
  enabled: z.boolean(),
  channels: z.array(z.enum(consentChannels)),
  text: z.string(),
  required: z.boolean(),
  textVersion: z.string().nullable().describe('The version consent events record for the current text'),
  doubleOptIn: z.boolean().describe('Whether consent is confirmed from an emailed link before it counts'),
});

/** A contact property a form field can fill. */
export const formPropertySchema = z
  .object({
    key: z.string(),
    label: z.string(),
    types: z.array(z.enum(formFieldTypes)).describe('The ways it may be shown; the first is the default'),
    options: z.array(z.object({ value: z.string(), label: z.string() })).nullable(),
  })
  .meta({ id: 'FormProperty' });

/** A form as the API shows it. */
export const formSchema = z
  .object({
    id: uuid(),
    publicId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'archived']),
    fields: z.array(fieldView),
    consent: consentView,
    submitButtonLabel: z.string(),
    thankYouMessage: z.string().nullable(),
    redirectUrl: z.string().nullable(),
    allowedOrigins: z.array(z.string()),
    lifecycleStage: z.enum(lifecycleStages).nullable(),
    ownerId: uuid().nullable(),
    tags: z.array(z.string()),
    viewCount: z.number().int(),
    submissionCount: z.number().int(),
    lastSubmissionAt: z.iso.datetime().nullable(),
    urls: z.object({
      hostedPage: z.string().describe('A standalone page with the form'),
      embedScript: z.string().describe('The script that renders the form into <div data-rapport-form="publicId">'),
      submit: z.string().describe('Where the form posts (JSON or application/x-www-form-urlencoded)'),
      definition: z.string(),
    }),
    embedCode: z.object({
      script: z.string().describe('Paste into a page: a <div> the script fills with the form'),
      html: z.string().describe('A plain HTML <form> that posts without JavaScript'),
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Form' });

export const formListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
    status: z.enum(['active', 'archived']).optional(),
  })
  .strict();

/** One submission as the API shows it. */
export const formSubmissionSchema = z
  .object({
    id: uuid(),
    formId: uuid(),
    contactId: uuid(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactCreated: z.boolean().describe('True when this submission created the contact'),
    activityId: uuid().nullable(),
    values: z.array(z.object({ key: z.string(), label: z.string(), value: z.string() })),
    pageUrl: z.string().nullable(),
    referrer: z.string().nullable(),
    utm: z.record(z.string(), z.string()),
    consent: z.object({ channels: z.array(z.string()), textVersion: z.string() }).nullable(),
    confirmation: z
      .enum(['pending', 'confirmed', 'expired'])
      .nullable()
      .describe('Double opt-in: the state of the confirmation link this submission emailed, if it sent one'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'FormSubmission' });

/** The public definition the embed script renders. */
export const publicFormSchema = z
  .object({
    publicId: z.string(),
    name: z.string(),
    fields: z.array(fieldView),
    consent: z.object({ channels: z.array(z.enum(consentChannels)), text: z.string(), required: z.boolean() }).nullable(),
    submitButtonLabel: z.string(),
    thankYouMessage: z.string(),
    redirectUrl: z.string().nullable(),
    submitUrl: z.string(),
    honeypot: z.string().describe('The name of the hidden field people leave empty'),
  })
  .meta({ id: 'PublicForm' });

const scalar = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);

/** A submission as sent by the embed script (JSON); a plain HTML form posts the same names urlencoded. */
export const submissionBodySchema = z
  .object({
    values: z.record(z.string().max(120), z.union([scalar, z.array(z.string().max(1000)).max(100)])).default({}),
    consent: z.boolean().optional().describe('Whether the consent box was ticked'),
    pageUrl: z.string().max(2000).optional(),
    referrer: z.string().max(2000).optional(),
    utm: z
      .object({
        source: z.string().max(200),
        medium: z.string().max(200),
        campaign: z.string().max(200),
        term: z.string().max(200),
        content: z.string().max(200),
      })
      .partial()
      .strict()
      .optional(),
    website: z.string().max(2000).optional().describe('The honeypot: people never see it, so it stays empty'),
  })
  .strict();
export type SubmissionBody = z.infer<typeof submissionBodySchema>;

export const submissionAcceptedSchema = z
  .object({
    status: z.literal('received'),
    thankYouMessage: z.string(),
    redirectUrl: z.string().nullable(),
    confirmationRequired: z
      .boolean()
      .describe(
        'Double opt-in: consent was given, so it counts once confirmed from the emailed link (none is sent to people already subscribed)',
      ),
  })
  .meta({ id: 'FormSubmissionAccepted' });

/** The API form of the confirm button on the page an emailed double opt-in link opens. */
export const confirmationBodySchema = z
  .object({ token: z.string().min(20).max(200).describe('The token of the emailed link (the last part of its path)') })
  .strict();

export const confirmationResultSchema = z
  .object({
    status: z.literal('confirmed'),
    channels: z.array(z.enum(consentChannels)).describe('The consent channels now subscribed'),
    message: z.string(),
  })
  .meta({ id: 'FormConsentConfirmed' });
