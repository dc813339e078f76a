import type { KeyboardEvent } from 'react';

/** The kinds of input a field's value is edited with. */
export type EditorKind =
  | 'text'
  | 'email'
  | 'phone'
  | 'url'
  | 'number'
  | 'money'
  | 'date'
  | 'datetime'
  | 'select'
  | 'multi'
  | 'tags'
  | 'checkbox';

/** A value being edited: text for most kinds, the chosen values of a multi-select, a checkbox's state. */
export type EditValue = string | string[] | boolean;

/** One choice of a select. */
export type Option = { value: string; label: string };

const inputTypes: Partial<Record<EditorKind, string>> = {
  email: 'email',
  phone: 'tel',
  url: 'url',
  number: 'number',
  money: 'text',
  date: 'date',
  datetime: 'datetime-local',
};

type ValueInputProps = {
  kind: EditorKind;
  value: EditValue;
  onChange: (value: EditValue) => void;
  /** The accessible name of the input (or of the group of a multi-select's boxes). */
  label: string;
  options?: readonly Option[];
  invalid?: boolean;
  describedBy?: string;
  className?: string;
  onKeyDown?: (event: KeyboardEvent<HTMLElement>) => void;
};

/**
 * One input for a value of any kind: text-like fields get a typed input, selects a select
 * (with an empty choice to clear), multi-selects a group of checkboxes, yes/no a checkbox.
 * Shared by in-cell editing and the bulk edit form, so both read values the same way.
 */
export function ValueInput({ kind, value, onChange, label, options = [], invalid, describedBy, className, onKeyDown }: ValueInputProps) {
  const common = {
    'aria-label': label,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy,
    onKeyDown,
  };
  if (kind === 'checkbox') {
    return (
      <input type="checkbox" className={className} checked={value === true} onChange={(e) => onChange(e.target.checked)} {...common} />
    );
  }
  if (kind === 'select') {
    return (
      <select
        className={['select', className].filter(Boolean).join(' ')}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
        {...common}
      >
        <option value="">—</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }
  if (kind === 'multi') {
    const chosen = Array.isArray(value) ? value : [];
    return (
      <fieldset
        className={['value-options', className].filter(Boolean).join(' ')}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onKeyDown={onKeyDown}
      >
        <legend className="visually-hidden">{label}</legend>
        {options.map((o) => (
          <label key={o.value} className="value-option">
            <input
              type="checkbox"
              checked={chosen.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <input
      className={['input', className].filter(Boolean).join(' ')}
      type={inputTypes[kind] ?? 'text'}
      inputMode={kind === 'money' ? 'decimal' : undefined}
      placeholder={kind === 'tags' ? 'Comma-separated' : undefined}
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => onChange(e.target.value)}
      {...common}
    />
  );
}
