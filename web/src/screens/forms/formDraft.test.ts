import { describe, expect, it } from 'vitest';
import { bodyOf, conversionRate, draftOf, fieldFor, moveField, unusedProperties } from './formDraft';
import type { Form } from './forms.api';

const form = {
  id: '0193a5b0-0000-7000-8000-000000000001',
  publicId: 'abcdefghijklmnop',
  name: 'Newsletter',
  status: 'active',
  fields: [
    { key: 'email', label: 'Email', type: 'email', required: true, placeholder: null, options: null },
    { key: 'firstName', label: 'First name', type: 'text', required: false, placeholder: 'Ada', options: null },
  ],
  consent: {
    enabled: true,
    channels: ['email'],
    text: 'Send me news',
    required: false,
    textVersion: 'sha256:0123456789abcdef',
    doubleOptIn: true,
  },
  submitButtonLabel: 'Subscribe',
  thankYouMessage: null,
  redirectUrl: 'https://example.com/thanks',
  allowedOrigins: ['https://example.com', 'https://www.example.com'],
  lifecycleStage: 'subscriber',
  ownerId: null,
  tags: ['newsletter', 'web'],
} as unknown as Form;

describe('form drafts', () => {
  it('round-trips a form through the builder inputs', () => {
    const draft = draftOf(form);
    expect(draft.afterSubmit).toBe('redirect');
    expect(draft.allowedOrigins).toBe('https://example.com\nhttps://www.example.com');
    expect(bodyOf(draft)).toEqual({
      name: 'Newsletter',
      status: 'active',
      fields: [
        { key: 'email', label: 'Email', type: 'email', required: true, placeholder: null },
        { key: 'firstName', label: 'First name', type: 'text', required: false, placeholder: 'Ada' },
      ],
      consent: { enabled: true, channels: ['email'], text: 'Send me news', required: false, doubleOptIn: true },
      submitButtonLabel: 'Subscribe',
      thankYouMessage: null,
      redirectUrl: 'https://example.com/thanks',
      allowedOrigins: ['https://example.com', 'https://www.example.com'],
      lifecycleStage: 'subscriber',
      ownerId: null,
      tags: ['newsletter', 'web'],
    });
  });

  it('drops the redirect when the form shows a message, and splits lists typed in any way', () => {
    const draft = {
      ...draftOf(form),
      afterSubmit: 'message' as const,
      thankYouMessage: ' Thanks! ',
      allowedOrigins: 'https://a.example, https://b.example\n\n',
      tags: ' a, ,b ',
    };
    expect(bodyOf(draft)).toMatchObject({
      redirectUrl: null,
      thankYouMessage: 'Thanks!',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      tags: ['a', 'b'],
    });
  });

  it('saves double opt-in only while the form asks for consent', () => {
    const draft = draftOf(form);
    expect(draft.consentDoubleOptIn).toBe(true);
    expect(bodyOf({ ...draft, consentEnabled: false }).consent).toMatchObject({ enabled: false, doubleOptIn: false });
    expect(bodyOf({ ...draft, consentDoubleOptIn: false }).consent.doubleOptIn).toBe(false);
  });

  it('moves fields, offers only unused properties, and rates conversion', () => {
    const fields = draftOf(form).fields;
    expect(moveField(fields, 1, -1).map((f) => f.key)).toEqual(['firstName', 'email']);
    expect(moveField(fields, 0, -1)).toBe(fields);
    const props = [
      { key: 'email', label: 'Email', types: ['email' as const], options: null },
      { key: 'custom.plan', label: 'Plan', types: ['select' as const, 'radio' as const], options: [] },
    ];
    expect(unusedProperties(props, fields).map((p) => p.key)).toEqual(['custom.plan']);
    expect(fieldFor(props[1] as (typeof props)[number])).toMatchObject({
      key: 'custom.plan',
      label: 'Plan',
      type: 'select',
      required: false,
    });
    expect(conversionRate(0, 0)).toBeNull();
    expect(conversionRate(40, 10)).toBe(25);
  });
});
