import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { Loading } from '../../ui/States';
import { downloadFile, fileNameOf } from '../lists/csv';
import { ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { useCan } from './settings.api';
import './data.css';

type RestoreReport = components['schemas']['WorkspaceRestoreReport'];

/** Whether the workspace holds any records: a backup is restored only into an empty one. */
function useHasRecords() {
  return useQuery({
    queryKey: ['workspace', 'has-records'],
    queryFn: async () => {
      const query = { limit: 1, fields: 'id' };
      const [contacts, companies, deals] = await Promise.all([
        unwrap(api.GET('/api/v1/contacts', { params: { query } })),
        unwrap(api.GET('/api/v1/companies', { params: { query } })),
        unwrap(api.GET('/api/v1/deals', { params: { query } })),
      ]);
      return contacts.data.length + companies.data.length + deals.data.length > 0;
    },
  });
}

const tableLabels: Record<string, string> = {
  custom_fields: 'Custom fields',
  pipelines: 'Pipelines',
  pipeline_stages: 'Stages',
  companies: 'Companies',
  contacts: 'Contacts',
  contact_companies: 'Contact–company links',
  consent_events: 'Consent history',
  deals: 'Deals',
  deal_contacts: 'Deal contacts',
  deal_stage_history: 'Stage history',
  activities: 'Activities',
  activity_links: 'Activity links',
  tasks: 'Tasks',
  timeline_entries: 'Timeline entries',
  saved_views: 'Saved views',
  forms: 'Forms',
  form_consent_texts: 'Consent texts',
  form_submissions: 'Form submissions',
  webhook_subscriptions: 'Webhooks',
  record_changes: 'Audit log entries',
};

function BackupDownload() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setFailure(null);
    try {
      let disposition: string | null = null;
      const blob = await unwrap(
        api.GET('/api/v1/workspace/export', { parseAs: 'blob' }).then((answer) => {
          disposition = answer.response.headers.get('content-disposition');
          return answer;
        }),
      );
      downloadFile(fileNameOf(disposition, 'rapport-backup.zip'), blob as Blob);
    } catch (err) {
      setFailure(`The backup failed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SettingsPanel title="Download a backup">
      <div className="panel-body">
        <p className="data-text">One zip with everything in this workspace, to keep or to take elsewhere:</p>
        <ul className="data-list">
          <li>
            <strong>A CSV per record type</strong> (contacts, companies, deals, activities, tasks) for spreadsheets, every column with its
            label.
          </li>
          <li>
            <strong>JSON Lines files</strong> with every field of every record, the trash included: custom fields and their values, company
            links, deal stage history, consent history, activity links, the timeline, pipelines, saved views and tags, forms and their
            submissions, webhooks and the audit log.
          </li>
          <li>
            <strong>manifest.json</strong>: the format version, when it was taken, and how many rows each file holds.
          </li>
        </ul>
        <p className="data-text data-muted">
          Not included: members and their passwords, API keys, webhook signing secrets and calendar feed links. Credentials stay on this
          server; README.txt in the zip says what was left out and why.
        </p>
        {failure ? (
          <p className="alert" role="alert">
            {failure}
          </p>
        ) : null}
        <div className="data-actions">
          <Button variant="primary" busy={busy} onClick={() => void download()}>
            {busy ? 'Preparing backup…' : 'Download backup'}
          </Button>
        </div>
      </div>
    </SettingsPanel>
  );
}

function RestoreResult({ report }: { report: RestoreReport }) {
  return (
    <div className="data-result" role="status">
      <p className="data-text">
        <strong>Restored “{report.source.name}”</strong> (backup of {new Date(report.source.exportedAt).toLocaleString()}).
      </p>
      <dl className="data-counts">
        {Object.entries(report.restored)
          .filter(([, n]) => n > 0)
          .map(([table, n]) => (
            <div key={table}>
              <dt>{tableLabels[table] ?? table}</dt>
              <dd>{n.toLocaleString()}</dd>
            </div>
          ))}
      </dl>
      {report.users.missing.length > 0 ? (
        <p className="data-text">
          Not members here, so their records now have no owner: {report.users.missing.map((u) => u.email).join(', ')}. Invite them and
          reassign their records if needed.
        </p>
      ) : null}
      {report.viewsReassigned > 0 ? (
        <p className="data-text">
          {report.viewsReassigned === 1 ? 'One saved view of theirs is' : `${report.viewsReassigned} saved views of theirs are`} now yours.
        </p>
      ) : null}
      {report.webhooksDisabled > 0 ? (
        <p className="data-text">
          {report.webhooksDisabled === 1 ? 'One webhook is' : `${report.webhooksDisabled} webhooks are`} off: a backup has no signing
          secrets. In Settings → Webhooks, rotate each secret, give it to the receiver, then turn the webhook on.
        </p>
      ) : null}
      {report.formsWithNewPublicId.length > 0 ? (
        <p className="data-text">
          Another form on this server already had the public address of {report.formsWithNewPublicId.map((f) => `“${f.name}”`).join(', ')},
          so it has a new one: copy its embed code again.
        </p>
      ) : null}
    </div>
  );
}

function BackupRestore() {
  const queryClient = useQueryClient();
  const hasRecords = useHasRecords();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [report, setReport] = useState<RestoreReport | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setFailure('Choose a backup file first.');
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const result = await unwrap(
        api.POST('/api/v1/workspace/import', {
          body: file as never,
          bodySerializer: (body: unknown) => body as Blob,
          headers: { 'content-type': 'application/zip' },
        }),
      );
      setReport(result);
      await queryClient.invalidateQueries();
    } catch (err) {
      setFailure(`The restore failed: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SettingsPanel title="Restore a backup">
      <div className="panel-body">
        {report ? (
          <RestoreResult report={report} />
        ) : hasRecords.isPending ? (
          <Loading label="Checking the workspace…" />
        ) : hasRecords.data ? (
          <ReadOnlyNote>
            A backup is restored into an empty workspace, and this one already has records. Create a new workspace to restore into.
          </ReadOnlyNote>
        ) : (
          <form className="form" onSubmit={(e) => void submit(e)} aria-label="Restore a backup">
            <p className="data-text">
              Fills this empty workspace from a Rapport backup zip. Records keep their ids; people are matched to members by email. Nothing
              is written unless the whole backup can be restored.
            </p>
            {failure ? (
              <p className="alert" role="alert">
                {failure}
              </p>
            ) : null}
            <div className="field">
              <label className="field-label" htmlFor={inputId}>
                Backup file (.zip)
              </label>
              <input
                id={inputId}
                className="data-file"
                type="file"
                accept=".zip,application/zip"
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              />
            </div>
            <div className="data-actions">
              <Button type="submit" variant="primary" busy={busy} disabled={!file}>
                {busy ? 'Restoring…' : 'Restore backup'}
              </Button>
            </div>
          </form>
        )}
      </div>
    </SettingsPanel>
  );
}

/** Settings → Data: download a full backup of the workspace, and restore one into an empty workspace (owners and admins). */
export function DataPanel() {
  const can = useCan();
  return (
    <SettingsSection title="Data" description="Take everything out of this workspace as a backup, or bring a backup back in.">
      {can('workspace.export') ? (
        <>
          <BackupDownload />
          {can('workspace.import') ? <BackupRestore /> : null}
        </>
      ) : (
        <ReadOnlyNote>Owners and admins can download a backup of the workspace and restore one.</ReadOnlyNote>
      )}
    </SettingsSection>
  );
}
