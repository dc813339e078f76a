import { Link, Route, Routes, useParams } from 'react-router';
import { ErrorState, Loading } from '../../ui/States';
import { TopBar } from '../shell/AppShell';
import { DraftImport } from './DraftImport';
import { ImportHistory } from './ImportHistory';
import { ImportRun } from './ImportRun';
import { useImport } from './imports.api';
import { NewImport } from './NewImport';
import './imports.css';

/** One import: its draft steps (mapping, preview) or, once started, its progress and outcome. */
export function ImportView({ id }: { id: string }) {
  const imp = useImport(id);
  if (imp.isPending) return <Loading label="Loading the import…" />;
  if (imp.isError) return <ErrorState error={imp.error} onRetry={() => imp.refetch()} />;
  return imp.data.status === 'draft' ? <DraftImport imp={imp.data} /> : <ImportRun imp={imp.data} />;
}

/** The page of one import, named after its file. */
function ImportPage() {
  const { id = '' } = useParams();
  const imp = useImport(id);
  const title = (
    <>
      <Link to="/imports" className="topbar-crumb">
        Imports
      </Link>{' '}
      <span className="topbar-view">/ {imp.data?.fileName ?? '…'}</span>
    </>
  );
  return (
    <>
      <TopBar title={title} />
      <div className="content">
        <ImportView id={id} />
      </div>
    </>
  );
}

/** CSV imports: the history at /imports, a new upload at /imports/new, one import at /imports/:id. */
export function ImportsScreen() {
  return (
    <Routes>
      <Route index element={<ImportHistory />} />
      <Route path="new" element={<NewImport />} />
      <Route path=":id" element={<ImportPage />} />
    </Routes>
  );
}
