import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select, TextArea } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { draftsOf, newDraft, type OptionDraft, OptionsEditor, optionsToSave } from './OptionsEditor';
import { fieldTypeLabels, hasOptions } from './options';
import { type CustomField, type FieldObject, refresh } from './settings.api';

const typeOptions = Object.entries(fieldTypeLabels).map(([value, label]) => ({ value, label }));
const objectNames: Record<FieldObject, string> = { contact: 'contacts', company: 'companies', deal: 'deals' };

type FieldForm = { label: string; key: string; type: CustomField['type']; description: string };

/** Defines a new custom field on an object, or edits one (label, options, description; the key and type stay). */
export function CustomFieldDialog({
  objectType,
  field,
  open,
  onClose,
}: {
  objectType: FieldObject;
  field?: CustomField | undefined;
  open: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [type, setType] = useState<CustomField['type']>(field?.type ?? 'text');
  const [drafts, setDrafts] = useState<OptionDraft[]>(() => (field ? draftsOf(field.options) : [newDraft(), newDraft()]));
  const save = useCallback(
    async (input: FieldForm) => {
      const options = hasOptions(input.type) ? optionsToSave(drafts) : undefined;
      if (field) {
        await unwrap(
          api.PATCH('/api/v1/custom-fields/{id}', {
            params: { path: { id: field.id } },
            body: { label: input.label, description: input.description || null, ...(options ? { options } : {}) },
          }),
        );
        toast(`Saved “${input.label}”`);
      } else {
        await unwrap(
          api.POST('/api/v1/custom-fields', {
            body: {
              objectType,
              label: input.label,
              type: input.type,
              ...(input.key ? { key: input.key } : {}),
              ...(input.description ? { description: input.description } : {}),
              ...(options ? { options } : {}),
            },
          }),
        );
        toast(`Added “${input.label}” to ${objectNames[objectType]}`);
      }
      await refresh(queryClient, 'customFields');
      onClose();
    },
    [drafts, field, objectType, onClose, queryClient, toast],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    void run({ label: text('label'), key: text('key'), type, description: text('description') });
  };
  const optionError = errors.options ?? Object.entries(errors).find(([k]) => k.startsWith('options['))?.[1];
  return (
    <Dialog open={open} title={field ? `Edit “${field.label}”` : `New ${objectType} field`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Label" name="label" defaultValue={field?.label} autoComplete="off" required error={errors.label} />
        {field ? (
          <p className="field-hint">
            API name <code>custom.{field.key}</code> · {fieldTypeLabels[field.type]}; these stay as they are.
          </p>
        ) : (
          <div className="form-row">
            <Select
              label="Type"
              name="type"
              options={typeOptions}
              value={type}
              onChange={(event) => setType(event.target.value as CustomField['type'])}
              error={errors.type}
            />
            <Input
              label="API name (optional)"
              name="key"
              autoComplete="off"
              hint="Made from the label when empty."
              pattern="[a-z][a-z0-9_]*"
              error={errors.key}
            />
          </div>
        )}
        {hasOptions(type) ? <OptionsEditor drafts={drafts} onChange={setDrafts} error={optionError} /> : null}
        <TextArea
          label="Description (optional)"
          name="description"
          defaultValue={field?.description ?? ''}
          rows={2}
          error={errors.description}
        />
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {field ? 'Save field' : 'Create field'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
