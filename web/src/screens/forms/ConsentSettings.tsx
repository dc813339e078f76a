import { useId } from 'react';
import { TextArea } from '../../ui/Field';
import type { FormDraft } from './formDraft';

type ConsentDraft = Pick<FormDraft, 'consentEnabled' | 'consentChannels' | 'consentText' | 'consentRequired' | 'consentDoubleOptIn'>;

/**
 * The consent part of the builder: whether the form asks, the words, what ticking subscribes to,
 * whether it is required, and double opt-in (consent counts once confirmed from an emailed link).
 * `errors` are the API's, keyed by field path without `body.`.
 */
export function ConsentSettings({
  draft,
  errors,
  onChange,
}: {
  draft: ConsentDraft;
  errors: Record<string, string>;
  onChange: (patch: Partial<ConsentDraft>) => void;
}) {
  const doubleOptInHint = useId();
  return (
    <>
      <label className="form-check">
        <input type="checkbox" checked={draft.consentEnabled} onChange={(e) => onChange({ consentEnabled: e.target.checked })} />
        <span>Ask for consent</span>
      </label>
      {draft.consentEnabled ? (
        <>
          <TextArea
            label="Consent text"
            rows={3}
            value={draft.consentText}
            error={errors['consent.text']}
            onChange={(e) => onChange({ consentText: e.target.value })}
          />
          <fieldset className="form-inline-checks">
            <legend className="field-label">Subscribes them to</legend>
            {(['email', 'sms'] as const).map((channel) => (
              <label key={channel} className="form-check">
                <input
                  type="checkbox"
                  checked={draft.consentChannels.includes(channel)}
                  onChange={(e) =>
                    onChange({
                      consentChannels: e.target.checked
                        ? [...draft.consentChannels, channel]
                        : draft.consentChannels.filter((c) => c !== channel),
                    })
                  }
                />
                <span>{channel === 'email' ? 'Email marketing' : 'SMS marketing'}</span>
              </label>
            ))}
          </fieldset>
          {errors['consent.channels'] ? (
            <p className="field-error" role="alert">
              {errors['consent.channels']}
            </p>
          ) : null}
          <label className="form-check">
            <input type="checkbox" checked={draft.consentRequired} onChange={(e) => onChange({ consentRequired: e.target.checked })} />
            <span>Required to send the form</span>
          </label>
          <div className="form-check-block">
            <label className="form-check">
              <input
                type="checkbox"
                checked={draft.consentDoubleOptIn}
                aria-describedby={doubleOptInHint}
                onChange={(e) => onChange({ consentDoubleOptIn: e.target.checked })}
              />
              <span>Confirm by email (double opt-in)</span>
            </label>
            <p id={doubleOptInHint} className="form-check-hint">
              People who tick the box get an email with a link; their email consent stays pending until they confirm. Email consent only.
            </p>
            {errors['consent.doubleOptIn'] ? (
              <p className="field-error" role="alert">
                {errors['consent.doubleOptIn']}
              </p>
            ) : null}
          </div>
        </>
      ) : null}
    </>
  );
}
