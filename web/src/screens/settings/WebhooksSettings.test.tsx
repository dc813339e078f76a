import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EventTypeChecks } from './WebhooksSettings';
import type { Webhook, WebhookDelivery, WebhookEventType } from './webhooks.api';
import { deliveryOutcome, deliveryStatusLabel, eventLabel, groupEventTypes, webhookState } from './webhooks.model';

afterEach(cleanup);

const types: WebhookEventType[] = ['contact.created', 'contact.lifecycle_stage_changed', 'deal.stage_changed', 'deal.won'];

function Harness({ seen }: { seen: WebhookEventType[][] }) {
  const [chosen, setChosen] = useState<WebhookEventType[]>(['deal.won']);
  return (
    <EventTypeChecks
      types={types}
      chosen={chosen}
      onChange={(next) => {
        seen.push(next);
        setChosen(next);
      }}
      error="Choose at least one event type"
    />
  );
}

describe('EventTypeChecks', () => {
  it('groups the event types by record and toggles them', () => {
    const seen: WebhookEventType[][] = [];
    render(<Harness seen={seen} />);
    const deals = screen.getByRole('group', { name: 'Deals' });
    expect(within(deals).getAllByRole('checkbox')).toHaveLength(2);
    expect(
      (within(screen.getByRole('group', { name: 'Contacts' })).getByLabelText(/Lifecycle stage changed/) as HTMLInputElement).checked,
    ).toBe(false);
    expect((within(deals).getByLabelText(/Won/) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByLabelText(/Created/));
    fireEvent.click(within(deals).getByLabelText(/Won/));
    expect(seen).toEqual([['deal.won', 'contact.created'], ['contact.created']]);
    expect(screen.getByRole('alert').textContent).toBe('Choose at least one event type');
  });
});

describe('webhook helpers', () => {
  it('names and groups event types', () => {
    expect(eventLabel('deal.stage_changed')).toBe('Stage changed');
    expect(groupEventTypes(types).map((g) => [g.label, g.types.length])).toEqual([
      ['Contacts', 2],
      ['Deals', 2],
    ]);
  });

  it('says how a webhook and a delivery are doing', () => {
    const webhook = { enabled: true, failingSince: null, disabledReason: null } as Webhook;
    expect(webhookState(webhook).label).toBe('Active');
    expect(webhookState({ ...webhook, failingSince: '2026-01-01T00:00:00.000Z' }).label).toBe('Failing');
    expect(webhookState({ ...webhook, enabled: false, disabledReason: 'A delivery failed 14 attempts' }).label).toBe('Disabled by Rapport');

    const attempt = { attemptedAt: '2026-01-01T00:00:00.000Z', responseStatus: 503, responseTimeMs: 41, responseBody: 'busy', error: null };
    const delivery = { status: 'pending', attempts: 1, attemptLog: [attempt] } as unknown as WebhookDelivery;
    expect(deliveryOutcome(delivery)).toBe('HTTP 503 · 41 ms');
    expect(deliveryStatusLabel(delivery)).toBe('Retrying (attempt 1 failed)');
    const refused = { ...delivery, attemptLog: [{ ...attempt, responseStatus: null, error: 'Refused to deliver to 10.0.0.1' }] };
    expect(deliveryOutcome(refused)).toBe('Refused to deliver to 10.0.0.1 · 41 ms');
    expect(deliveryStatusLabel({ ...delivery, status: 'failed', attempts: 14 })).toBe('Gave up after 14 attempts');
    expect(deliveryOutcome({ ...delivery, attemptLog: [] })).toBe('Not tried yet');
  });
});
