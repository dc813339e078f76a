import { useSearchParams } from 'react-router';
import { useCanManageImports } from './imports.api';
import type { Import } from './imports.model';
import { MappingStep } from './MappingStep';
import { PreviewStep } from './PreviewStep';

/** A draft import: the mapping, then its preview (`?step=preview`, so the browser's back button returns to the mapping). */
export function DraftImport({ imp }: { imp: Import }) {
  const [params, setParams] = useSearchParams();
  const { manage } = useCanManageImports();
  const preview = params.get('step') === 'preview';
  return (
    // Someone who may not import sees the draft as it stands, every control disabled.
    <fieldset className="import-draft" disabled={!manage}>
      {manage ? null : (
        <p className="import-readonly-note import-readonly-draft" role="note">
          This import has not been started. Only members who can add records can change or start it.
        </p>
      )}
      {preview ? (
        <PreviewStep imp={imp} onBack={() => setParams({})} />
      ) : (
        <MappingStep imp={imp} onContinue={() => setParams({ step: 'preview' })} />
      )}
    </fieldset>
  );
}
