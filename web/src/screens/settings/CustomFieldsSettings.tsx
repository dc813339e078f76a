import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { CustomFieldDialog } from './CustomFieldDialog';
import { fieldTypeLabels, hasOptions } from './options';
import { ReadOnlyNote, SettingsPanel, SettingsSection } from './SettingsSection';
import { type CustomField, type FieldObject, refresh, useCan, useCustomFieldList } from './settings.api';

const objects: { value: FieldObject; label: string }[] = [
  { value: 'contact', label: 'Contacts' },
  { value: 'company', label: 'Companies' },
  { value: 'deal', label: 'Deals' },
];

function FieldRow({
  field,
  editable,
  onEdit,
  onArchive,
}: {
  field: CustomField;
  editable: boolean;
  onEdit: () => void;
  onArchive: (archived: boolean) => void;
}) {
  return (
    <li className="settings-row" data-archived={field.archived || undefined}>
      <div className="settings-row-main">
        <span className="settings-row-title">
          {field.label} {field.archived ? <span className="settings-tag settings-tag-muted">Archived</span> : null}
        </span>
        <span className="settings-row-meta">
          {fieldTypeLabels[field.type]}
          {hasOptions(field.type) ? ` · ${field.options.map((o) => o.label).join(', ')}` : ''} · <code>custom.{field.key}</code>
        </span>
      </div>
      {editable ? (
        <div className="settings-row-actions">
          {field.archived ? null : (
            <Button size="sm" variant="ghost" aria-label={`Edit ${field.label}`} onClick={onEdit}>
              Edit
            </Button>
          )}
          <Button
            size="sm"
            variant="ghost"
            aria-label={`${field.archived ? 'Restore' : 'Archive'} ${field.label}`}
            onClick={() => onArchive(!field.archived)}
          >
            {field.archived ? 'Restore' : 'Archive'}
          </Button>
        </div>
      ) : null}
    </li>
  );
}

/** Custom fields per object: what exists, new ones of any type, renaming, options, archiving and restoring. */
export function CustomFieldsSettings() {
  const [objectType, setObjectType] = useState<FieldObject>('contact');
  const [dialog, setDialog] = useState<{ field?: CustomField } | null>(null);
  const fields = useCustomFieldList(objectType);
  const can = useCan();
  const editable = can('custom_fields.manage');
  const queryClient = useQueryClient();
  const toast = useToast();
  const archive = useMutation({
    mutationFn: ({ field, archived }: { field: CustomField; archived: boolean }) =>
      unwrap(api.PATCH('/api/v1/custom-fields/{id}', { params: { path: { id: field.id } }, body: { archived } })),
    onSuccess: (saved) => toast(saved.archived ? `“${saved.label}” is archived; its values are kept` : `“${saved.label}” is back`),
    onError: (err, { field }) => toast(`“${field.label}” could not be changed: ${errorMessage(err)}`, 'error'),
    onSettled: () => refresh(queryClient, 'customFields'),
  });
  const objectName = objects.find((o) => o.value === objectType)?.label.toLowerCase() ?? '';
  const addButton = editable ? (
    <Button variant="primary" onClick={() => setDialog({})}>
      {icons.plus} New field
    </Button>
  ) : undefined;
  return (
    <SettingsSection
      title="Custom fields"
      description="Fields of your own on contacts, companies and deals. Archiving hides a field and keeps its values."
      actions={addButton}
    >
      {editable ? null : <ReadOnlyNote>Only admins and owners can add or change fields.</ReadOnlyNote>}
      <fieldset className="segmented">
        <legend className="visually-hidden">Object</legend>
        {objects.map((o) => (
          <button
            key={o.value}
            type="button"
            className="segmented-item"
            aria-pressed={o.value === objectType}
            onClick={() => setObjectType(o.value)}
          >
            {o.label}
          </button>
        ))}
      </fieldset>
      <SettingsPanel>
        {fields.isPending ? (
          <Loading label="Loading fields…" />
        ) : fields.isError ? (
          <ErrorState error={fields.error} onRetry={() => fields.refetch()} />
        ) : fields.data.length === 0 ? (
          <Empty title={`No custom fields on ${objectName} yet`} action={addButton}>
            Add one for anything the standard fields do not cover.
          </Empty>
        ) : (
          <ul className="settings-list" aria-label={`Custom fields on ${objectName}`}>
            {fields.data.map((f) => (
              <FieldRow
                key={f.id}
                field={f}
                editable={editable}
                onEdit={() => setDialog({ field: f })}
                onArchive={(archived) => archive.mutate({ field: f, archived })}
              />
            ))}
          </ul>
        )}
      </SettingsPanel>
      {dialog ? (
        <CustomFieldDialog
          key={dialog.field?.id ?? `new-${objectType}`}
          objectType={objectType}
          field={dialog.field}
          open
          onClose={() => setDialog(null)}
        />
      ) : null}
    </SettingsSection>
  );
}
