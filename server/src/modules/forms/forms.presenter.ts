import type { z } from 'zod';
import { type FormProperty, optionsOf } from './forms.fields.ts';
import { formHtml } from './forms.html.ts';
import type { FormRow, SubmissionRow } from './forms.repo.ts';
import type { formSchema, formSubmissionSchema, publicFormSchema } from './forms.schema.ts';

/** The name of the hidden field people leave empty and form-filling robots do not. */
export const HONEYPOT_FIELD = 'website';

/** What a form says after a submission when it has no message of its own. */
export const DEFAULT_THANK_YOU = 'Thank you! We have received your details.';

/** The public addresses of a form, under the server's public URL. */
export function formUrls(publicUrl: string, publicId: string) {
  const api = `${publicUrl}/api/v1/public/forms/${publicId}`;
  return { hostedPage: `${publicUrl}/f/${publicId}`, embedScript: `${api}/embed.js`, submit: `${api}/submissions`, definition: api };
}

/** A form's consent settings, with the defaults of settings added since it was saved. */
function consentOf(row: FormRow): Required<FormRow['consent']> {
  return { ...row.consent, doubleOptIn: row.consent.doubleOptIn ?? false };
}

function fieldsOf(row: FormRow, properties: Map<string, FormProperty>) {
  return row.fields.map((f) => ({ ...f, options: optionsOf(f, properties) }));
}

/** A form as its owners see it. */
export function formView(row: FormRow, properties: Map<string, FormProperty>, publicUrl: string): z.infer<typeof formSchema> {
  return {
    id: row.id,
    publicId: row.public_id,
    name: row.name,
    status: row.status,
    fields: fieldsOf(row, properties),
    consent: consentOf(row),
    submitButtonLabel: row.submit_label,
    thankYouMessage: row.thank_you_message,
    redirectUrl: row.redirect_url,
    allowedOrigins: row.allowed_origins,
    lifecycleStage: row.lifecycle_stage as z.infer<typeof formSchema>['lifecycleStage'],
    ownerId: row.owner_id,
    tags: row.tags,
    viewCount: row.view_count,
    submissionCount: row.submission_count,
    lastSubmissionAt: row.last_submission_at?.toISOString() ?? null,
    urls: formUrls(publicUrl, row.public_id),
    embedCode: {
      script: `<div data-rapport-form="${row.public_id}"></div>\n<script src="${formUrls(publicUrl, row.public_id).embedScript}" async></script>`,
      html: formHtml(publicFormView(row, properties, publicUrl)),
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The fields an audit diff compares. */
export function formAuditFields(row: FormRow): Record<string, unknown> {
  return {
    name: row.name,
    status: row.status,
    fields: row.fields,
    consent: consentOf(row),
    submitButtonLabel: row.submit_label,
    thankYouMessage: row.thank_you_message,
    redirectUrl: row.redirect_url,
    allowedOrigins: row.allowed_origins,
    lifecycleStage: row.lifecycle_stage,
    ownerId: row.owner_id,
    tags: row.tags,
  };
}

/** What anyone may read about a form: enough to render and submit it, nothing about the workspace. */
export function publicFormView(row: FormRow, properties: Map<string, FormProperty>, publicUrl: string): z.infer<typeof publicFormSchema> {
  return {
    publicId: row.public_id,
    name: row.name,
    fields: fieldsOf(row, properties),
    consent: row.consent.enabled ? { channels: row.consent.channels, text: row.consent.text, required: row.consent.required } : null,
    submitButtonLabel: row.submit_label,
    thankYouMessage: row.thank_you_message || DEFAULT_THANK_YOU,
    redirectUrl: row.redirect_url,
    submitUrl: formUrls(publicUrl, row.public_id).submit,
    honeypot: HONEYPOT_FIELD,
  };
}

/** A submission as the API shows it. */
export function submissionView(r: SubmissionRow): z.infer<typeof formSubmissionSchema> {
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ');
  return {
    id: r.id,
    formId: r.form_id,
    contactId: r.contact_id,
    contactName: name || null,
    contactEmail: r.email,
    contactCreated: r.contact_created,
    activityId: r.activity_id,
    values: r.values,
    pageUrl: r.page_url,
    referrer: r.referrer,
    utm: r.utm,
    consent: r.consent,
    confirmation: r.confirmation,
    createdAt: r.created_at.toISOString(),
  };
}
