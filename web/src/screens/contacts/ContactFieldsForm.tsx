import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { useMembers } from '../deals/deals.api';
import { invalidFields } from '../deals/requirements';
import { CustomFieldInputs } from '../records/CustomFieldInputs';
import { customChanges } from '../records/customFields';
import { addressChange, addressParts, tagList, textChange, typedText } from '../records/fieldChanges';
import { MoreFields } from '../records/MoreFields';
import type { CustomField } from '../records/records.api';
import type { Contact, ContactChanges } from './contacts.api';
import { lifecycleStages } from './format';

const textFields = ['firstName', 'lastName', 'email', 'phone', 'jobTitle', 'leadSource'] as const;

/** The values the form starts from: a contact's, or blanks for a new one. */
function initialValues(contact: Contact | undefined): Record<(typeof textFields)[number] | 'lifecycleStage', string> {
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    email: contact?.email ?? '',
    phone: contact?.phone ?? '',
    jobTitle: contact?.jobTitle ?? '',
    leadSource: contact?.leadSource ?? '',
    lifecycleStage: contact?.lifecycleStage ?? 'lead',
  };
}

/**
 * What the form changes: only the fields that differ from where they started, an emptied
 * field as null. A phone keeps the form it was typed in only when it changed, since the API
 * shows it as E.164.
 */
export function contactChanges(contact: Contact | undefined, form: FormData): ContactChanges {
  const before = initialValues(contact);
  const changes: Record<string, string | null> = {};
  for (const field of textFields) {
    const value = String(form.get(field) ?? '').trim();
    if (value !== before[field]) changes[field] = value === '' ? null : value;
  }
  const stage = String(form.get('lifecycleStage') ?? before.lifecycleStage);
  if (stage !== before.lifecycleStage || !contact) changes.lifecycleStage = stage;
  return changes as ContactChanges;
}

/**
 * What the contact page's full form changes: the fields of `contactChanges`, then owner, tags,
 * time zone, address, external id and the custom fields, each only when it changed. Custom
 * values that cannot be read are field errors before anything is sent.
 */
export function fullContactChanges(
  contact: Contact,
  form: FormData,
  customFields: readonly CustomField[],
  currency: string,
): ContactChanges {
  const changes: Record<string, unknown> = { ...contactChanges(contact, form) };
  const owner = typedText(form, 'ownerId') || null;
  if (owner !== (contact.ownerId ?? null)) changes.ownerId = owner;
  const tags = tagList(typedText(form, 'tags'));
  if (tags.join('\n') !== (contact.tags ?? []).join('\n')) changes.tags = tags;
  textChange(changes, form, 'timezone', contact.timezone);
  textChange(changes, form, 'externalId', contact.externalId);
  const address = addressChange(form, contact.address);
  if (address) changes.address = address;
  const custom = customChanges(customFields, contact.custom, form, currency);
  if (custom.errors.length > 0) throw invalidFields(custom.errors);
  if (custom.custom) changes.custom = custom.custom;
  return changes as ContactChanges;
}

/** The contact page's fields beyond the create dialog's: owner, tags, time zone, address, external id and custom fields. */
function MoreContactFields({
  contact,
  customFields,
  currency,
  errors,
}: {
  contact: Contact;
  customFields: readonly CustomField[];
  currency: string;
  errors: Record<string, string>;
}) {
  const members = useMembers();
  const owners = [...(members.data?.values() ?? [])].map((m) => ({ value: m.userId, label: m.name }));
  return (
    <>
      <Select
        // Remounted once the members load, so the current owner's option is there to be chosen.
        key={String(members.isSuccess)}
        label="Owner"
        name="ownerId"
        defaultValue={contact.ownerId ?? ''}
        options={[{ value: '', label: 'No owner' }, ...owners]}
        error={errors.ownerId}
      />
      <Input
        label="Tags"
        name="tags"
        autoComplete="off"
        defaultValue={(contact.tags ?? []).join(', ')}
        hint="Separated by commas"
        error={Object.entries(errors).find(([k]) => k === 'tags' || k.startsWith('tags['))?.[1]}
      />
      <CustomFieldInputs fields={customFields} values={contact.custom} errors={errors} currency={currency} />
      <MoreFields fields={['timezone', 'address', 'externalId']} errors={errors}>
        <Input
          label="Time zone"
          name="timezone"
          autoComplete="off"
          placeholder="Europe/London"
          defaultValue={contact.timezone ?? ''}
          error={errors.timezone}
        />
        <fieldset className="field-group">
          <legend className="field-label">Address</legend>
          {addressParts.map((part) => (
            <Input
              key={part.key}
              label={part.label}
              name={`address.${part.key}`}
              autoComplete="off"
              defaultValue={contact.address?.[part.key] ?? ''}
              error={errors[`address.${part.key}`]}
            />
          ))}
        </fieldset>
        <Input label="External ID" name="externalId" autoComplete="off" defaultValue={contact.externalId ?? ''} error={errors.externalId} />
      </MoreFields>
    </>
  );
}

/**
 * A contact's fields: the essentials when creating one, and with `full` (on the contact's page)
 * every standard and custom field. `onSave` gets only what changed; when it fails with a
 * validation problem each field's error shows under it.
 */
export function ContactFieldsForm({
  contact,
  onSave,
  onCancel,
  submitLabel = 'Save',
  full,
}: {
  contact?: Contact;
  onSave: (changes: ContactChanges) => Promise<void>;
  onCancel?: () => void;
  submitLabel?: string;
  full?: { customFields: readonly CustomField[]; currency: string };
}) {
  const save = useCallback(
    async (form: FormData) =>
      onSave(contact && full ? fullContactChanges(contact, form, full.customFields, full.currency) : contactChanges(contact, form)),
    [contact, full, onSave],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const values = initialValues(contact);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };

  return (
    // The key resets the inputs when the contact changes underneath (another tab, a reload after a conflict).
    <form key={contact ? `${contact.id}:${contact.updatedAt}` : 'new'} className="form" onSubmit={onSubmit} noValidate>
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <div className="form-row">
        <Input label="First name" name="firstName" autoComplete="off" defaultValue={values.firstName} error={errors.firstName} />
        <Input label="Last name" name="lastName" autoComplete="off" defaultValue={values.lastName} error={errors.lastName} />
      </div>
      <Input label="Email" name="email" type="email" autoComplete="off" defaultValue={values.email} error={errors.email} />
      <Input label="Phone" name="phone" type="tel" autoComplete="off" defaultValue={values.phone} error={errors.phone} />
      <Input label="Job title" name="jobTitle" autoComplete="off" defaultValue={values.jobTitle} error={errors.jobTitle} />
      <Select
        label="Lifecycle stage"
        name="lifecycleStage"
        defaultValue={values.lifecycleStage}
        options={lifecycleStages}
        error={errors.lifecycleStage}
      />
      <Input label="Lead source" name="leadSource" autoComplete="off" defaultValue={values.leadSource} error={errors.leadSource} />
      {contact && full ? (
        <MoreContactFields contact={contact} customFields={full.customFields} currency={full.currency} errors={errors} />
      ) : null}
      <div className="form-actions">
        {onCancel ? (
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
