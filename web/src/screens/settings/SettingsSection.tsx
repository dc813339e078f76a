import { type ReactNode, useId, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';

/** One settings page: its title, what it is for, its actions, and its panels. */
export function SettingsSection({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="settings-section" aria-labelledby={id}>
      <header className="settings-header">
        <div>
          <h2 id={id} className="settings-title">
            {title}
          </h2>
          <p className="settings-description">{description}</p>
        </div>
        {actions ? <div className="settings-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** A panel inside a settings page, with an optional heading. */
export function SettingsPanel({ title, children, className }: { title?: string; children: ReactNode; className?: string }) {
  return (
    <div className={['panel', 'settings-panel', className].filter(Boolean).join(' ')}>
      {title ? <h3 className="panel-title">{title}</h3> : null}
      {children}
    </div>
  );
}

/** Says why the controls of a page are missing for this person. */
export function ReadOnlyNote({ children }: { children: ReactNode }) {
  return (
    <p className="settings-readonly" role="note">
      {children}
    </p>
  );
}

/**
 * Asks before doing something that cannot be undone; runs `onConfirm` and shows its failure
 * (the API's refusal) inside the dialog instead of closing.
 */
export function ConfirmDialog({
  open,
  title,
  confirmLabel,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await onConfirm();
      close();
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title={title} onClose={close}>
      <div className="form">
        {failure ? (
          <p className="alert" role="alert">
            {failure}
          </p>
        ) : null}
        <div className="settings-confirm-text">{children}</div>
        <div className="form-actions">
          <Button onClick={close}>Cancel</Button>
          <Button variant="danger" busy={busy} onClick={confirm}>
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
