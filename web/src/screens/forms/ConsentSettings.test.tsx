import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentSettings } from './ConsentSettings';
import { consentLabel } from './FormSubmissions';
import { bodyOf, draftOf, type FormDraft } from './formDraft';
import type { Form } from './forms.api';

const form = {
  id: '0193a5b0-0000-7000-8000-000000000001',
  publicId: 'abcdefghijklmnop',
  name: 'Newsletter',
  status: 'active',
  fields: [{ key: 'email', label: 'Email', type: 'email', required: true, placeholder: null, options: null }],
  consent: { enabled: true, channels: ['email'], text: 'Send me news', required: false, textVersion: null, doubleOptIn: false },
  submitButtonLabel: 'Subscribe',
  thankYouMessage: null,
  redirectUrl: null,
  allowedOrigins: [],
  lifecycleStage: null,
  ownerId: null,
  tags: [],
} as unknown as Form;

afterEach(cleanup);

/** The consent settings over a draft kept in state, as the builder keeps it; `saved` gets the body a save would send. */
function Harness({ saved, errors = {} }: { saved: ReturnType<typeof bodyOf>[]; errors?: Record<string, string> }) {
  const [draft, setDraft] = useState<FormDraft>(() => draftOf(form));
  return (
    <>
      <ConsentSettings draft={draft} errors={errors} onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))} />
      <button type="button" onClick={() => saved.push(bodyOf(draft))}>
        Save
      </button>
    </>
  );
}

const toggle = () => screen.queryByRole('checkbox', { name: 'Confirm by email (double opt-in)' }) as HTMLInputElement | null;

describe('ConsentSettings', () => {
  it('has a double opt-in toggle that the saved body carries, and that goes with the consent box', () => {
    const saved: ReturnType<typeof bodyOf>[] = [];
    render(<Harness saved={saved} />);
    expect(toggle()?.checked).toBe(false);
    expect(toggle()?.getAttribute('aria-describedby')).toBeTruthy();
    fireEvent.click(toggle() as HTMLInputElement);
    expect(toggle()?.checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(saved.at(-1)?.consent).toEqual({ enabled: true, channels: ['email'], text: 'Send me news', required: false, doubleOptIn: true });

    // No consent box, nothing to confirm: the toggle goes, and the save turns double opt-in off.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Ask for consent' }));
    expect(toggle()).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(saved.at(-1)?.consent).toMatchObject({ enabled: false, doubleOptIn: false });
  });

  it("shows the API's refusal beside the toggle", () => {
    render(
      <Harness saved={[]} errors={{ 'consent.doubleOptIn': 'Double opt-in confirms by email, so it works for email consent only' }} />,
    );
    expect(screen.getByRole('alert').textContent).toBe('Double opt-in confirms by email, so it works for email consent only');
  });
});

describe('submission consent', () => {
  it('says whether a double opt-in was confirmed', () => {
    const consent = { channels: ['email'], textVersion: 'sha256:0123456789abcdef' };
    expect(consentLabel({ consent, confirmation: 'pending' })).toBe('Awaiting confirmation (email)');
    expect(consentLabel({ consent, confirmation: 'confirmed' })).toBe('Confirmed (email)');
    expect(consentLabel({ consent, confirmation: 'expired' })).toBe('Not confirmed: link expired');
    expect(consentLabel({ consent, confirmation: null })).toBe('Given (email)');
    expect(consentLabel({ consent: null, confirmation: null })).toBe('—');
  });
});
