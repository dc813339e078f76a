import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { MergeForm } from './MergeDialog';
import type { CustomField, DuplicatePair, MergeRecord, MergeRequest } from './merge';

const tier: CustomField = {
  id: '00000000-0000-4000-8000-000000000001',
  key: 'tier',
  label: 'Tier',
  type: 'text',
  objectType: 'contact',
  options: [],
  archived: false,
  description: null,
  position: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const sarah: MergeRecord = {
  id: 'aaaaaaaa-0000-4000-8000-000000000000',
  createdAt: '2026-01-01T00:00:00.000Z',
  firstName: 'Sarah',
  lastName: 'Connor',
  email: 'sarah@sky.example',
  phone: '+12025550100',
  jobTitle: null,
  lifecycleStage: 'lead',
  custom: { tier: 'gold' },
};
const sarahJ: MergeRecord = {
  id: 'bbbbbbbb-0000-4000-8000-000000000000',
  createdAt: '2026-02-01T00:00:00.000Z',
  firstName: 'Sarah J.',
  lastName: 'Connor',
  email: 'sarah@sky.example',
  phone: '+12025550199',
  jobTitle: 'Resistance lead',
  lifecycleStage: 'lead',
  custom: { tier: 'silver' },
};
const summary = (r: MergeRecord, related = { deals: 0, activities: 0, tasks: 0, people: 0 }) => ({
  id: r.id,
  name: `${r.firstName} ${r.lastName}`,
  email: r.email as string,
  phone: r.phone as string,
  domain: null,
  company: null,
  createdAt: r.createdAt as string,
  related,
});

afterEach(cleanup);

function renderForm(pair: DuplicatePair, onSubmit: (body: MergeRequest) => Promise<void>) {
  render(
    <MergeForm
      object="contacts"
      pair={pair}
      records={{ a: sarah, b: sarahJ }}
      customFields={[tier]}
      lookups={{ memberName: () => undefined, companyName: () => undefined }}
      onSubmit={onSubmit}
      onCancel={() => {}}
    />,
  );
}

const field = (label: string) => screen.getByRole('group', { name: label });

describe('MergeForm', () => {
  it('offers only the differing fields, and sends the values picked on either side', async () => {
    const sent: MergeRequest[] = [];
    renderForm({ a: summary(sarah), b: summary(sarahJ), reasons: ['same_email'] }, async (body) => void sent.push(body));

    // Same on both: listed once among the identical fields, not offered as a choice.
    expect(screen.queryByRole('group', { name: 'Last name' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Primary email' })).toBeNull();
    expect(screen.getByText('3 identical fields')).toBeTruthy();
    for (const label of ['First name', 'Primary phone', 'Job title', 'Tier'])
      expect(within(field(label)).getAllByRole('radio')).toHaveLength(2);

    // Equally complete? No: b has a job title, so b is suggested and kept by default.
    const keep = screen.getByRole('group', { name: 'Keep which contact?' });
    expect((within(keep).getByRole('radio', { name: /Sarah J\. Connor/ }) as HTMLInputElement).checked).toBe(true);
    // The job title only b has is kept; the survivor's own values are preselected.
    expect((within(field('Job title')).getByRole('radio', { name: /Resistance lead/ }) as HTMLInputElement).checked).toBe(true);

    // Keep the older record, and from the newer one its first name.
    fireEvent.click(within(keep).getByRole('radio', { name: /^Sarah Connor/ }));
    fireEvent.click(within(field('First name')).getByRole('radio', { name: /Sarah J\./ }));
    fireEvent.click(within(field('Tier')).getByRole('radio', { name: /gold/ }));
    expect(screen.getByRole('button', { name: 'Merge into Sarah Connor' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Merge into Sarah Connor' }));

    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      survivorId: sarah.id,
      mergedId: sarahJ.id,
      fields: { firstName: 'merged', phone: 'survivor', jobTitle: 'merged', 'custom.tier': 'survivor' },
    });
  });

  it('suggests the older record when both hold as much, and says what moves', () => {
    const equal = { ...sarahJ, jobTitle: null };
    render(
      <MergeForm
        object="contacts"
        pair={{
          a: summary(sarah),
          b: summary(equal, { deals: 0, activities: 0, tasks: 0, people: 0 }),
          reasons: ['same_email'],
        }}
        records={{ a: sarah, b: equal }}
        customFields={[tier]}
        lookups={{ memberName: () => undefined, companyName: () => undefined }}
        onSubmit={async () => {}}
        onCancel={() => {}}
      />,
    );
    const keep = screen.getByRole('group', { name: 'Keep which contact?' });
    expect((within(keep).getByRole('radio', { name: /^Sarah Connor/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('Nothing else is linked to Sarah J. Connor.')).toBeTruthy();
  });

  it('names the records that move, and shows why the API refused', async () => {
    renderForm(
      { a: summary(sarah, { deals: 2, activities: 1, tasks: 0, people: 0 }), b: summary(sarahJ), reasons: ['same_email'] },
      async () => {
        throw new ApiError({
          type: 'about:blank',
          title: 'Conflict',
          status: 409,
          code: 'conflict',
          detail: 'This contact was already merged into another',
        });
      },
    );
    // a holds more (two deals, an activity): it is kept, and b's nothing moves.
    expect(screen.getByText('Nothing else is linked to Sarah J. Connor.')).toBeTruthy();
    fireEvent.click(within(screen.getByRole('group', { name: 'Keep which contact?' })).getByRole('radio', { name: /Sarah J\. Connor/ }));
    expect(screen.getByText('2 deals, 1 activity move from Sarah Connor to Sarah J. Connor.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Merge into Sarah J. Connor' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This contact was already merged into another');
  });
});
