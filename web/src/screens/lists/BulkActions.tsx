import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Select } from '../../ui/Field';
import type { FilterGroups } from '../../ui/FilterBuilder';
import { canSelectMatching, noSelection, type Selection, selectedCount } from '../../ui/selection';
import { useToast } from '../../ui/Toast';
import { type EditValue, ValueInput } from '../../ui/ValueInput';
import type { ListColumn, ListObjectType, ListRecord, MemberOption } from './fields';
import { recordKey } from './lists.api';
import {
  type BulkJob,
  type BulkOutcome,
  batchUpdate,
  idFilterGroups,
  MAX_EXPLICIT_IDS,
  matchingFilterGroups,
  startBulkJob,
  waitForBulkJob,
} from './records.api';

type Patch = Record<string, unknown>;
type Running = { verb: string; job: BulkJob | null };

/** How many records and of what: "1 contact", "1,204 contacts". */
export function countOf(n: number, noun: [string, string]): string {
  return `${n.toLocaleString()} ${n === 1 ? noun[0] : noun[1]}`;
}

/** What a finished bulk job did, as a batch reports it. */
function jobOutcome(job: BulkJob): BulkOutcome {
  return { done: job.processed - job.failed, failed: job.failed, firstError: job.error };
}

/**
 * The bar over a list with rows selected: how many, "select all N matching", and what can be
 * done to them at once (edit a field, assign an owner, delete). Picked rows are written through
 * the batch endpoints; "all matching" runs as a bulk job on the list's filter, whose progress
 * shows here until it is done. The list is refreshed afterwards.
 */
