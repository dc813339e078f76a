import type { ReactNode } from 'react';
import { type ImportStatus, sortedErrorKinds, statusLabels, statusTone } from './imports.model';

const stepNames = ['Upload', 'Map columns', 'Preview', 'Import'] as const;
export type ImportStep = (typeof stepNames)[number];

/** Where the person is in the four steps of an import. */
export function ImportSteps({ current }: { current: ImportStep }) {
  const at = stepNames.indexOf(current);
  return (
    <ol className="import-steps" aria-label="Import steps">
      {stepNames.map((name, i) => (
        <li
          key={name}
          className="import-step"
          data-state={i < at ? 'done' : i === at ? 'current' : 'todo'}
          aria-current={i === at ? 'step' : undefined}
        >
          <span className="import-step-number" aria-hidden="true">
            {i < at ? '✓' : i + 1}
          </span>
          <span className="import-step-name">{name}</span>
          {i < at ? <span className="visually-hidden"> (done)</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** An import's status as a coloured tag. */
export function StatusTag({ status }: { status: ImportStatus }) {
  return (
    <span className="import-tag" data-tone={statusTone(status)}>
      {statusLabels[status]}
    </span>
  );
}

/** A row of counters ("Created 120"), each with its tone. */
export function CountTiles({
  label,
  tiles,
}: {
  label: string;
  tiles: { label: string; value: ReactNode; tone?: 'ok' | 'danger' | 'accent' }[];
}) {
  return (
    <dl className="import-tiles" aria-label={label}>
      {tiles.map((t) => (
        <div key={t.label} className="import-tile" data-tone={t.tone}>
          <dt>{t.label}</dt>
          <dd>{t.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The errors found, counted by kind, most frequent first; nothing when there are none. */
export function ErrorKinds({ byKind, title = 'Errors by kind' }: { byKind: Record<string, number>; title?: string }) {
  const kinds = sortedErrorKinds(byKind);
  if (kinds.length === 0) return null;
  return (
    <section className="import-error-kinds" aria-label={title}>
      <h3 className="import-subtitle">{title}</h3>
      <ul>
        {kinds.map((k) => (
          <li key={k.kind}>
            <span>{k.label}</span>
            <span className="import-error-count">{k.count.toLocaleString('en-US')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A heading with a line under it saying what the step is for. */
export function StepHeader({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="import-header">
      <div>
        <h2 className="import-title">{title}</h2>
        {children ? <p className="import-description">{children}</p> : null}
      </div>
      {actions ? <div className="import-header-actions">{actions}</div> : null}
    </header>
  );
}
