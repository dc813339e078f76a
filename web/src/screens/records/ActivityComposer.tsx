import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input, Select, TextArea } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import {
  type ActivityCreate,
  type ActivityLink,
  activityFromForm,
  type ComposerKind,
  composerKinds,
  listError,
  recentMeeting,
} from './activityForm';

/** Which tab the composer shows, and a way for the page's header to open a tab and focus it. */
export type ComposerControl = {
  kind: ComposerKind;
  setKind: (kind: ComposerKind) => void;
  focusRequest: number;
  open: (kind: ComposerKind) => void;
};

/** The composer's state, held by the record page so its header actions can drive it. */
export function useComposerControl(): ComposerControl {
  const [kind, setKind] = useState<ComposerKind>('note');
  const [focusRequest, setFocusRequest] = useState(0);
  const open = useCallback((next: ComposerKind) => {
    setKind(next);
    setFocusRequest((n) => n + 1);
  }, []);
  return { kind, setKind, focusRequest, open };
}

/** Who the composer writes about: the record's person (for email and meeting defaults) and the signed-in user. */
export type ComposerPeople = { counterpartEmail?: string | null; myEmail?: string | null };

type ComposerFormProps = {
  control: ComposerControl;
  links: ActivityLink[];
  people: ComposerPeople;
  /** Logs the activity; a failure with field errors shows them beside the fields. */
  onLog: (activity: ActivityCreate) => Promise<void>;
  /** Renders a note's Markdown to the HTML a saved note shows. */
  renderPreview: (markdown: string) => Promise<string>;
};

