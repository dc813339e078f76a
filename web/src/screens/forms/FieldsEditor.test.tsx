import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FieldsEditor } from './FieldsEditor';
import type { DraftField } from './formDraft';
import type { FormProperty } from './forms.api';

const properties: FormProperty[] = [
  { key: 'email', label: 'Email', types: ['email'], options: null },
  { key: 'firstName', label: 'First name', types: ['text'], options: null },
  { key: 'custom.plan', label: 'Plan', types: ['select', 'radio'], options: [{ value: 'pro', label: 'Pro' }] },
];
const initial: DraftField[] = [
  { uid: 'a', key: 'email', label: 'Email', type: 'email', required: true, placeholder: '' },
  { uid: 'b', key: 'firstName', label: 'First name', type: 'text', required: false, placeholder: '' },
];

afterEach(cleanup);

/** The editor with its fields kept in state, as the builder keeps them in its draft. */
function Harness({ seen, errors = {} }: { seen: DraftField[][]; errors?: Record<string, string> }) {
  const [fields, setFields] = useState(initial);
  return (
    <FieldsEditor
      fields={fields}
      properties={properties}
      errors={errors}
      disabled={false}
      onChange={(next) => {
        seen.push(next);
        setFields(next);
      }}
    />
  );
}

const keys = () => screen.getAllByRole('listitem').map((li) => li.getAttribute('aria-label'));

describe('FieldsEditor', () => {
  it('moves, adds, relabels and removes fields; the email field stays required and cannot be removed', () => {
    const seen: DraftField[][] = [];
    render(<Harness seen={seen} />);
    const email = screen.getByRole('listitem', { name: 'Field 1: Email' });
    expect(within(email).getByRole('button', { name: 'Remove Email' })).toHaveProperty('disabled', true);
    expect(within(email).getByRole('checkbox', { name: 'Required' })).toHaveProperty('disabled', true);

    fireEvent.click(screen.getByRole('button', { name: 'Move First name up' }));
    expect(keys()).toEqual(['Field 1: First name', 'Field 2: Email']);

    fireEvent.change(screen.getByRole('combobox', { name: 'Add a field' }), { target: { value: 'custom.plan' } });
    const plan = screen.getByRole('listitem', { name: 'Field 3: Plan' });
    // A select custom field may be shown as a dropdown or radio buttons.
    fireEvent.change(within(plan).getByRole('combobox', { name: 'Shown as' }), { target: { value: 'radio' } });
    fireEvent.change(within(plan).getByRole('textbox', { name: 'Label' }), { target: { value: 'Your plan' } });
    fireEvent.click(within(plan).getByRole('checkbox', { name: 'Required' }));
    expect(seen.at(-1)?.[2]).toMatchObject({ key: 'custom.plan', label: 'Your plan', type: 'radio', required: true });
    // Every property is on the form now: nothing left to add.
    expect(screen.queryByRole('combobox', { name: 'Add a field' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Remove First name' }));
    expect(seen.at(-1)?.map((f) => f.key)).toEqual(['email', 'custom.plan']);
  });

  it("shows the API's error on the row it is about", () => {
    render(<Harness seen={[]} errors={{ 'fields[1].key': 'firstName is already on the form' }} />);
    const row = screen.getByRole('listitem', { name: 'Field 2: First name' });
    expect(within(row).getByRole('alert').textContent).toBe('firstName is already on the form');
  });
});
