import { useId, useRef } from 'react';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/Toast';

/** A secret or link shown in a read-only box with a button that copies it; the box selects itself on focus. */
export function CopyField({ label, value, copyLabel = 'Copy' }: { label: string; value: string; copyLabel?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const toast = useToast();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast('Copied to the clipboard');
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): leave it selected for Ctrl+C.
      input.current?.select();
      toast('Copying was refused by the browser; the text is selected, press Ctrl+C', 'error');
    }
  };
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="copy-field">
        <input
          ref={input}
          id={id}
          className="input copy-field-input"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button onClick={copy}>{copyLabel}</Button>
      </div>
    </div>
  );
}
