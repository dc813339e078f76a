import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import type { ListObjectType } from './fields';
import { createView, deleteView, type SavedView, updateView, type ViewContent } from './lists.api';

type Visibility = ViewContent['visibility'];
type SaveInput = { name: string; visibility: Visibility; asNew: boolean };

/**
 * Saves the list as it is (filters, sort, columns) as a view: a new one, or over the open view.
 * Filter errors go back to the list (`onFailed`) to show beside the filters.
 */
export function SaveViewDialog({
  open,
  view,
  objectType,
  content,
  onClose,
  onSaved,
  onFailed,
}: {
  open: boolean;
  view: SavedView | null;
  objectType: ListObjectType;
  content: (visibility: Visibility) => ViewContent;
  onClose: () => void;
  onSaved: (id: string) => void;
  onFailed: (err: unknown) => void;
}) {
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  useEffect(() => {
    if (!open) return;
    setName(view?.name ?? '');
    setVisibility(view?.visibility ?? 'private');
  }, [open, view]);

  const save = useCallback(
    async ({ name, visibility, asNew }: SaveInput) => {
      try {
        const saved =
          view && !asNew ? await updateView(view.id, name, content(visibility)) : await createView(objectType, name, content(visibility));
        onSaved(saved.id);
      } catch (err) {
        onFailed(err);
        throw err;
      }
    },
    [view, objectType, content, onSaved, onFailed],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const filterProblem = Object.keys(errors).some((k) => k.startsWith('filterGroups'));
  // Sort and column errors have no input of their own in this dialog; they are listed above it.
  const otherProblems = Object.entries(errors)
    .filter(([k]) => k !== 'name' && k !== 'visibility' && !k.startsWith('filterGroups'))
    .map(([, m]) => m);
  const submit = (event: FormEvent, asNew = false) => {
    event.preventDefault();
    void run({ name: name.trim(), visibility, asNew });
  };

  return (
    <Dialog open={open} title={view ? 'Save view' : 'Save as view'} onClose={onClose}>
      <form className="form" onSubmit={(e) => submit(e)}>
        {message || filterProblem || otherProblems.length > 0 ? (
          <div className="alert" role="alert">
            {filterProblem ? 'Some filters are not valid; each says why in the filter panel. ' : null}
            {message ?? otherProblems.join('; ')}
          </div>
        ) : null}
        <Input label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} required maxLength={100} />
        <fieldset className="view-visibility">
          <legend className="field-label">Who sees it</legend>
          <label className="filter-option">
            <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} />
            Only me
          </label>
          <label className="filter-option">
            <input type="radio" name="visibility" checked={visibility === 'workspace'} onChange={() => setVisibility('workspace')} />
            Everyone in the workspace
          </label>
          {errors.visibility ? <span className="field-error">{errors.visibility}</span> : null}
        </fieldset>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          {view ? (
            <Button onClick={(e) => submit(e, true)} busy={busy}>
              Save as new
            </Button>
          ) : null}
          <Button type="submit" variant="primary" busy={busy}>
            {view ? 'Save changes' : 'Save view'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Asks before deleting the open view; the records themselves stay. */
export function DeleteViewDialog({
  open,
  view,
  onClose,
  onDeleted,
}: {
  open: boolean;
  view: SavedView | null;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useCallback(async () => {
    if (!view) return;
    await deleteView(view.id);
    onDeleted();
  }, [view, onDeleted]);
  const { run, busy, message } = useFormAction(remove);
  return (
    <Dialog open={open} title="Delete view" onClose={onClose}>
      <div className="form">
        {message ? (
          <div className="alert" role="alert">
            {message}
          </div>
        ) : null}
        <p>
          Delete the view <strong>{view?.name}</strong>
          {view?.visibility === 'workspace' ? ' for everyone in the workspace' : ''}? The records in it stay as they are.
        </p>
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" busy={busy} onClick={() => void run(undefined)}>
            Delete view
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
