import { Button } from '../../ui/Button';
import { type DraftField, fieldFor, fieldTypeLabels, moveField, unusedProperties } from './formDraft';
import type { FormProperty } from './forms.api';

/**
 * The form's fields in order: each with its label, how it is shown, whether it is required and
 * its placeholder; moved with buttons (keyboard-friendly), removed, or added from the contact
 * properties not on the form yet.
 */
export function FieldsEditor({
  fields,
  properties,
  errors,
  disabled,
  onChange,
}: {
  fields: DraftField[];
  properties: readonly FormProperty[];
  errors: Record<string, string>;
  disabled: boolean;
  onChange: (fields: DraftField[]) => void;
}) {
  const byKey = new Map(properties.map((p) => [p.key, p]));
  const unused = unusedProperties(properties, fields);
  const update = (i: number, patch: Partial<DraftField>) => onChange(fields.map((f, n) => (n === i ? { ...f, ...patch } : f)));
  const add = (key: string) => {
    const property = byKey.get(key);
    if (property) onChange([...fields, fieldFor(property)]);
  };
  return (
    <div className="form-fields">
      <ol className="form-field-list">
        {fields.map((f, i) => {
          const property = byKey.get(f.key);
          const types = property?.types ?? [f.type];
          const error = Object.entries(errors).find(([k]) => k.startsWith(`fields[${i}]`))?.[1];
          const isEmail = f.key === 'email';
          return (
            <li key={f.uid} className="form-field-row" aria-label={`Field ${i + 1}: ${f.label || f.key}`}>
              <div className="form-field-head">
                <span className="form-field-property" title={f.key}>
                  {property?.label ?? f.key}
                  <code>{f.key}</code>
                </span>
                <div className="form-field-move">
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={disabled || i === 0}
                    onClick={() => onChange(moveField(fields, i, -1))}
                    aria-label={`Move ${f.label} up`}
                  >
                    ↑
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={disabled || i === fields.length - 1}
                    onClick={() => onChange(moveField(fields, i, 1))}
                    aria-label={`Move ${f.label} down`}
                  >
                    ↓
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={disabled || isEmail}
                    title={isEmail ? 'Submissions find the contact by email, so it stays' : undefined}
                    onClick={() => onChange(fields.filter((_, n) => n !== i))}
                    aria-label={`Remove ${f.label}`}
                  >
                    Remove
                  </Button>
                </div>
              </div>
              <div className="form-field-grid">
                <label className="form-mini">
                  <span>Label</span>
                  <input className="input" value={f.label} disabled={disabled} onChange={(e) => update(i, { label: e.target.value })} />
                </label>
                <label className="form-mini">
                  <span>Placeholder</span>
                  <input
                    className="input"
                    value={f.placeholder}
                    disabled={disabled}
                    onChange={(e) => update(i, { placeholder: e.target.value })}
                  />
                </label>
                <label className="form-mini">
                  <span>Shown as</span>
                  <select
                    className="select"
                    value={f.type}
                    disabled={disabled || types.length < 2}
                    onChange={(e) => update(i, { type: e.target.value as DraftField['type'] })}
                  >
                    {types.map((t) => (
                      <option key={t} value={t}>
                        {fieldTypeLabels[t]}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="form-check form-field-required">
                  <input
                    type="checkbox"
                    checked={isEmail || f.required}
                    disabled={disabled || isEmail}
                    onChange={(e) => update(i, { required: e.target.checked })}
                  />
                  <span>Required</span>
                </label>
              </div>
              {error ? (
                <p className="field-error" role="alert">
                  {error}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {errors.fields ? (
        <p className="field-error" role="alert">
          {errors.fields}
        </p>
      ) : null}
      {unused.length > 0 && !disabled ? (
        <label className="form-mini form-add-field">
          <span>Add a field</span>
          <select
            className="select"
            value=""
            onChange={(e) => {
              add(e.target.value);
              e.target.value = '';
            }}
          >
            <option value="">Choose a contact property…</option>
            {unused.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
                {p.key.startsWith('custom.') ? ' (custom)' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}
