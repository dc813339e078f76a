import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FilterBuilder,
  type FilterField,
  type FilterGroupDraft,
  filterErrors,
  fromFilterGroups,
  operatorsFor,
  toFilterGroups,
} from './FilterBuilder';

const fields: FilterField[] = [
  { key: 'name', label: 'Name', kind: 'text' },
  {
    key: 'lifecycleStage',
    label: 'Lifecycle stage',
    kind: 'select',
    options: [
      { value: 'lead', label: 'Lead' },
      { value: 'customer', label: 'Customer' },
    ],
  },
  { key: 'custom.seats', label: 'Seats', kind: 'number' },
  { key: 'createdAt', label: 'Created', kind: 'datetime' },
  { key: 'custom.vip', label: 'VIP', kind: 'boolean' },
  { key: 'amount', label: 'Amount', kind: 'number', scale: 100 },
];

/** The builder with its own state, reporting the body it would send. */
function Harness({ errors, initial = [] }: { errors?: Record<string, string>; initial?: FilterGroupDraft[] }) {
  const [groups, setGroups] = useState<FilterGroupDraft[]>(initial);
  return (
    <>
      <FilterBuilder fields={fields} groups={groups} onChange={setGroups} errors={errors} />
      <output data-testid="body">{JSON.stringify(toFilterGroups(groups, fields))}</output>
    </>
  );
}

const body = () => JSON.parse(screen.getByTestId('body').textContent ?? '[]');
const select = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

afterEach(cleanup);

