import { useId } from 'react';
import { Input, Select, TextArea } from '../../ui/Field';
import { useMembers } from '../deals/deals.api';
import { customCurrency, customInputName, customInputValue } from './customFields';
import type { CustomField } from './records.api';

const inputTypes: Partial<Record<CustomField['type'], string>> = {
  url: 'url',
  email: 'email',
  phone: 'tel',
  date: 'date',
  datetime: 'datetime-local',
};

/** A multi-select's choices as a group of boxes, its error under them. */
function MultiSelect({ field, value, error }: { field: CustomField; value: unknown; error?: string }) {
  const id = useId();
  const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
  return (
    <fieldset className="field custom-multi" aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend className="field-label">{field.label}</legend>
      <div className="custom-multi-options">
        {field.options.map((o) => (
          <label key={o.value} className="custom-multi-option">
            <input type="checkbox" name={customInputName(field)} value={o.value} defaultChecked={chosen.has(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

/** One input for a custom field, typed by its definition, starting from the record's value. */
function CustomFieldInput({
  field,
  value,
  error,
  currency,
  members,
}: {
  field: CustomField;
  value: unknown;
  error?: string;
  currency: string;
  members: { value: string; label: string }[];
}) {
  const name = customInputName(field);
  const common = { label: field.label, name, error, hint: field.description ?? undefined, defaultValue: customInputValue(field, value) };
  switch (field.type) {
    case 'long_text':
      return <TextArea {...common} rows={3} />;
    case 'boolean':
      return (
        <Select
          {...common}
          options={[
            { value: '', label: '—' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
        />
      );
    case 'single_select':
      return <Select {...common} options={[{ value: '', label: '—' }, ...field.options]} />;
    case 'multi_select':
      return <MultiSelect field={field} value={value} error={error} />;
    case 'user':
      return <Select {...common} options={[{ value: '', label: 'Nobody' }, ...members]} />;
    case 'number':
      return <Input {...common} inputMode="decimal" autoComplete="off" />;
    case 'currency':
      return (
        <Input {...common} inputMode="decimal" autoComplete="off" hint={field.description ?? `In ${customCurrency(value, currency)}`} />
      );
    default:
      return <Input {...common} type={inputTypes[field.type] ?? 'text'} autoComplete="off" />;
  }
}

/**
 * The inputs of a record's custom fields, for a form read with `customChanges`; each shows the
 * error the API (or the form) gave for `custom.<key>`.
 */
export function CustomFieldInputs({
  fields,
  values,
  errors,
  currency,
}: {
  fields: readonly CustomField[];
  values: Record<string, unknown> | undefined;
  errors: Record<string, string>;
  currency: string;
}) {
  const members = useMembers();
  const people = [...(members.data?.values() ?? [])].map((m) => ({ value: m.userId, label: m.name }));
  if (fields.length === 0) return null;
  return (
    <>
      {fields.map((field) => (
        <CustomFieldInput
          // Remounted once the members load, so a user field's default finds its option.
          key={`${field.id}:${field.type === 'user' ? members.isSuccess : ''}`}
          field={field}
          value={values?.[field.key]}
          error={errors[customInputName(field)]}
          currency={currency}
          members={people}
        />
      ))}
    </>
  );
}
