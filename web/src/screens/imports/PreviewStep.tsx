import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../ui/Button';
import { ErrorState, Loading } from '../../ui/States';
import { lifecycleLabel } from '../contacts/format';
import { CountTiles, ErrorKinds, ImportSteps, StepHeader } from './ImportParts';
import { dryRunImport, importKeys, problemText, startImport } from './imports.api';
import {
  cellText,
  type DryRun,
  type DryRunRow,
  type Import,
  type ImportField,
  objectNoun,
  plural,
  previewFields,
  previewValue,
  rawValue,
} from './imports.model';

const actionLabels: Record<DryRunRow['action'], string> = {
  create: 'Create',
  update: 'Update',
  unchanged: 'Unchanged',
  error: 'Error',
};

const actionTones: Record<DryRunRow['action'], 'ok' | 'accent' | 'danger' | undefined> = {
  create: 'ok',
  update: 'accent',
  unchanged: undefined,
  error: 'danger',
};

/** The first rows as they will be stored, with each error at the cell it is about. */
function PreviewTable({ imp, fields, rows }: { imp: Import; fields: ImportField[]; rows: DryRunRow[] }) {
  const keys = new Set(fields.map((f) => f.key));
  // Errors about no one column (a row with no name at all) get a column of their own.
  const rowErrors = (r: DryRunRow) => r.errors.filter((e) => !keys.has(e.field));
  const hasRowErrors = rows.some((r) => rowErrors(r).length > 0);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a wide table scrolls sideways; keyboard users scroll it once focused
    <section className="preview-scroll" aria-label="Preview of the first rows" tabIndex={0}>
      <table className="preview-table">
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Action</th>
            {fields.map((f) => (
              <th key={f.key} scope="col">
                {f.label}
              </th>
            ))}
            {hasRowErrors ? <th scope="col">Problems</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row} data-action={r.action}>
              <td className="preview-row-number">{r.row}</td>
              <td>
                <span className="import-tag" data-tone={actionTones[r.action]}>
                  {actionLabels[r.action]}
                </span>
              </td>
              {fields.map((f) => {
                const errors = r.errors.filter((e) => e.field === f.key);
                const value = previewValue(r.values, f.key);
                const text =
                  value === undefined
                    ? rawValue(imp, r.row, f.key)
                    : f.key === 'lifecycle_stage'
                      ? lifecycleLabel(String(value))
                      : cellText(value);
                return (
                  <td key={f.key} data-error={errors.length > 0 || undefined}>
                    {text ? <span className="preview-value">{text}</span> : <span className="preview-empty">—</span>}
                    {errors.map((e) => (
                      <span key={e.code + e.message} className="preview-cell-error">
                        {e.message}
                      </span>
                    ))}
                  </td>
                );
              })}
              {hasRowErrors ? (
                <td data-error={rowErrors(r).length > 0 || undefined}>
                  {rowErrors(r).map((e) => (
                    <span key={e.code + e.message} className="preview-cell-error">
                      {e.message}
                    </span>
                  ))}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The counts of a dry run, and what the rows with errors will do. */
function DryRunSummary({ imp, dry }: { imp: Import; dry: DryRun }) {
  const { counts } = dry;
  return (
    <>
      <CountTiles
        label="What the import will do"
        tiles={[
          { label: 'Rows checked', value: counts.rows.toLocaleString('en-US') },
          { label: 'Will be created', value: counts.create.toLocaleString('en-US'), tone: 'ok' },
          { label: 'Will be updated', value: counts.update.toLocaleString('en-US'), tone: 'accent' },
          { label: 'Unchanged', value: counts.unchanged.toLocaleString('en-US') },
          { label: 'With errors', value: counts.error.toLocaleString('en-US'), tone: counts.error > 0 ? 'danger' : undefined },
        ]}
      />
      {counts.error > 0 ? (
        <p className="alert import-warning" role="status">
          {counts.error === 1
            ? '1 row will not be imported. Fix it in the file and import the file again, or go ahead: afterwards the error report lists it with its original columns.'
            : `${plural(counts.error, 'row')} will not be imported. Fix them in the file and import the file again, or go ahead: afterwards the error report lists them with their original columns.`}
        </p>
      ) : (
        <p className="alert alert-success" role="status">
          Every checked row can be imported as {objectNoun(imp.object)}.
        </p>
      )}
      <ErrorKinds byKind={dry.errorsByKind} />
    </>
  );
}

/** Step three: a dry run of the mapping on the file, then the start. */
export function PreviewStep({ imp, onBack }: { imp: Import; onBack: () => void }) {
  const queryClient = useQueryClient();
  const dry = useQuery({
    // A changed mapping is a new version, and a new dry run.
    queryKey: ['imports', 'dry-run', imp.id, imp.version],
    queryFn: () => dryRunImport(imp.id),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const start = async () => {
    setStarting(true);
    setFailure(null);
    try {
      const started = await startImport(imp.id);
      queryClient.setQueryData(importKeys.one(imp.id), started);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    } catch (err) {
      setFailure(problemText(err));
      setStarting(false);
    }
  };
  const fields = previewFields(imp);
  return (
    <div className="import-page">
      <ImportSteps current="Preview" />
      <StepHeader title="Preview the import">
        Nothing has been written yet. These are the first rows of {imp.fileName} as they will be stored.
      </StepHeader>
      {dry.isPending ? (
        <Loading label="Checking the rows…" />
      ) : dry.isError ? (
        <ErrorState error={dry.error} onRetry={() => dry.refetch()} />
      ) : (
        <>
          <DryRunSummary imp={imp} dry={dry.data} />
          <section className="panel preview-panel" aria-labelledby="preview-heading">
            <div className="map-head">
              <h3 id="preview-heading" className="import-subtitle">
                First rows
              </h3>
              <span className="count">
                {plural(dry.data.rows.length, 'row')} of {dry.data.counts.rows.toLocaleString('en-US')}
              </span>
            </div>
            <PreviewTable imp={imp} fields={fields} rows={dry.data.rows} />
          </section>
        </>
      )}
      {failure ? (
        <p className="alert" role="alert">
          {failure}
        </p>
      ) : null}
      <footer className="import-footer">
        <span className="import-footer-note">Every record it creates or changes can be reverted afterwards in one step.</span>
        <div className="import-footer-actions">
          <Button onClick={onBack}>Back to mapping</Button>
          <Button variant="primary" busy={starting} disabled={!dry.isSuccess} onClick={() => void start()}>
            Start import
          </Button>
        </div>
      </footer>
    </div>
  );
}
