import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';

type ToastKind = 'info' | 'error';
/** A place the toast offers to go, e.g. the record an action ended on. */
type ToastLink = { label: string; to: string };
type ToastItem = { id: number; kind: ToastKind; message: string; link?: ToastLink | undefined };
type ShowToast = (message: string, kind?: ToastKind, link?: ToastLink) => void;

const ToastContext = createContext<ShowToast>(() => {});

/** Holds the toasts shown at the bottom corner; each disappears after a few seconds. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback<ShowToast>(
    (message, kind = 'info', link) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, kind, message, link }]);
      // A toast with a link stays long enough to be reached by keyboard.
      setTimeout(() => dismiss(id), kind === 'error' || link ? 8000 : 4000);
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={t.kind === 'error' ? 'toast toast-error' : 'toast'} role={t.kind === 'error' ? 'alert' : 'status'}>
            <span>{t.message}</span>
            {t.link ? (
              <Link className="toast-link" to={t.link.to} onClick={() => dismiss(t.id)}>
                {t.link.label}
              </Link>
            ) : null}
            <button type="button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ✕
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/**
 * Shows a short message: `toast('Contact created')`, `toast('Could not save', 'error')`,
 * `toast('Merged', 'info', { label: 'Open Ada', to: '/contacts/…' })`.
 */
export function useToast(): ShowToast {
  return useContext(ToastContext);
}
