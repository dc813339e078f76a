import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../ui/Button';
import { Loading } from '../../ui/States';
import { TopBar } from '../shell/AppShell';
import { ImportSteps, StepHeader } from './ImportParts';
import { importKeys, problemText, uploadImport, useCanManageImports } from './imports.api';
import { type ImportObject, importObjects, parseImportObject, rememberSuggestion } from './imports.model';

/** A sheet with an arrow into it: the picture of the drop zone. */
const fileIcon = (
  <svg className="drop-zone-icon" viewBox="0 0 32 32" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
    <path d="M8 3.5h11l6 6v19H8z" strokeLinejoin="round" />
    <path d="M19 3.5v6h6M16.5 14v9M12.5 19l4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

/**
 * Where a file goes in: dropped on the zone, or chosen with the button (the zone itself is not a
 * control, so keyboard users reach the button).
 */
export function DropZone({ onFile, busy, fileName }: { onFile: (file: File) => void; busy: boolean; fileName: string | null }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !busy) onFile(file);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping is the pointer shortcut; the button inside is the control
    <div
      className="drop-zone"
      data-over={over || undefined}
      data-busy={busy || undefined}
      data-testid="drop-zone"
      onDragEnter={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragOver={(event) => event.preventDefault()}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={drop}
    >
      {fileIcon}
      {busy ? (
        <p className="drop-zone-title" role="status">
          Reading {fileName}…
        </p>
      ) : (
        <>
          <p className="drop-zone-title">{over ? 'Drop the file to upload it' : 'Drag a CSV file here'}</p>
          <p className="drop-zone-or">or</p>
          <Button variant="primary" onClick={() => input.current?.click()}>
            Choose a file
          </Button>
        </>
      )}
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="CSV file"
        accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
      <p className="drop-zone-hint">
        A CSV file with a header row. Commas, semicolons or tabs; UTF-8, UTF-16 or Windows encodings are detected. Exports from other CRMs
        are matched to Rapport's fields.
      </p>
    </div>
  );
}

/** The objects as cards to choose from. */
function ObjectChoice({ value, onChange }: { value: ImportObject; onChange: (object: ImportObject) => void }) {
  return (
    <fieldset className="import-objects">
      <legend className="import-subtitle">What does the file hold?</legend>
      {importObjects.map((o) => (
        <label key={o.value} className="import-object" data-checked={o.value === value || undefined}>
          <input type="radio" name="import-object" value={o.value} checked={o.value === value} onChange={() => onChange(o.value)} />
          <span className="import-object-text">
            <span className="import-object-label">{o.label}</span>
            <span className="import-object-hint">{o.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Step one: choose the object and hand over the file; it is read at once and the mapping opens. */
export function UploadStep() {
  const [params] = useSearchParams();
  const [object, setObject] = useState<ImportObject>(parseImportObject(params.get('object')) ?? 'contacts');
  const [uploading, setUploading] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const rights = useCanManageImports();

  const upload = async (file: File) => {
    setFailure(null);
    if (file.size === 0) {
      setFailure(`${file.name} is empty. Choose a CSV file with a header row and at least one row.`);
      return;
    }
    setUploading(file.name);
    try {
      const imp = await uploadImport(object, file);
      rememberSuggestion(imp);
      queryClient.setQueryData(importKeys.one(imp.id), imp);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
      navigate(`/imports/${imp.id}`);
    } catch (err) {
      setFailure(problemText(err));
      setUploading(null);
    }
  };

  return (
    <div className="import-page">
      <ImportSteps current="Upload" />
      <StepHeader title="Import a CSV file">
        Bring in records from a spreadsheet or another CRM. Nothing is written until you have checked the mapping and the preview.
      </StepHeader>
      {!rights.ready ? (
        <Loading />
      ) : rights.manage ? (
        <>
          <ObjectChoice value={object} onChange={setObject} />
          {failure ? (
            <p className="alert" role="alert">
              {failure}
            </p>
          ) : null}
          <DropZone onFile={(file) => void upload(file)} busy={uploading !== null} fileName={uploading} />
        </>
      ) : (
        <p className="import-readonly-note" role="note">
          Importing is for members who can add records. Ask an admin of this workspace to change your role.
        </p>
      )}
      <p className="import-footnote">
        Imported before? <Link to="/imports">See past imports</Link>: each can be reverted, and its failed rows downloaded.
      </p>
    </div>
  );
}

/** The page of a new import. */
export function NewImport() {
  return (
    <>
      <TopBar
        title={
          <>
            <Link to="/imports" className="topbar-crumb">
              Imports
            </Link>{' '}
            <span className="topbar-view">/ New</span>
          </>
        }
      />
      <div className="content">
        <UploadStep />
      </div>
    </>
  );
}
