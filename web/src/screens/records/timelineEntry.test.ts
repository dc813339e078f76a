import { describe, expect, it } from 'vitest';
import { activityFacts, changeFacts, entryIcon, entryTitle, isLongBody, type TimelineEntry } from './timelineEntry';

const base: TimelineEntry = {
  id: 'e1',
  kind: 'activity',
  occurredAt: '2026-03-04T10:00:00.000Z',
  recordType: 'contact',
  recordId: 'c1',
  actor: { type: 'user', id: null },
  data: {},
  activity: null,
  taskId: null,
};
const email = (from: string): TimelineEntry => ({
  ...base,
  activity: { id: 'a1', kind: 'email', subject: 'Pilot', email: { from, to: ['grace@navy.example'], cc: [] } },
});

describe('timeline entries', () => {
  it('tells sent emails from received ones by whether a member sent them', () => {
    const members = new Set(['ada@example.com']);
    expect(entryTitle(email('ada@example.com'), members)).toBe('Email sent: Pilot');
    expect(entryTitle(email('grace@navy.example'), members)).toBe('Email received: Pilot');
    expect(activityFacts(email('ada@example.com').activity ?? { id: '' })).toEqual(['ada@example.com → grace@navy.example']);
  });

  it('shows a form submission with its form, page, campaign and consent', () => {
    const submitted: TimelineEntry = {
      ...base,
      activity: {
        id: 'a4',
        kind: 'form_submission',
        subject: 'Book a demo',
        formSubmission: {
          formId: 'f1',
          formName: 'Book a demo',
          submissionId: 's1',
          pageUrl: 'https://acme.example/pricing',
          referrer: null,
          utm: { source: 'news', campaign: 'spring' },
          values: [],
          consent: { channels: ['email'], textVersion: 'sha256:0123456789abcdef' },
        },
      },
    };
    expect(entryIcon(submitted)).toBe('form');
    expect(entryTitle(submitted)).toBe('Submitted form: Book a demo');
    expect(activityFacts(submitted.activity ?? { id: '' })).toEqual([
      'On https://acme.example/pricing',
      'UTM: source news · campaign spring',
      'Consent given for email (text sha256:0123456789abcdef)',
    ]);
  });

  it('gives each kind its own icon and title', () => {
    const meeting = { ...base, activity: { id: 'a2', kind: 'meeting' as const, subject: 'Review' } };
    expect(entryIcon(meeting)).toBe('meeting');
    expect(entryTitle(meeting)).toBe('Meeting: Review');
    const call = {
      ...base,
      activity: { id: 'a3', kind: 'call' as const, call: { direction: 'inbound' as const, durationSeconds: 600, outcome: 'Connected' } },
    };
    expect(entryIcon(call)).toBe('call');
    expect(entryTitle(call)).toBe('Inbound call · Connected · 10 min');
    expect(entryIcon({ ...base, kind: 'task_completed', data: { title: 'Send deck' } })).toBe('task');
    expect(entryTitle({ ...base, kind: 'task_completed', data: { title: 'Send deck' } })).toBe('Task completed: Send deck');
  });

  it('names changed fields in words, each once', () => {
    const change = { ...base, kind: 'field_change' as const, data: { changes: { email: {}, emails: {}, jobTitle: {}, custom: {} } } };
    expect(entryTitle(change)).toBe('Changed email, job title, custom fields');
  });

  it('shows the values a change moved between, custom fields one by one, owners by name', () => {
    const change = {
      ...base,
      kind: 'field_change' as const,
      data: {
        changes: {
          jobTitle: { from: 'Engineer', to: 'CFO' },
          email: { from: null, to: 'ada@example.com' },
          emails: { from: [], to: [{ address: 'ada@example.com', primary: true }] },
          ownerId: { from: 'u1', to: 'u2' },
          companies: { from: [], to: [{ companyId: 'c1', name: 'Navy Labs' }] },
          contacts: { from: [], to: [{ contactId: 'c2' }] },
        },
      },
    };
    const names = new Map([['u2', 'Grace Hopper']]);
    expect(changeFacts(change, { memberNames: names })).toEqual([
      'Job title: Engineer → CFO',
      'Email: empty → ada@example.com',
      'Owner: a former member → Grace Hopper',
      'Companies: empty → Navy Labs',
    ]);
    const custom = {
      ...base,
      kind: 'field_change' as const,
      data: {
        changes: {
          custom: { from: { plan: 'free', seats: 5 }, to: { plan: 'pro', seats: 5, vip: true } },
          tags: { from: ['a'], to: ['a', 'b'] },
        },
      },
    };
    expect(changeFacts(custom)).toEqual(['Plan: free → pro', 'Vip: empty → true', 'Tags: a → a, b']);
    const labelled = {
      customFields: { contact: [{ key: 'plan', label: 'Price plan', options: [{ value: 'pro', label: 'Professional' }] }] },
    };
    expect(changeFacts(custom, labelled)[0]).toBe('Price plan: free → Professional');
    expect(entryTitle(custom, new Set(), labelled)).toBe('Changed Price plan, vip, tags');
    expect(entryTitle(custom)).toBe('Changed custom fields, tags');
    const many = {
      ...base,
      kind: 'field_change' as const,
      data: { changes: Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, { from: 1, to: 2 }])) },
    };
    expect(changeFacts(many)).toEqual(['A: 1 → 2', 'B: 1 → 2', 'C: 1 → 2', 'and 3 more']);
    expect(changeFacts({ ...base, kind: 'created' as const, data: {} })).toEqual([]);
  });

  it('folds only long bodies', () => {
    expect(isLongBody('Short note')).toBe(false);
    expect(isLongBody('a\nb\nc\nd\ne')).toBe(true);
    expect(isLongBody('x'.repeat(300))).toBe(true);
  });
});