export function BulkActions<T extends ListRecord>({
  objectType,
  noun,
  selection,
  total,
  loadedKeys,
  applied,
  fields,
  members,
  onSelectionChange,
}: {
  objectType: ListObjectType;
  noun: [string, string];
  selection: Selection;
  total: number;
  loadedKeys: readonly string[];
  applied: FilterGroups;
  /** The fields bulk edit offers. */
  fields: readonly ListColumn<T>[];
  members: readonly MemberOption[];
  onSelectionChange: (selection: Selection) => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<'edit' | 'owner' | 'delete' | null>(null);
  const [running, setRunning] = useState<Running | null>(null);

  const count = selectedCount(selection, total);
  if (count === 0 && !running) return null;
  const what = countOf(count, noun);

  const finish = (outcome: BulkOutcome | null, done: string) => {
    if (!outcome) return;
    void queryClient.invalidateQueries({ queryKey: [recordKey[objectType]] });
    onSelectionChange(noSelection);
    if (outcome.failed === 0) toast(done);
    else toast(`${done}; ${countOf(outcome.failed, noun)} could not be${outcome.firstError ? `: ${outcome.firstError}` : ''}`, 'error');
  };

  const runJob = async (verb: string, operation: 'update' | 'delete', groups: FilterGroups, patch?: Patch) => {
    setRunning({ verb, job: null });
    const job = await startBulkJob(objectType, operation, groups, patch);
    // Followed to the end even if the list goes away meanwhile, so its outcome is always told.
    const final = await waitForBulkJob(job, (j) => setRunning({ verb, job: j }));
    if (final?.status === 'failed') throw new Error(final.error ?? 'The bulk job failed');
    return final ? jobOutcome(final) : null;
  };

  const update = async (patch: Patch, done: (n: number) => string) => {
    setDialog(null);
    setRunning({ verb: 'Updating', job: null });
    try {
      const outcome =
        selection.kind === 'rows'
          ? await batchUpdate(objectType, [...selection.keys], patch)
          : await runJob('Updating', 'update', matchingFilterGroups(applied), patch);
      finish(outcome, done(outcome?.done ?? 0));
    } catch (err) {
      toast(`The update failed: ${errorMessage(err)}`, 'error');
    } finally {
      setRunning(null);
    }
  };

  const remove = async () => {
    setDialog(null);
    try {
      const groups = selection.kind === 'rows' ? idFilterGroups([...selection.keys]) : matchingFilterGroups(applied);
      const outcome = await runJob('Deleting', 'delete', groups);
      finish(outcome, `${countOf(outcome?.done ?? 0, noun)} moved to the trash`);
    } catch (err) {
      toast(`The delete failed: ${errorMessage(err)}`, 'error');
    } finally {
      setRunning(null);
    }
  };

  const tooMany = selection.kind === 'rows' && selection.keys.size > MAX_EXPLICIT_IDS;
  const progress = running?.job;

  return (
    <>
      <section className="bulk-bar" aria-label="Selected records">
        {running ? (
          <div className="bulk-progress" role="status">
            <span>
              {running.verb} {what}
              {progress?.total ? ` · ${progress.processed.toLocaleString()} of ${progress.total.toLocaleString()}` : '…'}
            </span>
            <progress max={1} value={progress?.progress ?? undefined} aria-label={`${running.verb} progress`} />
          </div>
        ) : (
          <>
            <span className="bulk-count" aria-live="polite">
              {selection.kind === 'matching' ? `All ${what} selected` : `${what} selected`}
            </span>
            {canSelectMatching(selection, loadedKeys, total) ? (
              <Button size="sm" variant="ghost" className="bulk-matching" onClick={() => onSelectionChange({ kind: 'matching' })}>
                Select all {countOf(total, noun)} matching
              </Button>
            ) : null}
            <span className="bulk-actions">
              <Button size="sm" onClick={() => setDialog('edit')} disabled={tooMany || fields.length === 0}>
                Edit field
              </Button>
              <Button size="sm" onClick={() => setDialog('owner')} disabled={tooMany}>
                Assign owner
              </Button>
              <Button size="sm" variant="danger" onClick={() => setDialog('delete')} disabled={tooMany}>
                Delete
              </Button>
              <Button size="sm" variant="ghost" aria-label="Clear selection" onClick={() => onSelectionChange(noSelection)}>
                ✕
              </Button>
            </span>
          </>
        )}
      </section>
      <BulkEditDialog
        open={dialog === 'edit'}
        what={what}
        fields={fields}
        onClose={() => setDialog(null)}
        onApply={(field, patch) => void update(patch, (n) => `${field} set on ${countOf(n, noun)}`)}
      />
      <AssignOwnerDialog
        open={dialog === 'owner'}
        what={what}
        members={members}
        onClose={() => setDialog(null)}
        onApply={(ownerId, name) => void update({ ownerId }, (n) => `${countOf(n, noun)} assigned to ${name}`)}
      />
      <Dialog open={dialog === 'delete'} title={`Delete ${what}?`} onClose={() => setDialog(null)}>
        <div className="form">
          <p>
            {selection.kind === 'matching' ? `Every one of the ${what} matching this list` : `The ${what} selected`} will move to the trash,
            where they can be restored for 30 days.
          </p>
          <div className="form-actions">
            <Button onClick={() => setDialog(null)}>Cancel</Button>
            <Button variant="danger" onClick={() => void remove()}>
              Delete {what}
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}

/** Chooses a field and the value every selected record gets. */
function BulkEditDialog<T extends ListRecord>({
  open,
  what,
  fields,
  onClose,
  onApply,
}: {
  open: boolean;
  what: string;
  fields: readonly ListColumn<T>[];
  onClose: () => void;
  onApply: (fieldName: string, patch: Patch) => void;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState<EditValue>('');
  const field = fields.find((f) => f.key === key) ?? fields[0];
  const edit = field?.edit;
  useEffect(() => {
    if (!open) return;
    setKey(fields[0]?.key ?? '');
    setValue(fields[0]?.edit?.kind === 'checkbox' ? false : fields[0]?.edit?.kind === 'multi' ? [] : '');
  }, [open, fields]);

  const choose = (next: string) => {
    const kind = fields.find((f) => f.key === next)?.edit?.kind;
    setKey(next);
    setValue(kind === 'checkbox' ? false : kind === 'multi' ? [] : '');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (field && edit) onApply(field.header, edit.patch(value));
  };

  return (
    <Dialog open={open} title={`Edit ${what}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Select
          label="Field"
          value={field?.key ?? ''}
          onChange={(e) => choose(e.target.value)}
          options={fields.map((f) => ({ value: f.key, label: f.header }))}
        />
        {field && edit ? (
          <div className="field">
            <span className="field-label" aria-hidden="true">
              New value
            </span>
            <ValueInput kind={edit.kind} value={value} onChange={setValue} label={`New ${field.header}`} options={edit.options?.()} />
            <span className="field-hint">Leave it empty to clear the field.</span>
          </div>
        ) : null}
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary">
            Apply to {what}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Chooses the member who will own every selected record (or nobody). */
function AssignOwnerDialog({
  open,
  what,
  members,
  onClose,
  onApply,
}: {
  open: boolean;
  what: string;
  members: readonly MemberOption[];
  onClose: () => void;
  onApply: (ownerId: string | null, name: string) => void;
}) {
  const [ownerId, setOwnerId] = useState('');
  useEffect(() => {
    if (open) setOwnerId(members[0]?.userId ?? '');
  }, [open, members]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(ownerId || null, members.find((m) => m.userId === ownerId)?.name ?? 'nobody');
  };
  return (
    <Dialog open={open} title={`Assign ${what}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Select
          label="Owner"
          value={ownerId}
          onChange={(e) => setOwnerId(e.target.value)}
          options={[...members.map((m) => ({ value: m.userId, label: m.name })), { value: '', label: 'No owner' }]}
        />
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary">
            Assign
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
