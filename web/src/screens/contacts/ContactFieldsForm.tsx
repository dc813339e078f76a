import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
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
 * A contact's standard fields. `onSave` gets only what changed; when it fails with a
 * validation problem each field's error shows under it.
 */
export function ContactFieldsForm({
  contact,
  onSave,
  onCancel,
  submitLabel = 'Save',
}: {
  contact?: Contact;
  onSave: (changes: ContactChanges) => Promise<void>;
  onCancel?: () => void;
  submitLabel?: string;
}) {
  const save = useCallback((changes: ContactChanges) => onSave(changes), [onSave]);
  const { run, busy, errors, message } = useFormAction(save);
  const values = initialValues(contact);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(contactChanges(contact, new FormData(event.currentTarget)));
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