describe('FilterBuilder', () => {
  it('builds an AND group and an OR group into the exact filterGroups body', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: '+ Add filter' }));
    select('Field, filter 1 of group 1', 'lifecycleStage');
    select('Operator, filter 1 of group 1', 'eq');
    select('Value, filter 1 of group 1', 'lead');

    fireEvent.click(screen.getByRole('button', { name: '+ And' }));
    select('Field, filter 2 of group 1', 'custom.seats');
    select('Operator, filter 2 of group 1', 'gte');
    type('Value, filter 2 of group 1', '25');

    fireEvent.click(screen.getByRole('button', { name: '+ Or group' }));
    select('Field, filter 1 of group 2', 'name');
    select('Operator, filter 1 of group 2', 'starts_with');
    type('Value, filter 1 of group 2', 'Ada');

    expect(screen.getByText('or')).toBeTruthy();
    expect(body()).toEqual([
      {
        filters: [
          { field: 'lifecycleStage', operator: 'eq', value: 'lead' },
          { field: 'custom.seats', operator: 'gte', value: 25 },
        ],
      },
      { filters: [{ field: 'name', operator: 'starts_with', value: 'Ada' }] },
    ]);
  });

  it('offers the operators that fit each kind of field, every API operator among them', () => {
    expect(operatorsFor('text')).toEqual(['contains', 'eq', 'neq', 'starts_with', 'in', 'not_in', 'is_empty', 'is_not_empty']);
    expect(operatorsFor('number')).toContain('between');
    expect(operatorsFor('boolean')).toEqual(['eq', 'neq', 'is_empty', 'is_not_empty']);
    expect(operatorsFor('select')).not.toContain('contains');
    const all = new Set((['text', 'number', 'date', 'datetime', 'boolean', 'select', 'multi'] as const).flatMap(operatorsFor));
    expect(all.size).toBe(13);

    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: '+ Add filter' }));
    select('Field, filter 1 of group 1', 'custom.vip');
    const operators = within(screen.getByLabelText('Operator, filter 1 of group 1')).getAllByRole('option');
    expect(operators.map((o) => o.textContent)).toEqual(['is', 'is not', 'is empty', 'is not empty']);
  });

  it('types values by kind: numbers, Yes/No, dates between, options and empty checks', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: '+ Add filter' }));
    select('Field, filter 1 of group 1', 'custom.vip');
    select('Value, filter 1 of group 1', 'false');
    expect(body()).toEqual([{ filters: [{ field: 'custom.vip', operator: 'eq', value: false }] }]);

    select('Field, filter 1 of group 1', 'createdAt');
    select('Operator, filter 1 of group 1', 'between');
    expect((screen.getByLabelText('From, filter 1 of group 1') as HTMLInputElement).type).toBe('date');
    type('From, filter 1 of group 1', '2026-01-01');
    type('To, filter 1 of group 1', '2026-03-31');
    expect(body()).toEqual([{ filters: [{ field: 'createdAt', operator: 'between', values: ['2026-01-01', '2026-03-31'] }] }]);

    select('Field, filter 1 of group 1', 'lifecycleStage');
    select('Operator, filter 1 of group 1', 'in');
    fireEvent.click(screen.getByLabelText('Lead'));
    fireEvent.click(screen.getByLabelText('Customer'));
    expect(body()).toEqual([{ filters: [{ field: 'lifecycleStage', operator: 'in', values: ['lead', 'customer'] }] }]);

    select('Field, filter 1 of group 1', 'name');
    select('Operator, filter 1 of group 1', 'not_in');
    type('Values, filter 1 of group 1', 'Ada, Grace,');
    expect(body()).toEqual([{ filters: [{ field: 'name', operator: 'not_in', values: ['Ada', 'Grace'] }] }]);

    select('Operator, filter 1 of group 1', 'is_empty');
    expect(screen.queryByLabelText('Value, filter 1 of group 1')).toBeNull();
    expect(body()).toEqual([{ filters: [{ field: 'name', operator: 'is_empty' }] }]);
  });

  it('shows the API field error beside the filter it names', () => {
    const errors = filterErrors([
      { field: 'filterGroups[1].filters[0].value', message: 'Expected a number value' },
      { field: 'body.sort', message: 'Unknown field' },
    ]);
    expect(errors).toEqual({ '1.0': 'Expected a number value' });
    render(
      <Harness
        errors={errors}
        initial={fromFilterGroups([
          { filters: [{ field: 'name', operator: 'contains', value: 'a' }] },
          { filters: [{ field: 'custom.seats', operator: 'gt', value: 'many' }] },
        ])}
      />,
    );
    const value = screen.getByLabelText('Value, filter 1 of group 2');
    expect(value.getAttribute('aria-invalid')).toBe('true');
    const message = document.getElementById(value.getAttribute('aria-describedby') ?? '');
    expect(message?.textContent).toBe('Expected a number value');
    expect(screen.getByLabelText('Value, filter 1 of group 1').getAttribute('aria-invalid')).toBeNull();
  });

  it('removing the last filter of a group removes the group', () => {
    render(<Harness initial={fromFilterGroups([{ filters: [{ field: 'name', operator: 'is_not_empty' }] }])} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove filter 1 of group 1' }));
    expect(body()).toEqual([]);
    expect(screen.getByText('No filters: every record shows.')).toBeTruthy();
  });

  it('sends amounts typed in major units as minor units, and shows stored ones back as typed', () => {
    render(<Harness />);
    fireEvent.click(screen.getByRole('button', { name: '+ Add filter' }));
    select('Field, filter 1 of group 1', 'amount');
    select('Operator, filter 1 of group 1', 'between');
    type('From, filter 1 of group 1', '12.5');
    type('To, filter 1 of group 1', '5000');
    const sent = body();
    expect(sent).toEqual([{ filters: [{ field: 'amount', operator: 'between', values: [1250, 500000] }] }]);
    // From the address or a saved view, the same filter reads as it was typed.
    expect(fromFilterGroups(sent, fields)).toEqual([
      { filters: [{ field: 'amount', operator: 'between', value: '12.5, 5000', values: ['12.5', '5000'] }] },
    ]);
    // Without the field's scale, stored numbers are shown as stored.
    expect(fromFilterGroups([{ filters: [{ field: 'amount', operator: 'gte', value: 1250 }] }])[0]?.filters[0]?.value).toBe('1250');
  });
});
