import type { Form, FormFieldType, FormProperty } from './forms.api';

/** A field being edited; `uid` keeps React rows stable while fields move. */
export type DraftField = { uid: string; key: string; label: string; type: FormFieldType; required: boolean; placeholder: string };

/** Everything the builder edits, as the inputs hold it (lists as text, empty strings for "none"). */
export type FormDraft = {
  name: string;
  status: Form['status'];
  fields: DraftField[];
  consentEnabled: boolean;
  consentChannels: ('email' | 'sms')[];
  consentText: string;
  consentRequired: boolean;
  consentDoubleOptIn: boolean;
  submitButtonLabel: string;
  afterSubmit: 'message' | 'redirect';
  thankYouMessage: string;
  redirectUrl: string;
  allowedOrigins: string;
  lifecycleStage: string;
  ownerId: string;
  tags: string;
};

let counter = 0;
const uid = () => {
  counter += 1;
  return `f${counter}`;
};

/** How each field type reads in the builder. */
export const fieldTypeLabels: Record<FormFieldType, string> = {
  text: 'Short text',
  textarea: 'Long text',
  email: 'Email',
  tel: 'Phone',
  number: 'Number',
  date: 'Date',
  url: 'Web address',
  select: 'Dropdown',
  radio: 'Radio buttons',
  checkbox: 'Checkbox',
  checkboxes: 'Checkboxes',
};

/** The draft of a saved form. */
export function draftOf(form: Form): FormDraft {
  return {
    name: form.name,
    status: form.status,
    fields: form.fields.map((f) => ({
      uid: uid(),
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required,
      placeholder: f.placeholder ?? '',
    })),
    consentEnabled: form.consent.enabled,
    consentChannels: form.consent.channels,
    consentText: form.consent.text,
    consentRequired: form.consent.required,
    consentDoubleOptIn: form.consent.doubleOptIn,
    submitButtonLabel: form.submitButtonLabel,
    afterSubmit: form.redirectUrl ? 'redirect' : 'message',
    thankYouMessage: form.thankYouMessage ?? '',
    redirectUrl: form.redirectUrl ?? '',
    allowedOrigins: form.allowedOrigins.join('\n'),
    lifecycleStage: form.lifecycleStage ?? '',
    ownerId: form.ownerId ?? '',
    tags: form.tags.join(', '),
  };
}

const lines = (text: string, split: RegExp) =>
  text
    .split(split)
    .map((s) => s.trim())
    .filter(Boolean);

/** The PATCH body a draft saves as. */
export function bodyOf(d: FormDraft) {
  return {
    name: d.name.trim(),
    status: d.status,
    fields: d.fields.map((f) => ({
      key: f.key,
      label: f.label.trim(),
      type: f.type,
      required: f.required,
      placeholder: f.placeholder.trim() || null,
    })),
    consent: {
      enabled: d.consentEnabled,
      channels: d.consentChannels,
      text: d.consentText.trim(),
      required: d.consentRequired,
      // Double opt-in confirms the consent box: with the box switched off there is nothing to confirm.
      doubleOptIn: d.consentEnabled && d.consentDoubleOptIn,
    },
    submitButtonLabel: d.submitButtonLabel.trim(),
    thankYouMessage: d.thankYouMessage.trim() || null,
    redirectUrl: d.afterSubmit === 'redirect' ? d.redirectUrl.trim() || null : null,
    allowedOrigins: lines(d.allowedOrigins, /[\n,]/),
    lifecycleStage: (d.lifecycleStage || null) as Form['lifecycleStage'],
    ownerId: d.ownerId || null,
    tags: lines(d.tags, /,/),
  };
}

/** A new field filling `property`, shown the default way. */
export function fieldFor(property: FormProperty): DraftField {
  return { uid: uid(), key: property.key, label: property.label, type: property.types[0] ?? 'text', required: false, placeholder: '' };
}

/** Moves the field at `from` one place up (-1) or down (+1); out of range changes nothing. */
export function moveField(fields: DraftField[], from: number, by: -1 | 1): DraftField[] {
  const to = from + by;
  if (to < 0 || to >= fields.length) return fields;
  const next = [...fields];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/** The properties not yet on the form, which "Add field" offers. */
export function unusedProperties(properties: readonly FormProperty[], fields: readonly DraftField[]): FormProperty[] {
  const used = new Set(fields.map((f) => f.key));
  return properties.filter((p) => !used.has(p.key));
}

/** Submissions per view as a whole percentage, or null before the first view. */
export function conversionRate(views: number, submissions: number): number | null {
  if (views === 0) return null;
  return Math.min(100, Math.round((submissions / views) * 100));
}
