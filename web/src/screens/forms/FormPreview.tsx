import { useId } from 'react';
import type { FormDraft } from './formDraft';
import type { FormProperty } from './forms.api';

/** The form as visitors will see it, redrawn on every change in the builder (it sends nothing). */
export function FormPreview({ draft, properties }: { draft: FormDraft; properties: readonly FormProperty[] }) {
  const prefix = useId();
  const byKey = new Map(properties.map((p) => [p.key, p]));
  return (
    <form className="form-preview rapport-form" aria-label="Preview" onSubmit={(e) => e.preventDefault()}>
      <p className="form-preview-title">{draft.name || 'Untitled form'}</p>
      {draft.fields.map((f, i) => {
        const id = `${prefix}-${i}`;
        const options = byKey.get(f.key)?.options ?? [];
        const required = f.required || f.key === 'email';
        const label = (
          <>
            {f.label || f.key}
            {required ? <span className="rf-required"> *</span> : null}
          </>
        );
        if (f.type === 'checkbox') {
          return (
            <div key={f.uid} className="rf-field rf-check">
              <input type="checkbox" id={id} />
              <label htmlFor={id}>{label}</label>
            </div>
          );
        }
        if (f.type === 'radio' || f.type === 'checkboxes') {
          return (
            <fieldset key={f.uid} className="rf-field">
              <legend>{label}</legend>
              {options.map((o) => (
                <label key={o.value} className="rf-choice">
                  <input type={f.type === 'radio' ? 'radio' : 'checkbox'} name={id} /> {o.label}
                </label>
              ))}
            </fieldset>
          );
        }
        return (
          <div key={f.uid} className="rf-field">
            <label htmlFor={id}>{label}</label>
            {f.type === 'select' ? (
              <select id={id} className="select" defaultValue="">
                <option value="">{f.placeholder || 'Choose…'}</option>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : f.type === 'textarea' ? (
              <textarea id={id} className="textarea" rows={3} placeholder={f.placeholder} />
            ) : (
              <input id={id} className="input" type={f.type === 'text' ? 'text' : f.type} placeholder={f.placeholder} />
            )}
          </div>
        );
      })}
      {draft.consentEnabled ? (
        <div className="rf-field rf-check">
          <input type="checkbox" id={`${prefix}-consent`} />
          <label htmlFor={`${prefix}-consent`}>
            {draft.consentText || 'Your consent text'}
            {draft.consentRequired ? <span className="rf-required"> *</span> : null}
          </label>
        </div>
      ) : null}
      <button type="submit" className="btn btn-primary rf-submit">
        {draft.submitButtonLabel || 'Submit'}
      </button>
    </form>
  );
}
