import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { ImportSteps, StepHeader } from './ImportParts';
import {
  createFieldFromColumn,
  type ImportSettings,
  importKeys,
  problemText,
  saveImportTemplate,
  useImportTemplates,
  useSaveImportSettings,
} from './imports.api';
import {
  applyTemplate,
  dateFormatOptions,
  delimiterOptions,
  duplicateFields,
  encodingOptions,
  fileReading,
  formatSize,
  type Import,
  type ImportField,
  type MappingEntry,
  mappingProblems,
  objectNoun,
  plural,
  rememberSuggestion,
  sampleValues,
  suggestedFields,
  upsertKeyOptions,
} from './imports.model';

const SKIP = '';

/** The field picker of one column: standard fields, then the object's custom fields, or "Don't import". */
function FieldPicker({
  entry,
  fields,
  onChange,
}: {
  entry: MappingEntry;
  fields: ImportField[];
  onChange: (field: string | null) => void;
}) {
  const id = useId();
  const standard = fields.filter((f) => !f.custom);
  const custom = fields.filter((f) => f.custom);
  const option = (f: ImportField) => (
    <option key={f.key} value={f.key}>
      {f.label}
      {f.required ? ' (required)' : ''}
    </option>
  );
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Field for column {entry.column || entry.index + 1}
      </label>
      <select
        id={id}
        className="select map-select"
        value={entry.field ?? SKIP}
        data-mapped={entry.field ? true : undefined}
        onChange={(event) => onChange(event.target.value === SKIP ? null : event.target.value)}
      >
        <option value={SKIP}>Don't import</option>
        <optgroup label="Standard fields">{standard.map(option)}</optgroup>
        {custom.length > 0 ? <optgroup label="Custom fields">{custom.map(option)}</optgroup> : null}
      </select>
    </>
  );
}

