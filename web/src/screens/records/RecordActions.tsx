import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import type { ComposerControl } from './ActivityComposer';
import { entryIcons } from './entryIcons';

/** The merge screen's address for a record, where its duplicates are reviewed and merged. */
export function mergeHref(object: 'contacts' | 'companies', id: string): string {
  return `/duplicates?object=${object}&record=${encodeURIComponent(id)}`;
}

/**
 * The actions in a record page's header: log a call or add a note (opening that tab of the
 * composer and focusing it), create a task about the record, write an email (only when there is
 * an address to write to) and merge with a duplicate (contacts and companies). `children` adds
 * the record's own actions (a deal's won and lost).
 */
export function RecordActions({
  composer,
  onCreateTask,
  email,
  merge,
  children,
}: {
  composer: ComposerControl;
  onCreateTask: () => void;
  email?: string | null;
  merge?: string;
  children?: ReactNode;
}) {
  return (
    <div className="record-actions">
      <Button size="sm" onClick={() => composer.open('call')}>
        {entryIcons.call}
        Log a call
      </Button>
      <Button size="sm" onClick={() => composer.open('note')}>
        {entryIcons.note}
        Add a note
      </Button>
      <Button size="sm" onClick={onCreateTask}>
        {entryIcons.task}
        Create task
      </Button>
      {email ? (
        <a className="btn btn-sm" href={`mailto:${email}`} title={`Write to ${email}`}>
          {entryIcons.email}
          Email
        </a>
      ) : null}
      {merge ? (
        <Link className="btn btn-sm" to={merge}>
          Merge
        </Link>
      ) : null}
      {children}
    </div>
  );
}