/** Adds a Markdown note or logs a call, a meeting or an email on a record's timeline. */
export function ComposerForm({ control, links, people, onLog, renderPreview }: ComposerFormProps) {
  const [formKey, setFormKey] = useState(0);
  const frame = useRef<HTMLDivElement>(null);
  const { kind, setKind, focusRequest } = control;
  const log = useCallback(
    async (form: FormData) => {
      await onLog(activityFromForm(kind, links, form));
      setFormKey((k) => k + 1);
    },
    [kind, links, onLog],
  );
  const { run, busy, errors, message } = useFormAction(log);
  const current = composerKinds.find((k) => k.kind === kind) ?? composerKinds[0];

  useEffect(() => {
    if (focusRequest === 0) return;
    const first = frame.current?.querySelector<HTMLElement>('form input, form select, form textarea');
    first?.focus();
    frame.current?.scrollIntoView({ block: 'nearest' });
  }, [focusRequest]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };

  return (
    <div ref={frame}>
      <div className="composer-tabs" role="tablist" aria-label="Add to the timeline">
        {composerKinds.map((k) => (
          <button
            key={k.kind}
            type="button"
            role="tab"
            id={`composer-tab-${k.kind}`}
            aria-selected={kind === k.kind}
            aria-controls="composer-panel"
            className="btn btn-ghost btn-sm"
            onClick={() => setKind(k.kind)}
          >
            {k.tab}
          </button>
        ))}
      </div>
      <form
        key={`${kind}:${formKey}`}
        id="composer-panel"
        role="tabpanel"
        aria-labelledby={`composer-tab-${kind}`}
        className="form"
        onSubmit={onSubmit}
        noValidate
      >
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        {kind === 'note' ? <NoteFields error={errors.body} renderPreview={renderPreview} /> : null}
        {kind === 'call' ? <CallFields errors={errors} /> : null}
        {kind === 'meeting' ? <MeetingFields errors={errors} people={people} /> : null}
        {kind === 'email' ? <EmailFields errors={errors} people={people} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {current?.submit}
          </Button>
        </div>
      </form>
    </div>
  );
}

function NoteFields({ error, renderPreview }: { error?: string; renderPreview: (markdown: string) => Promise<string> }) {
  const [markdown, setMarkdown] = useState('');
  const [preview, setPreview] = useState<{ html: string } | { error: string } | 'loading' | null>(null);
  const showPreview = async () => {
    setPreview('loading');
    try {
      setPreview({ html: await renderPreview(markdown) });
    } catch (err) {
      setPreview({ error: errorMessage(err) });
    }
  };
  return (
    <>
      <div className="composer-modes">
        <button type="button" className="btn btn-ghost btn-sm" aria-pressed={preview === null} onClick={() => setPreview(null)}>
          Write
        </button>
        <button type="button" className="btn btn-ghost btn-sm" aria-pressed={preview !== null} onClick={() => void showPreview()}>
          Preview
        </button>
      </div>
      <div hidden={preview !== null}>
        <TextArea
          label="Note"
          hideLabel
          name="body"
          value={markdown}
          onChange={(e) => setMarkdown(e.target.value)}
          placeholder="Write a note… Markdown works: **bold**, lists, links"
          error={error}
        />
      </div>
      {preview === null ? null : (
        <section className="composer-preview" aria-label="Preview" aria-busy={preview === 'loading' || undefined}>
          {preview === 'loading' ? (
            <span className="muted">Rendering…</span>
          ) : 'error' in preview ? (
            <span className="field-error">{preview.error}</span>
          ) : preview.html ? (
            // Rendered and sanitised by the API exactly as a saved note (POST /activities/preview).
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised server-side, see docs/api.md "Activities"
            <div dangerouslySetInnerHTML={{ __html: preview.html }} />
          ) : (
            <span className="muted">Nothing to preview yet.</span>
          )}
        </section>
      )}
    </>
  );
}

function CallFields({ errors }: { errors: Record<string, string> }) {
  return (
    <>
      <div className="form-row form-row-3">
        <Select
          label="Direction"
          name="direction"
          defaultValue="outbound"
          options={[
            { value: 'outbound', label: 'Outbound' },
            { value: 'inbound', label: 'Inbound' },
          ]}
          error={errors['call.direction']}
        />
        <Input label="Minutes" name="minutes" inputMode="decimal" autoComplete="off" error={errors['call.durationSeconds']} />
        <Input label="Outcome" name="outcome" autoComplete="off" placeholder="Connected, voicemail…" error={errors['call.outcome']} />
      </div>
      <TextArea label="Call notes" name="body" placeholder="What was said" error={errors.body} />
    </>
  );
}

function MeetingFields({ errors, people }: { errors: Record<string, string>; people: ComposerPeople }) {
  const [times] = useState(() => recentMeeting());
  return (
    <>
      <Input label="Title" name="subject" autoComplete="off" placeholder="Quarterly review" error={errors.subject} />
      <div className="form-row">
        <Input label="Start" name="startAt" type="datetime-local" defaultValue={times.start} error={errors['meeting.startAt']} />
        <Input label="End" name="endAt" type="datetime-local" defaultValue={times.end} error={errors['meeting.endAt']} />
      </div>
      <Input
        label="Location"
        name="location"
        autoComplete="off"
        placeholder="Office, video call link…"
        error={errors['meeting.location']}
      />
      <Input
        label="Attendees"
        name="attendees"
        autoComplete="off"
        defaultValue={people.counterpartEmail ?? ''}
        hint="Email addresses, separated by commas"
        error={listError(errors, 'meeting.attendees')}
      />
      <TextArea label="Meeting notes" name="body" placeholder="What was agreed" error={errors.body} />
    </>
  );
}

/**
 * A logged email. Its direction is who sent it: sent by us to them, or received from them;
 * switching direction swaps sender and recipient.
 */
function EmailFields({ errors, people }: { errors: Record<string, string>; people: ComposerPeople }) {
  const [direction, setDirection] = useState<'outbound' | 'inbound'>('outbound');
  const [from, setFrom] = useState(people.myEmail ?? '');
  const [to, setTo] = useState(people.counterpartEmail ?? '');
  const turn = (next: string) => {
    if (next === direction) return;
    setDirection(next === 'inbound' ? 'inbound' : 'outbound');
    setFrom(to);
    setTo(from);
  };
  return (
    <>
      <Select
        label="Direction"
        name="direction"
        value={direction}
        onChange={(e) => turn(e.target.value)}
        options={[
          { value: 'outbound', label: 'Sent (outbound)' },
          { value: 'inbound', label: 'Received (inbound)' },
        ]}
      />
      <div className="form-row">
        <Input
          label="From"
          name="from"
          type="email"
          autoComplete="off"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={errors['email.from']}
        />
        <Input
          label="To"
          name="to"
          autoComplete="off"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          error={listError(errors, 'email.to')}
        />
      </div>
      <Input label="Subject" name="subject" autoComplete="off" error={errors.subject} />
      <TextArea label="Email body" name="body" error={errors.body} />
    </>
  );
}

/**
 * The composer on a record's page, logging on `link`. A logged activity refreshes every
 * timeline (a company's also shows what its people and deals did) and the record itself.
 */
export function ActivityComposer({ control, link, people }: { control: ComposerControl; link: ActivityLink; people: ComposerPeople }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { recordType, recordId } = link;
  const links = useMemo(() => [{ recordType, recordId }], [recordType, recordId]);
  const onLog = useCallback(
    async (body: ActivityCreate) => {
      await unwrap(api.POST('/api/v1/activities', { body }));
      toast(composerKinds.find((k) => k.kind === body.kind)?.done ?? 'Logged');
      const collection = link.recordType === 'company' ? 'companies' : `${link.recordType}s`;
      await Promise.all([
        queryClient.invalidateQueries({ predicate: (q) => q.queryKey[1] === 'timeline' }),
        queryClient.invalidateQueries({ queryKey: [collection, 'one', link.recordId] }),
      ]);
    },
    [link, queryClient, toast],
  );
  return <ComposerForm control={control} links={links} people={people} onLog={onLog} renderPreview={renderNotePreview} />;
}

/** A note's Markdown as the API renders it. */
async function renderNotePreview(markdown: string): Promise<string> {
  return (await unwrap(api.POST('/api/v1/activities/preview', { body: { body: markdown } }))).bodyHtml;
}
