import { useId } from 'react';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { optionValue } from './options';

/** An option being edited: existing ones keep their stored value, so records that use it keep it. */
export type OptionDraft = { key: number; value: string | null; label: string };

let nextKey = 1;

/** Drafts for a field's current options. */
export function draftsOf(options: readonly { value: string; label: string }[]): OptionDraft[] {
  return options.map((o) => ({ key: nextKey++, value: o.value, label: o.label }));
}

/** A new, empty option draft. */
export function newDraft(): OptionDraft {
  return { key: nextKey++, value: null, label: '' };
}

/** The options to send: blank rows dropped, new ones given a value from their label, unique within the field. */
export function optionsToSave(drafts: readonly OptionDraft[]): { value: string; label: string }[] {
  const kept = drafts.filter((d) => d.label.trim() !== '');
  const used = new Set(kept.flatMap((d) => (d.value ? [d.value] : [])));
  return kept.map((d) => {
    if (d.value) return { value: d.value, label: d.label.trim() };
    const base = optionValue(d.label);
    let value = base;
    for (let n = 2; used.has(value); n++) value = `${base}_${n}`;
    used.add(value);
    return { value, label: d.label.trim() };
  });
}

/** The options of a select field: a row per option with its label, remove buttons, and "Add option". */
export function OptionsEditor({
  drafts,
  onChange,
  error,
}: {
  drafts: OptionDraft[];
  onChange: (drafts: OptionDraft[]) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const set = (key: number, label: string) => onChange(drafts.map((d) => (d.key === key ? { ...d, label } : d)));
  return (
    <fieldset className="settings-options" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field-label">Options</legend>
      {drafts.map((d, i) => (
        <div key={d.key} className="settings-option">
          <input
            className="input"
            aria-label={`Option ${i + 1}`}
            value={d.label}
            placeholder="Option label"
            onChange={(event) => set(d.key, event.target.value)}
          />
          <Button
            size="icon"
            variant="ghost"
            aria-label={`Remove option ${d.label || i + 1}`}
            onClick={() => onChange(drafts.filter((x) => x.key !== d.key))}
          >
            ✕
          </Button>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => onChange([...drafts, newDraft()])}>
          {icons.plus} Add option
        </Button>
      </div>
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