/** One CSV column: its header and sample values, the field it goes to, and how that was decided. */
function MappingRow({
  imp,
  entry,
  suggested,
  created,
  duplicate,
  creating,
  onChange,
  onCreateField,
}: {
  imp: Import;
  entry: MappingEntry;
  suggested: string | null | undefined;
  created: boolean;
  duplicate: boolean;
  creating: boolean;
  onChange: (field: string | null) => void;
  onCreateField: (() => void) | null;
}) {
  const samples = sampleValues(imp, entry.index);
  const name = entry.column || `Column ${entry.index + 1}`;
  const auto = entry.field !== null && suggested === entry.field;
  return (
    <li className="map-row" data-skipped={entry.field === null || undefined}>
      <div className="map-column">
        <span className="map-column-name">{name}</span>
        {samples.length > 0 ? (
          <ul className="map-samples" aria-label={`Sample values of ${name}`}>
            {samples.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the samples are fixed; the same value may repeat
              <li key={i} className="map-sample">
                {s}
              </li>
            ))}
          </ul>
        ) : (
          <span className="map-samples-none">Empty in the first rows</span>
        )}
      </div>
      <span className="map-arrow" aria-hidden="true">
        →
      </span>
      <div className="map-target">
        <FieldPicker entry={entry} fields={imp.fields} onChange={onChange} />
        <div className="map-state">
          {duplicate ? (
            <span className="field-error">Another column goes to this field too</span>
          ) : created ? (
            <span className="import-tag" data-tone="accent">
              + New custom field
            </span>
          ) : auto ? (
            <span className="import-tag" data-tone="ok">
              ✓ Auto-matched
            </span>
          ) : entry.field === null ? (
            <>
              <span className="import-tag">Not imported</span>
              {onCreateField ? (
                <Button size="sm" variant="ghost" busy={creating} onClick={onCreateField} aria-label={`Create custom field from ${name}`}>
                  + Create custom field
                </Button>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </li>
  );
}

/** Saving the current mapping and settings as a named template. */
function SaveTemplateDialog({ imp, open, onClose }: { imp: Import; open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const save = async (name: string) => {
    const template = await saveImportTemplate(imp.id, name);
    await queryClient.invalidateQueries({ queryKey: importKeys.templates(imp.object) });
    toast(`Template “${template.name}” saved`);
    onClose();
  };
  const { run, busy, errors, message } = useFormAction(save);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('name') ?? '').trim());
  };
  return (
    <Dialog open={open} title="Save as template" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input
          label="Template name"
          name="name"
          required
          autoComplete="off"
          defaultValue={imp.fileName.replace(/\.[^.]+$/, '')}
          hint={`The next file from the same place gets this mapping of ${objectNoun(imp.object)} in one step.`}
          error={errors.name}
        />
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Save template
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** How rows find the records they update, how dates read, and the saved templates. */
function MappingSettings({ imp, onChange }: { imp: Import; onChange: (change: ImportSettings, done?: string) => void }) {
  const templates = useImportTemplates(imp.object);
  const [saving, setSaving] = useState(false);
  const applyNamed = (templateId: string) => {
    const template = templates.data?.find((t) => t.id === templateId);
    if (!template) return;
    onChange(
      { mapping: applyTemplate(imp.mapping, template), upsertKey: template.upsertKey, dateFormat: template.dateFormat },
      `Template “${template.name}” applied`,
    );
  };
  const templateOptions = [
    {
      value: '',
      label: templates.isPending ? 'Loading templates…' : templates.data?.length ? 'Choose a template…' : 'No saved templates yet',
    },
    ...(templates.data ?? []).map((t) => ({ value: t.id, label: t.name })),
  ];
  return (
    <div className="panel map-settings">
      <Select
        label="Match existing records by"
        hint={imp.upsertKey === 'none' ? 'Every row becomes a new record.' : 'A row with the same value updates that record.'}
        value={imp.upsertKey}
        options={upsertKeyOptions(imp.object)}
        onChange={(event) => onChange({ upsertKey: event.target.value as Import['upsertKey'] })}
      />
      <Select
        label="Dates in the file"
        hint="How dates such as 03/04/2026 are read."
        value={imp.dateFormat}
        options={dateFormatOptions}
        onChange={(event) => onChange({ dateFormat: event.target.value as Import['dateFormat'] })}
      />
      <div className="map-template">
        <Select
          label="Load a saved template"
          hint="The mapping and settings of an earlier file."
          value=""
          options={templateOptions}
          disabled={!templates.data?.length}
          onChange={(event) => applyNamed(event.target.value)}
        />
        <Button onClick={() => setSaving(true)}>Save as template</Button>
      </div>
      <SaveTemplateDialog imp={imp} open={saving} onClose={() => setSaving(false)} />
    </div>
  );
}

/** How the file was read, changeable when its columns came out wrong (a semicolon file read as one column). */
function FileReading({ imp, onChange }: { imp: Import; onChange: (change: ImportSettings) => void }) {
  return (
    <details className="map-reading">
      <summary>
        Read as {fileReading(imp)} · <span className="map-reading-change">change</span>
      </summary>
      <div className="map-reading-body">
        <Select
          label="Encoding"
          value={imp.encoding.toLowerCase()}
          options={encodingOptions}
          onChange={(e) => onChange({ encoding: e.target.value as ImportSettings['encoding'] })}
        />
        <Select
          label="Separator"
          value={imp.delimiter}
          options={delimiterOptions}
          onChange={(e) => onChange({ delimiter: e.target.value as ImportSettings['delimiter'] })}
        />
        <p className="field-hint">Change these when the columns or accented letters look wrong below.</p>
      </div>
    </details>
  );
}

/** Step two: where each column goes, how rows match existing records, and templates. */
export function MappingStep({ imp, onContinue }: { imp: Import; onContinue: () => void }) {
  const save = useSaveImportSettings(imp.id);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [failure, setFailure] = useState<string | null>(null);
  const [creating, setCreating] = useState<number | null>(null);
  const [saving, setSaving] = useState(0);
  const [createdFields, setCreatedFields] = useState<string[]>([]);
  const [suggested, setSuggested] = useState(() => suggestedFields(imp.id));
  const duplicates = duplicateFields(imp.mapping);
  const problems = mappingProblems(imp);
  const mapped = imp.mapping.filter((m) => m.field).length;

  const change = async (settings: ImportSettings, done?: string) => {
    setFailure(null);
    setSaving((n) => n + 1);
    try {
      const saved = await save(settings);
      // Read again with another encoding or separator, the file has new columns and a new suggestion.
      if (settings.encoding || settings.delimiter) {
        rememberSuggestion(saved);
        setSuggested(suggestedFields(saved.id));
      }
      if (done) toast(done);
    } catch (err) {
      setFailure(problemText(err));
    } finally {
      setSaving((n) => n - 1);
    }
  };
  const setField = (index: number, field: string | null) =>
    void change({ mapping: imp.mapping.map((m) => (m.index === index ? { ...m, field } : m)) });
  const createField = async (entry: MappingEntry) => {
    setFailure(null);
    setCreating(entry.index);
    try {
      const result = await createFieldFromColumn(imp.id, entry.index, entry.column.trim() || undefined);
      queryClient.setQueryData(importKeys.one(imp.id), result.import);
      setCreatedFields((keys) => [...keys, result.field.key]);
      void queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
      toast(`Custom field “${result.field.label}” created and mapped`);
    } catch (err) {
      setFailure(problemText(err));
    } finally {
      setCreating(null);
    }
  };

  return (
    <div className="import-page">
      <ImportSteps current="Map columns" />
      <StepHeader title="Map the columns">
        {imp.fileName} · {formatSize(imp.fileSize)} · {plural(imp.headers.length, 'column')}. Choose the {objectNoun(imp.object)} field each
        column goes to.
      </StepHeader>
      <FileReading imp={imp} onChange={(settings) => void change(settings)} />
      <MappingSettings imp={imp} onChange={(settings, done) => void change(settings, done)} />
      {failure ? (
        <p className="alert" role="alert">
          {failure}
        </p>
      ) : null}
      <section className="panel map-panel" aria-labelledby="map-heading">
        <div className="map-head">
          <h3 id="map-heading" className="import-subtitle">
            Columns
          </h3>
          <span className="count" aria-live="polite">
            {mapped} of {imp.mapping.length} mapped
          </span>
        </div>
        <div className="map-labels" aria-hidden="true">
          <span>Column in the file</span>
          <span />
          <span>Rapport field</span>
        </div>
        <ul className="map-list" aria-label="Column mapping">
          {imp.mapping.map((entry) => (
            <MappingRow
              key={entry.index}
              imp={imp}
              entry={entry}
              suggested={suggested?.[entry.index]}
              created={entry.field !== null && createdFields.includes(entry.field)}
              duplicate={entry.field !== null && duplicates.has(entry.field)}
              creating={creating === entry.index}
              onChange={(field) => setField(entry.index, field)}
              onCreateField={imp.object === 'activities' ? null : () => void createField(entry)}
            />
          ))}
        </ul>
      </section>
      <footer className="import-footer">
        {problems.length > 0 ? (
          <ul className="import-problems" aria-label="Before the preview">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : (
          <span className="import-footer-note">Nothing is written yet: the preview shows the first rows as they will be stored.</span>
        )}
        <div className="import-footer-actions">
          <Link className="btn" to={`/imports/new?object=${imp.object}`}>
            Choose another file
          </Link>
          <Button variant="primary" disabled={problems.length > 0 || creating !== null} busy={saving > 0} onClick={onContinue}>
            Preview import
          </Button>
        </div>
      </footer>
    </div>
  );
}
