import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { useToast } from '../../ui/Toast';
import './vcard.css';

type ImportReport = components['schemas']['VcardImportReport'];

/** Hands a text to the browser as a file download. */
function saveFile(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL; release it on the next turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name made of the contact's name, without characters file systems refuse. */
export function vcardFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|]+/g, ' ').trim();
  return `${safe || 'contact'}.vcf`;
}

/**
 * "Download vCard" on a contact's page. It goes through the API client (not a plain link) so the
 * request carries the chosen workspace, like every other request of the app.
 */
export function DownloadVcardButton({ contactId, name }: { contactId: string; name: string }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const text = await unwrap(api.GET('/api/v1/contacts/{id}/vcard', { params: { path: { id: contactId } }, parseAs: 'text' }));
      saveFile(text, vcardFileName(name), 'text/vcard');
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="sm" onClick={download} busy={busy} title="Download as a vCard (.vcf) for an address book">
      Download vCard
    </Button>
  );
}

const statusLabels: Record<ImportReport['results'][number]['status'], string> = {
  created: 'Created',
  updated: 'Updated',
  skipped: 'Skipped',
  error: 'Not imported',
};

/** The counts of an import in one sentence. */
export function reportSummary(r: ImportReport): string {
  const cards = `${r.cards} ${r.cards === 1 ? 'card' : 'cards'}`;
  return `${cards}: ${r.created} created, ${r.updated} updated, ${r.skipped} skipped, ${r.failed} not imported.`;
}

/** What happened to each card: its outcome, why, and the parts of it that were left out. */
function ImportReportView({ report }: { report: ImportReport }) {
  const noteworthy = report.results.filter((r) => r.status === 'skipped' || r.status === 'error' || r.skippedProperties.length > 0);
  return (
    <div className="vcard-report">
      <p className="vcard-report-summary" role="status">
        {reportSummary(report)}
      </p>
      {noteworthy.length === 0 ? (
        <p className="field-hint">Every card was imported whole.</p>
      ) : (
        <ul className="vcard-report-list" aria-label="Cards with something left out">
          {noteworthy.map((r) => (
            <li key={r.index} className="vcard-report-item">
              <div className="vcard-report-head">
                <span className="vcard-report-name">{r.name || `Card ${r.index + 1}`}</span>
                <span className="vcard-tag" data-status={r.status}>
                  {statusLabels[r.status]}
                </span>
              </div>
              {r.reason ? <p className="vcard-report-reason">{r.reason}</p> : null}
              {r.errors?.length ? (
                <ul className="vcard-report-skipped">
                  {r.errors.map((e) => (
                    <li key={`${e.field}:${e.message}`}>{e.message}</li>
                  ))}
                </ul>
              ) : null}
              {r.skippedProperties.length > 0 ? (
                <ul className="vcard-report-skipped">
                  {r.skippedProperties.map((s, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed once shown; the same property may repeat.
                    <li key={i}>
                      <code>{s.property}</code>
                      {s.value ? <span className="vcard-report-value"> “{s.value}”</span> : null} — {s.reason}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** An arrow into a tray: the toolbar icon of importing a file. */
const importIcon = (
  <svg
    className="nav-icon"
    viewBox="0 0 16 16"
    fill="none"
    stroke="currentColor"
    strokeWidth="1.5"
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    <path d="M8 2.5v7M5 6.5l3 3 3-3M2.5 10.5v2a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1v-2" />
  </svg>
);

/** The contacts list's "Import vCard" button; on a phone only its icon shows. */
export function ImportVcardButton({ onClick }: { onClick: () => void }) {
  return (
    <Button aria-label="Import vCard" onClick={onClick}>
      {importIcon} <span className="hide-narrow">Import vCard</span>
    </Button>
  );
}

/** "Import vCard": pick a .vcf file, send it, and show the report of what was created, updated and skipped. */
export function ImportVcardDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const inputId = useId();
  const hintId = useId();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const close = () => {
    setFailure(null);
    setReport(null);
    onClose();
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) {
      setFailure('Choose a .vcf file first');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      // The form itself goes as multipart/form-data (its `file` part, bytes as they are: the server
      // detects the vCard version and charset); the browser sets the boundary.
      const result = await unwrap(api.POST('/api/v1/contacts/vcard/import', { body: form as never }));
      setReport(result);
      await queryClient.invalidateQueries({ queryKey: ['contacts'] });
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title={report ? 'vCard import' : 'Import vCard'} onClose={close}>
      {report ? (
        <div className="form">
          <ImportReportView report={report} />
          <div className="form-actions">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          {failure ? (
            <p className="alert" role="alert">
              {failure}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor={inputId} className="field-label">
              vCard file
            </label>
            <input
              id={inputId}
              name="file"
              type="file"
              className="input vcard-file"
              accept=".vcf,.vcard,text/vcard,text/x-vcard"
              aria-describedby={hintId}
            />
            <p id={hintId} className="field-hint">
              vCard 2.1, 3.0 or 4.0, one card or many. A card with an email updates the contact that has it; others become new contacts.
            </p>
          </div>
          <div className="form-actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy}>
              Import
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
