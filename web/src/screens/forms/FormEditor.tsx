import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useId, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { Button } from '../../ui/Button';
import { Input, TextArea } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { lifecycleStages } from '../contacts/format';
import { useMembers } from '../deals/deals.api';
import { ConfirmDialog } from '../settings/SettingsSection';
import { useCan } from '../settings/settings.api';
import { TopBar } from '../shell/AppShell';
import { ConsentSettings } from './ConsentSettings';
import { FieldsEditor } from './FieldsEditor';
import { FormPreview } from './FormPreview';
import { FormShare } from './FormShare';
import { FormSubmissions } from './FormSubmissions';
import { bodyOf, draftOf, type FormDraft } from './formDraft';
import { type Form, formKeys, useForm, useFormProperties } from './forms.api';

type Tab = 'build' | 'share' | 'submissions';

/** One part of the builder, with its title and what it is for. */
function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <section className="panel form-section" aria-labelledby={id}>
      <h2 id={id} className="form-section-title">
        {title}
      </h2>
      {description ? <p className="form-section-text">{description}</p> : null}
      <div className="form-section-body">{children}</div>
    </section>
  );
}

/** A form's builder with its live preview, its share codes and its submissions, as three tabs. */
export function FormEditor() {
  const { id = '' } = useParams();
  const form = useForm(id);
  const properties = useFormProperties();
  if (form.isPending || properties.isPending) {
    return (
      <>
        <TopBar title="Form" />
        <Loading label="Loading the form…" />
      </>
    );
  }
  if (form.isError || properties.isError) {
    const error = form.error ?? properties.error;
    return (
      <>
        <TopBar title="Form" />
        <ErrorState error={error} onRetry={() => void Promise.all([form.refetch(), properties.refetch()])} />
      </>
    );
  }
  return <LoadedEditor key={form.data.data.id} form={form.data.data} etag={form.data.etag} properties={properties.data} />;
}

