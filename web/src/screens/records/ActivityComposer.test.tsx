import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { ComposerForm, type ComposerPeople, useComposerControl } from './ActivityComposer';
import type { ActivityCreate, ActivityLink } from './activityForm';

const links: ActivityLink[] = [{ recordType: 'contact', recordId: '0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1a' }];
const people: ComposerPeople = { counterpartEmail: 'grace@navy.example', myEmail: 'ada@example.com' };

afterEach(cleanup);

function Composer({
  onLog,
  renderPreview,
}: {
  onLog: (a: ActivityCreate) => Promise<void>;
  renderPreview?: (md: string) => Promise<string>;
}) {
  const control = useComposerControl();
  return (
    <>
      <button type="button" onClick={() => control.open('call')}>
        Header: log a call
      </button>
      <ComposerForm
        control={control}
        links={links}
        people={people}
        onLog={onLog}
        renderPreview={renderPreview ?? (async (md) => `<p>${md}</p>`)}
      />
    </>
  );
}

function renderComposer(renderPreview?: (md: string) => Promise<string>) {
  const sent: ActivityCreate[] = [];
  render(<Composer onLog={async (a) => void sent.push(a)} renderPreview={renderPreview} />);
  return sent;
}

const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label, { selector: 'input, select, textarea' }), { target: { value } });
const tab = (name: string) => fireEvent.click(screen.getByRole('tab', { name }));
const submit = (name: string) => fireEvent.click(screen.getByRole('button', { name }));

describe('the activity composer', () => {
  it('adds a Markdown note as typed, and refuses an empty one without sending', async () => {
    const sent = renderComposer();
    submit('Add note');
    expect(await screen.findByText('Write the note first')).toBeTruthy();
    expect(sent).toEqual([]);
    type('Note', 'Talked about **pricing**');
    submit('Add note');
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ kind: 'note', body: 'Talked about **pricing**', links });
    // The form starts afresh for the next note.
    expect((screen.getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement).value).toBe('');
  });

  it('previews a note as the API renders it, keeping what was typed', async () => {
    const asked: string[] = [];
    renderComposer(async (md) => {
      asked.push(md);
      return '<p><strong>bold</strong> move</p>';
    });
    type('Note', '**bold** move');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    await waitFor(() => expect(preview.querySelector('strong')?.textContent).toBe('bold'));
    expect(asked).toEqual(['**bold** move']);
    fireEvent.click(screen.getByRole('button', { name: 'Write' }));
    expect((screen.getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement).value).toBe('**bold** move');
  });

  it('logs a call with direction, length in seconds and outcome, and names unreadable minutes', async () => {
    const sent = renderComposer();
    tab('Call');
    type('Direction', 'inbound');
    type('Minutes', 'ten');
    submit('Log call');
    expect(await screen.findByText('Enter the length in minutes, like 15')).toBeTruthy();
    expect(sent).toEqual([]);
    type('Minutes', '12.5');
    type('Outcome', 'Connected');
    type('Call notes', 'Wants a demo');
    submit('Log call');
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      kind: 'call',
      body: 'Wants a demo',
      links,
      call: { direction: 'inbound', durationSeconds: 750, outcome: 'Connected' },
    });
  });

  it('logs a meeting with its times, place and attendees, and refuses one that ends before it starts', async () => {
    const sent = renderComposer();
    tab('Meeting');
    // The record's person is an attendee to begin with.
    expect((screen.getByLabelText('Attendees') as HTMLInputElement).value).toBe('grace@navy.example');
    type('Title', 'Quarterly review');
    type('Start', '2026-03-04T10:00');
    type('End', '2026-03-04T09:30');
    submit('Log meeting');
    expect(await screen.findByText('A meeting ends after it starts')).toBeTruthy();
    expect(screen.getByLabelText('End').getAttribute('aria-invalid')).toBe('true');
    expect(sent).toEqual([]);
    type('End', '2026-03-04T11:00');
    type('Location', 'Arlington');
    type('Attendees', 'grace@navy.example, kathy@nasa.example');
    submit('Log meeting');
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      kind: 'meeting',
      subject: 'Quarterly review',
      body: null,
      links,
      meeting: {
        startAt: new Date('2026-03-04T10:00').toISOString(),
        endAt: new Date('2026-03-04T11:00').toISOString(),
        location: 'Arlington',
        attendees: [{ email: 'grace@navy.example' }, { email: 'kathy@nasa.example' }],
      },
    });
  });

  it('logs an email sent to the person, and one received from them when the direction turns', async () => {
    const sent = renderComposer();
    tab('Email');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('ada@example.com');
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('grace@navy.example');
    type('Direction', 'inbound');
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe('grace@navy.example');
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('ada@example.com');
    type('Subject', 'Re: pilot');
    type('Email body', 'Count us in.');
    submit('Log email');
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      kind: 'email',
      subject: 'Re: pilot',
      body: 'Count us in.',
      links,
      email: { from: 'grace@navy.example', to: ['ada@example.com'], cc: [] },
    });
  });

  it('asks for sender and recipient, and shows the API’s error about one address beside its box', async () => {
    const sent: ActivityCreate[] = [];
    render(
      <Composer
        onLog={async (a) => {
          sent.push(a);
          throw new ApiError({
            type: 'about:blank',
            title: 'Validation failed',
            status: 400,
            code: 'validation_failed',
            detail: 'The activity is not valid',
            errors: [{ field: 'body.email.to[1]', message: 'Not a valid email address' }],
          });
        }}
      />,
    );
    tab('Email');
    type('From', '');
    type('To', '');
    submit('Log email');
    expect(await screen.findByText('Who sent it?')).toBeTruthy();
    expect(screen.getByText('Who was it sent to?')).toBeTruthy();
    expect(sent).toEqual([]);
    type('From', 'ada@example.com');
    type('To', 'grace@navy.example, not-an-address');
    submit('Log email');
    expect(await screen.findByText('Not a valid email address')).toBeTruthy();
    expect(screen.getByLabelText('To').getAttribute('aria-invalid')).toBe('true');
    expect(sent[0]?.email?.to).toEqual(['grace@navy.example', 'not-an-address']);
    // Nothing was lost: what was typed is still there to fix.
    expect((screen.getByLabelText('To') as HTMLInputElement).value).toBe('grace@navy.example, not-an-address');
  });

  it('opens the tab a header action asks for and puts the cursor in it', async () => {
    renderComposer();
    fireEvent.click(screen.getByRole('button', { name: 'Header: log a call' }));
    expect(screen.getByRole('tab', { name: 'Call' }).getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Direction')));
  });
});
