import { useQueries } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorState, Loading } from '../../ui/States';
import { formatDate } from '../contacts/format';
import { useCompanyNames, useMembers } from '../deals/deals.api';
import { useCustomFields } from '../lists/lists.api';
import { duplicateKeys, fetchRecord } from './duplicates.api';
import {
  type CustomField,
  compareFields,
  completeness,
  type DuplicateObject,
  type DuplicatePair,
  defaultChoice,
  defaultSurvivor,
  displayValue,
  type FieldRow,
  type MergeRecord,
  type MergeRequest,
  mergeableFields,
  mergeRequest,
  movedRecords,
  objectNoun,
  otherSide,
  type Side,
  type ValueLookups,
} from './merge';

const sides: Side[] = ['a', 'b'];

/** What the merge form shows and sends, once both records are loaded. */
export type MergeFormProps = {
  object: DuplicateObject;
  pair: DuplicatePair;
  records: Record<Side, MergeRecord>;
  customFields: CustomField[];
  lookups: ValueLookups;
  onSubmit: (body: MergeRequest) => Promise<void>;
  onCancel: () => void;
};

/** The record to keep: two cards, the suggested one marked. */
function SurvivorChoice({
  object,
  pair,
  survivor,
  suggested,
  onChange,
}: {
  object: DuplicateObject;
  pair: DuplicatePair;
  survivor: Side;
  suggested: Side;
  onChange: (side: Side) => void;
}) {
  return (
    <fieldset className="merge-survivor">
      <legend className="merge-section-title">Keep which {objectNoun[object]}?</legend>
      <div className="merge-survivor-options">
        {sides.map((side) => {
          const r = pair[side];
          const moved = movedRecords(r.related);
          return (
            <label key={side} className="merge-survivor-option" data-checked={survivor === side}>
              <input type="radio" name="survivor" value={side} checked={survivor === side} onChange={() => onChange(side)} />
              <span className="merge-survivor-text">
                <span className="merge-survivor-name">
                  {r.name || 'Unnamed'} {suggested === side ? <span className="merge-tag">Suggested</span> : null}
                </span>
                <span className="muted">
                  Added {formatDate(r.createdAt)}
                  {moved.length > 0 ? ` · ${moved.join(', ')}` : ''}
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

/** One differing field: its label, and a radio per side naming that side's value. */
function FieldChoice({
  row,
  chosen,
  names,
  format,
  onChoose,
}: {
  row: FieldRow;
  chosen: Side;
  names: Record<Side, string>;
  format: (side: Side) => string;
  onChoose: (side: Side) => void;
}) {
  return (
    <fieldset className="merge-row">
      <legend className="merge-label">{row.label}</legend>
      {sides.map((side) => {
        const text = format(side);
        return (
          <label key={side} className="merge-option" data-side={side} data-checked={chosen === side}>
            <input type="radio" name={`field-${row.key}`} value={side} checked={chosen === side} onChange={() => onChoose(side)} />
            <span className="merge-value">
              {text ? text : <span className="muted">Empty</span>}
              <span className="merge-option-source"> from {names[side]}</span>
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

/**
 * The merge choices for a loaded pair: which record stays, and per differing field which
 * value it keeps (identical fields are listed once, folded); then what moves, and confirm.
 */
export function MergeForm({ object, pair, records, customFields, lookups, onSubmit, onCancel }: MergeFormProps) {
  const fields = useMemo(() => mergeableFields(object, customFields), [object, customFields]);
  const { differing, identical } = useMemo(() => compareFields(fields, records.a, records.b), [fields, records]);
  const suggested = useMemo(
    () =>
      defaultSurvivor(
        { createdAt: pair.a.createdAt, completeness: completeness(records.a, fields, pair.a.related) },
        { createdAt: pair.b.createdAt, completeness: completeness(records.b, fields, pair.b.related) },
      ),
    [pair, records, fields],
  );
  const [survivor, setSurvivor] = useState<Side>(suggested);
  const [picks, setPicks] = useState<Partial<Record<string, Side>>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const names = { a: pair.a.name || 'Unnamed', b: pair.b.name || 'Unnamed' };
  const merged = otherSide(survivor);
  const moved = movedRecords(pair[merged].related);
  const format = (row: FieldRow) => (side: Side) => displayValue(row, row[side], { record: records[side], customFields, lookups });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onSubmit(mergeRequest({ ids: { a: pair.a.id, b: pair.b.id }, survivor, rows: differing, picks }));
    } catch (err) {
      setProblem(err instanceof ApiError ? err.problem.detail || err.problem.title : errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="merge-form" onSubmit={submit} aria-busy={busy || undefined}>
      <SurvivorChoice object={object} pair={pair} survivor={survivor} suggested={suggested} onChange={setSurvivor} />

      <fieldset className="merge-fields">
        <legend className="merge-section-title">{differing.length > 0 ? 'Choose the values to keep' : 'Every field matches'}</legend>
        {differing.length > 0 ? (
          <>
            <div className="merge-head" aria-hidden="true">
              <span />
              {sides.map((side) => (
                <span key={side} className="merge-head-name">
                  {names[side]} <span className="merge-tag">{side === survivor ? 'Kept' : 'Merged in'}</span>
                </span>
              ))}
            </div>
            {differing.map((row) => (
              <FieldChoice
                key={row.key}
                row={row}
                chosen={picks[row.key] ?? defaultChoice(row, survivor)}
                names={names}
                format={format(row)}
                onChoose={(side) => setPicks((all) => ({ ...all, [row.key]: side }))}
              />
            ))}
          </>
        ) : (
          <p className="muted merge-note">Nothing to choose: the merge keeps these values and combines the rest.</p>
        )}
      </fieldset>

      {identical.length > 0 ? (
        <details className="merge-identical">
          <summary>
            {identical.length} identical {identical.length === 1 ? 'field' : 'fields'}
          </summary>
          <dl>
            {identical.map((row) => (
              <div key={row.key} className="merge-identical-row">
                <dt>{row.label}</dt>
                <dd>{format(row)('a')}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}

      <section className="merge-summary" aria-label="What the merge does">
        <ul>
          <li>
            {moved.length > 0
              ? `${moved.join(', ')} move from ${names[merged]} to ${names[survivor]}.`
              : `Nothing else is linked to ${names[merged]}.`}
          </li>
          {object === 'contacts' ? <li>Emails, phones, tags and companies of both are kept.</li> : null}
          <li>
            {names[merged]}’s page and links will lead to {names[survivor]}.
          </li>
        </ul>
      </section>

      {problem ? (
        <p className="alert" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="merge-actions">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="primary" type="submit" busy={busy}>
          Merge into {names[survivor]}
        </Button>
      </div>
    </form>
  );
}

type LoadedRecord = { data?: MergeRecord; error: unknown; refetch: () => unknown };

/** Loads both records, the custom fields and the names ids stand for, then shows the form. */
function MergeLoader({
  object,
  pair,
  onSubmit,
  onClose,
  onStale,
}: {
  object: DuplicateObject;
  pair: DuplicatePair;
  onSubmit: (body: MergeRequest) => Promise<void>;
  onClose: () => void;
  onStale: () => void;
}) {
  const [a, b] = useQueries({
    queries: sides.map((side) => ({
      queryKey: duplicateKeys.record(object, pair[side].id),
      queryFn: () => fetchRecord(object, pair[side].id),
    })),
  }) as [LoadedRecord, LoadedRecord];
  const customFields = useCustomFields(object === 'contacts' ? 'contact' : 'company');
  const members = useMembers();
  const parents = [a.data?.parentCompanyId, b.data?.parentCompanyId].filter((id): id is string => typeof id === 'string');
  const companyNames = useCompanyNames(parents);

  const failed = [a, b, customFields, members].find((q) => q.error);
  if (failed) return <ErrorState error={failed.error} onRetry={() => failed.refetch()} />;
  if (!a.data || !b.data || !customFields.data || !members.data) return <Loading label="Loading both records…" />;
  // A merged id answers with its survivor: the pair was retired since the list was loaded.
  if (a.data.id !== pair.a.id || b.data.id !== pair.b.id) {
    return (
      <div className="state" role="alert">
        <p className="state-title">This pair was already merged</p>
        <p>One of these records now leads to the other. The list will refresh.</p>
        <Button onClick={onStale}>Refresh the list</Button>
      </div>
    );
  }
  const memberMap = members.data;
  const lookups: ValueLookups = {
    memberName: (id) => memberMap.get(id)?.name,
    companyName: (id) => companyNames.data?.get(id),
  };
  return (
    <MergeForm
      object={object}
      pair={pair}
      records={{ a: a.data, b: b.data }}
      customFields={customFields.data}
      lookups={lookups}
      onSubmit={onSubmit}
      onCancel={onClose}
    />
  );
}

/** The merge dialog of a candidate pair; closed when `pair` is null. */
export function MergeDialog({
  object,
  pair,
  onClose,
  onSubmit,
  onStale,
}: {
  object: DuplicateObject;
  pair: DuplicatePair | null;
  onClose: () => void;
  onSubmit: (body: MergeRequest) => Promise<void>;
  onStale: () => void;
}) {
  return (
    <Dialog open={pair !== null} title={`Merge ${object}`} onClose={onClose}>
      {pair ? (
        <MergeLoader
          key={`${pair.a.id}:${pair.b.id}`}
          object={object}
          pair={pair}
          onSubmit={onSubmit}
          onClose={onClose}
          onStale={onStale}
        />
      ) : null}
    </Dialog>
  );
}