function LoadedEditor({
  form,
  etag,
  properties,
}: {
  form: Form;
  etag: string | null;
  properties: NonNullable<ReturnType<typeof useFormProperties>['data']>;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const can = useCan();
  const members = useMembers();
  const editable = can('forms.manage');
  const [tab, setTab] = useState<Tab>('build');
  const [draft, setDraft] = useState<FormDraft>(() => draftOf(form));
  const [saved, setSaved] = useState(() => JSON.stringify(bodyOf(draftOf(form))));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = JSON.stringify(bodyOf(draft)) !== saved;
  const set = (patch: Partial<FormDraft>) => setDraft((d) => ({ ...d, ...patch }));

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const save = useCallback(
    async (body: Partial<ReturnType<typeof bodyOf>>) => {
      const next = await unwrapVersioned(
        api.PATCH('/api/v1/forms/{id}', { params: { path: { id: form.id } }, body, headers: etag ? { 'if-match': etag } : {} }),
      );
      queryClient.setQueryData(formKeys.one(form.id), next);
      await queryClient.invalidateQueries({ queryKey: formKeys.list });
      setSaved(JSON.stringify(bodyOf(draftOf(next.data))));
      // Archiving saves the status alone; the draft follows it so it does not look unsaved.
      setDraft((d) => ({ ...d, status: next.data.status }));
      toast('Form saved');
    },
    [etag, form.id, queryClient, toast],
  );
  const { run, busy, errors, message, problem } = useFormAction(save);
  const stale = problem?.status === 412;
  const submit = () => void run(bodyOf(draft));
  const setStatus = (status: Form['status']) => void run({ status });
  const remove = async () => {
    await unwrap(api.DELETE('/api/v1/forms/{id}', { params: { path: { id: form.id } } }));
    await queryClient.invalidateQueries({ queryKey: formKeys.all });
    navigate('/forms');
  };
  const originsError = Object.entries(errors).find(([k]) => k.startsWith('allowedOrigins'))?.[1];

  const tabs: { key: Tab; label: string }[] = [
    { key: 'build', label: 'Build' },
    { key: 'share', label: 'Share' },
    { key: 'submissions', label: `Submissions (${form.submissionCount.toLocaleString()})` },
  ];

  return (
    <>
      <TopBar title={form.name}>
        {editable ? (
          <>
            {form.status === 'active' ? (
              <Button variant="ghost" onClick={() => setStatus('archived')} disabled={busy || dirty} className="forms-hide-narrow">
                Archive
              </Button>
            ) : (
              <Button variant="ghost" onClick={() => setStatus('active')} disabled={busy || dirty}>
                Make active
              </Button>
            )}
            <Button variant="ghost" onClick={() => setConfirmDelete(true)} className="forms-hide-narrow">
              Delete
            </Button>
            <Button variant="primary" onClick={submit} busy={busy} disabled={!dirty}>
              {dirty ? 'Save' : 'Saved'}
            </Button>
          </>
        ) : null}
      </TopBar>
      <div className="content">
        <div className="form-editor">
          <div className="form-tabs" role="tablist" aria-label="Form">
            {tabs.map((t) => (
              <button
                key={t.key}
                type="button"
                role="tab"
                id={`form-tab-${t.key}`}
                aria-selected={tab === t.key}
                aria-controls={`form-panel-${t.key}`}
                className="form-tab"
                onClick={() => setTab(t.key)}
              >
                {t.label}
              </button>
            ))}
            {form.status === 'archived' ? (
              <span className="forms-status" data-status="archived">
                Archived
              </span>
            ) : null}
          </div>
          {message || stale ? (
            <p className="alert" role="alert">
              {stale
                ? 'Someone else saved this form meanwhile. Reload the page to see their version, then make your change again.'
                : message}
            </p>
          ) : null}
          {!editable ? (
            <p className="form-note" role="note">
              You can look at forms; changing them needs a manager, admin or owner.
            </p>
          ) : null}
          <div role="tabpanel" id={`form-panel-${tab}`} aria-labelledby={`form-tab-${tab}`}>
            {tab === 'build' ? (
              <div className="form-build">
                <fieldset className="form-build-settings" disabled={!editable}>
                  <Section title="Form">
                    <div className="form-row">
                      <Input label="Name" value={draft.name} error={errors.name} onChange={(e) => set({ name: e.target.value })} />
                      <Input
                        label="Button label"
                        value={draft.submitButtonLabel}
                        error={errors.submitButtonLabel}
                        onChange={(e) => set({ submitButtonLabel: e.target.value })}
                      />
                    </div>
                  </Section>
                  <Section
                    title="Fields"
                    description="Each field fills a property of the contact. Email is always there: it is how Rapport finds an existing contact."
                  >
                    <FieldsEditor
                      fields={draft.fields}
                      properties={properties}
                      errors={errors}
                      disabled={!editable}
                      onChange={(fields) => set({ fields })}
                    />
                  </Section>
                  <Section
                    title="Consent"
                    description="A checkbox people tick to agree to hear from you. Rapport records when, where and which words they agreed to; each version of the text is kept."
                  >
                    <ConsentSettings draft={draft} errors={errors} onChange={set} />
                  </Section>
                  <Section title="After submitting">
                    <fieldset className="form-inline-checks">
                      <legend className="visually-hidden">What people see after submitting</legend>
                      <label className="form-check">
                        <input
                          type="radio"
                          name="after-submit"
                          checked={draft.afterSubmit === 'message'}
                          onChange={() => set({ afterSubmit: 'message' })}
                        />
                        <span>Show a thank-you message</span>
                      </label>
                      <label className="form-check">
                        <input
                          type="radio"
                          name="after-submit"
                          checked={draft.afterSubmit === 'redirect'}
                          onChange={() => set({ afterSubmit: 'redirect' })}
                        />
                        <span>Go to another page</span>
                      </label>
                    </fieldset>
                    {draft.afterSubmit === 'message' ? (
                      <TextArea
                        label="Thank-you message"
                        rows={2}
                        value={draft.thankYouMessage}
                        error={errors.thankYouMessage}
                        onChange={(e) => set({ thankYouMessage: e.target.value })}
                      />
                    ) : (
                      <Input
                        label="Page to go to"
                        type="url"
                        inputMode="url"
                        placeholder="https://www.example.com/thank-you"
                        value={draft.redirectUrl}
                        error={errors.redirectUrl}
                        onChange={(e) => set({ redirectUrl: e.target.value })}
                      />
                    )}
                  </Section>
                  <Section
                    title="Contacts"
                    description="New contacts start in this stage (existing ones only move forward) with this owner; every contact who submits gets the tags."
                  >
                    <div className="form-row">
                      <label className="form-mini">
                        <span>Lifecycle stage</span>
                        <select className="select" value={draft.lifecycleStage} onChange={(e) => set({ lifecycleStage: e.target.value })}>
                          <option value="">Workspace default (lead)</option>
                          {lifecycleStages.map((s) => (
                            <option key={s.value} value={s.value}>
                              {s.label}
                            </option>
                          ))}
                        </select>
                      </label>
                      <label className="form-mini">
                        <span>Owner</span>
                        <select className="select" value={draft.ownerId} onChange={(e) => set({ ownerId: e.target.value })}>
                          <option value="">No owner</option>
                          {[...(members.data?.values() ?? [])].map((m) => (
                            <option key={m.userId} value={m.userId}>
                              {m.name || m.email}
                            </option>
                          ))}
                        </select>
                      </label>
                    </div>
                    {errors.ownerId ? (
                      <p className="field-error" role="alert">
                        {errors.ownerId}
                      </p>
                    ) : null}
                    <Input label="Tags" hint="Separated by commas" value={draft.tags} onChange={(e) => set({ tags: e.target.value })} />
                  </Section>
                  <Section
                    title="Where it can be embedded"
                    description="The websites allowed to show and send this form, one per line. * allows any site. The hosted page always works."
                  >
                    <TextArea
                      label="Allowed websites"
                      hideLabel
                      rows={3}
                      placeholder="https://www.example.com"
                      value={draft.allowedOrigins}
                      error={originsError}
                      onChange={(e) => set({ allowedOrigins: e.target.value })}
                    />
                  </Section>
                </fieldset>
                <aside className="form-build-preview" aria-label="Live preview">
                  <div className="form-preview-frame">
                    <p className="form-preview-label">Live preview</p>
                    <FormPreview draft={draft} properties={properties} />
                  </div>
                </aside>
              </div>
            ) : tab === 'share' ? (
              <FormShare form={form} dirty={dirty} />
            ) : (
              <FormSubmissions formId={form.id} />
            )}
          </div>
        </div>
      </div>
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this form?"
        confirmLabel="Delete form"
        onConfirm={remove}
        onClose={() => setConfirmDelete(false)}
      >
        Sites that embed it will show “not available”. Contacts it created stay, and their timelines keep the submissions.
      </ConfirmDialog>
    </>
  );
}
