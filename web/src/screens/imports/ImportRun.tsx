import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/Toast';
import { formatRelative } from '../contacts/format';
import { useMembers } from '../deals/deals.api';
import { downloadFile } from '../lists/csv';
import { ConfirmDialog } from '../settings/SettingsSection';
import { CountTiles, ErrorKinds, ImportSteps, StatusTag, StepHeader } from './ImportParts';
import { cancelImport, importErrorsCsv, importKeys, problemText, refreshRecords, revertImport, useCanManageImports } from './imports.api';
import {
  canRevert,
  countOf,
  formatEta,
  formatRate,
  type Import,
  type ImportStatus,
  importObjects,
  isLive,
  objectNoun,
  personName,
  plural,
  progressPercent,
} from './imports.model';

const titles: Record<ImportStatus, string> = {
  draft: 'Draft',
  queued: 'Waiting to start…',
  running: 'Importing…',
  completed: 'Import completed',
  failed: 'Import failed',
  cancelled: 'Import cancelled',
  reverting: 'Reverting the import…',
  reverted: 'Import reverted',
};

/** The bar of rows done, with its rate and time left while running. */
function ProgressBar({ imp }: { imp: Import }) {
  const p = imp.progress;
  const pct = progressPercent(p);
  const done = p.rowsTotal === null ? plural(p.rowsDone, 'row') : `${p.rowsDone.toLocaleString('en-US')} of ${plural(p.rowsTotal, 'row')}`;
  const running = imp.status === 'running';
  return (
    <div className="import-progress">
      <div
        className="import-bar"
        role="progressbar"
        aria-label="Rows processed"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={done}
        data-indeterminate={pct === null || undefined}
        data-tone={imp.status === 'failed' ? 'danger' : imp.status === 'completed' ? 'ok' : undefined}
      >
        <span className="import-bar-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      <p className="import-progress-text">
        <span>{done}</span>
        {running ? (
          <>
            <span>{formatRate(p.rowsPerSecond)}</span>
            <span>{formatEta(p.etaSeconds)}</span>
          </>
        ) : pct !== null ? (
          <span>{pct}%</span>
        ) : null}
      </p>
    </div>
  );
}

/** What happened after the run, in a sentence. */
function outcome(imp: Import): string {
  const p = imp.progress;
  const noun = objectNoun(imp.object);
  switch (imp.status) {
    case 'completed':
      return `${countOf(imp.object, p.created)} created and ${p.updated.toLocaleString('en-US')} updated from ${imp.fileName}.`;
    case 'failed':
      return `${imp.error ?? 'The import stopped on an error.'} The rows written before it stay until you revert them.`;
    case 'cancelled':
      return 'The import was stopped. The rows written before it stay until you revert them.';
    case 'reverted':
      return `The ${noun} it created were moved to the trash, and the fields it changed were restored.`;
    case 'reverting':
      return `Taking back the ${noun} this import created and changed.`;
    default:
      return `${imp.fileName} into ${noun}. You can leave this page: the import carries on.`;
  }
}

/** Step four: the live progress of a started import, then its outcome, error report and revert. */
export function ImportRun({ imp }: { imp: Import }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const members = useMembers();
  const [confirm, setConfirm] = useState<'cancel' | 'revert' | null>(null);
  const [downloading, setDownloading] = useState(false);
  const { manage } = useCanManageImports();
  const live = isLive(imp.status);
  const p = imp.progress;

  // Once the run (or the revert) ends, the lists of records and the history show what it did.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) {
      void refreshRecords(queryClient, imp.object);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    }
    wasLive.current = live;
  }, [live, imp.object, queryClient]);

  const act = async (action: (id: string) => Promise<Import>) => {
    try {
      queryClient.setQueryData(importKeys.one(imp.id), await action(imp.id));
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    } catch (err) {
      throw new Error(problemText(err));
    }
  };
  const download = async () => {
    setDownloading(true);
    try {
      downloadFile(`${imp.fileName.replace(/\.[^.]+$/, '')}-errors.csv`, await importErrorsCsv(imp.id));
    } catch (err) {
      toast(problemText(err), 'error');
    } finally {
      setDownloading(false);
    }
  };

  const who = personName(imp.createdBy, members.data);
  const when = imp.startedAt ?? imp.createdAt;
  return (
    <div className="import-page">
      <ImportSteps current="Import" />
      <StepHeader title={titles[imp.status]} actions={<StatusTag status={imp.status} />}>
        {outcome(imp)}
      </StepHeader>
      <section className="panel import-run" aria-label="Progress" aria-busy={live}>
        <ProgressBar imp={imp} />
        <CountTiles
          label="Rows so far"
          tiles={[
            { label: 'Created', value: p.created.toLocaleString('en-US'), tone: 'ok' },
            { label: 'Updated', value: p.updated.toLocaleString('en-US'), tone: 'accent' },
            { label: 'Unchanged', value: p.unchanged.toLocaleString('en-US') },
            { label: 'Failed', value: p.failed.toLocaleString('en-US'), tone: p.failed > 0 ? 'danger' : undefined },
          ]}
        />
        <ErrorKinds byKind={imp.errorsByKind} />
        <p className="import-meta">
          {importObjects.find((o) => o.value === imp.object)?.label} · {imp.fileName}
          {who ? ` · by ${who}` : ''} · started {formatRelative(when)}
          {imp.finishedAt ? ` · finished ${formatRelative(imp.finishedAt)}` : ''}
        </p>
      </section>
      <footer className="import-footer">
        <Link to="/imports" className="import-footer-link">
          All imports
        </Link>
        <div className="import-footer-actions">
          {manage && live && imp.status !== 'reverting' ? (
            <Button variant="danger" onClick={() => setConfirm('cancel')}>
              Cancel import
            </Button>
          ) : null}
          {!live && p.failed > 0 ? (
            <Button busy={downloading} onClick={() => void download()}>
              Download error report
            </Button>
          ) : null}
          {manage && canRevert(imp.status) && p.created + p.updated > 0 ? (
            <Button variant="danger" onClick={() => setConfirm('revert')}>
              Revert import
            </Button>
          ) : null}
          {!live ? (
            <Link className="btn btn-primary" to={`/${imp.object === 'activities' ? 'contacts' : imp.object}`}>
              {imp.object === 'activities' ? 'Open contacts' : `Open ${objectNoun(imp.object)}`}
            </Link>
          ) : null}
        </div>
      </footer>
      <ConfirmDialog
        // An import that ends while the question is open has nothing left to cancel.
        open={confirm === 'cancel' && live}
        title="Cancel this import?"
        confirmLabel="Cancel import"
        onClose={() => setConfirm(null)}
        onConfirm={() => act(cancelImport)}
      >
        <p>The import stops after the rows it is writing now. What it wrote stays until you revert it.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'revert'}
        title="Revert this import?"
        confirmLabel="Revert import"
        onClose={() => setConfirm(null)}
        onConfirm={() => act(revertImport)}
      >
        <p>
          The {countOf(imp.object, p.created)} it created go to the trash, and the fields it changed on {plural(p.updated, 'record')} are
          set back. Changes made since by hand to those fields are overwritten.
        </p>
      </ConfirmDialog>
    </div>
  );
}
