import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  canSelectMatching,
  isSelected,
  noSelection,
  pageState,
  type Selection,
  selectedCount,
  selectRange,
  togglePage,
  toggleRow,
} from './selection';
import { type Column, moveCell, nextSort, type Sort, Table } from './Table';
import type { EditValue } from './ValueInput';

type Person = { id: string; name: string; email: string };

const people: Person[] = Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, name: `Person ${i}`, email: `p${i}@example.com` }));
const columns: Column<Person>[] = [
  { key: 'name', header: 'Name', width: '1fr', sortable: true, primary: true, render: (p) => p.name },
  { key: 'email', header: 'Email', width: '1fr', render: (p) => p.email },
];

beforeAll(() => {
  // The simulated DOM lays nothing out; give scroll containers the size of a real list viewport.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

afterEach(cleanup);

describe('Table', () => {
  it('renders only the rows in view, not the whole list', () => {
    render(<Table label="People" columns={columns} rows={people} rowKey={(p) => p.id} total={people.length} />);
    const table = screen.getByRole('table', { name: 'People' });
    expect(table.getAttribute('aria-rowcount')).toBe('1001');
    const rows = within(table).getAllByRole('row');
    // 400px of 40px rows plus the overscan, and the header: far fewer than 1,000.
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(within(table).getByText('Person 0')).toBeTruthy();
    expect(within(table).queryByText('Person 999')).toBeNull();
  });

  it('asks for the next page when the end of the loaded rows is in view', async () => {
    let asked = 0;
    const firstPage = people.slice(0, 15);
    const { rerender } = render(
      <Table label="People" columns={columns} rows={firstPage} rowKey={(p) => p.id} hasMore onLoadMore={() => asked++} />,
    );
    await act(async () => {});
    expect(asked).toBe(1);
    expect(screen.getByText('Loading more…')).toBeTruthy();
    // While that page loads nothing more is asked; once every row is loaded, nothing at all.
    rerender(
      <Table label="People" columns={columns} rows={firstPage} rowKey={(p) => p.id} hasMore loadingMore onLoadMore={() => asked++} />,
    );
    rerender(
      <Table label="People" columns={columns} rows={people.slice(0, 30)} rowKey={(p) => p.id} hasMore={false} onLoadMore={() => asked++} />,
    );
    await act(async () => {});
    expect(asked).toBe(1);
    expect(screen.queryByText('Loading more…')).toBeNull();
  });

  it('sorts by clicking a sortable header: ascending, descending, then back to the default', () => {
    const seen: Sort[] = [];
    const view = (sort: Sort) => (
      <Table
        label="People"
        columns={columns}
        rows={people.slice(0, 3)}
        rowKey={(p) => p.id}
        sort={sort}
        onSortChange={(s) => seen.push(s)}
      />
    );
    const { rerender } = render(view(null));
    fireEvent.click(screen.getByRole('button', { name: 'Name' }));
    expect(seen.at(-1)).toEqual({ field: 'name', direction: 'asc' });
    rerender(view({ field: 'name', direction: 'asc' }));
    expect(screen.getAllByRole('columnheader')[0]?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    expect(seen.at(-1)).toEqual({ field: 'name', direction: 'desc' });
    // The email column is not sortable: it is plain text, not a button.
    expect(screen.queryByRole('button', { name: 'Email' })).toBeNull();
    expect(nextSort({ field: 'name', direction: 'desc' }, 'name')).toBeNull();
    expect(nextSort({ field: 'name', direction: 'desc' }, 'email')).toEqual({ field: 'email', direction: 'asc' });
  });

  it('opens a row by click or by Enter', () => {
    const opened: string[] = [];
    render(<Table label="People" columns={columns} rows={people.slice(0, 3)} rowKey={(p) => p.id} onRowClick={(p) => opened.push(p.id)} />);
    const row = screen.getByText('Person 1').closest('[role="row"]') as HTMLElement;
    fireEvent.click(row);
    fireEvent.keyDown(screen.getByText('Person 2').closest('[role="row"]') as HTMLElement, { key: 'Enter' });
    expect(opened).toEqual(['p1', 'p2']);
  });
});

type Member = { id: string; name: string; email: string; stage: string };
const stages = [
  { value: 'lead', label: 'Lead' },
  { value: 'customer', label: 'Customer' },
];
const editable: Column<Member>[] = [
  { key: 'name', header: 'Name', width: '1fr', primary: true, render: (m) => m.name },
  { key: 'email', header: 'Email', width: '1fr', render: (m) => m.email, edit: { kind: 'email', value: (m) => m.email } },
  {
    key: 'stage',
    header: 'Stage',
    width: '1fr',
    render: (m) => stages.find((s) => s.value === m.stage)?.label ?? '',
    edit: { kind: 'select', value: (m) => m.stage, options: () => stages },
  },
];

/**
 * A list as a screen holds it: rows, a selection, and a save that changes the row at once and
 * puts it back (rejecting with the API's words) when the email has no @.
 */
function EditableList({
  size = 5,
  onSave,
  onOpen,
}: {
  size?: number;
  onSave?: (id: string, key: string, value: EditValue) => void;
  onOpen?: (m: Member) => void;
}) {
  const [rows, setRows] = useState<Member[]>(() =>
    Array.from({ length: size }, (_, i) => ({ id: `m${i}`, name: `Member ${i}`, email: `m${i}@example.com`, stage: 'lead' })),
  );
  const [selection, setSelection] = useState<Selection>(noSelection);
  const save = async (row: Member, key: string, value: EditValue) => {
    onSave?.(row.id, key, value);
    setRows((all) => all.map((r) => (r.id === row.id ? { ...r, [key]: value } : r)));
    await Promise.resolve();
    if (key === 'email' && !String(value).includes('@')) {
      setRows((all) => all.map((r) => (r.id === row.id ? row : r)));
      throw new Error('Not a valid email address');
    }
  };
  return (
    <>
      <Table
        label="Members"
        columns={editable}
        rows={rows}
        rowKey={(m) => m.id}
        rowLabel={(m) => m.name}
        total={size}
        selection={selection}
        onSelectionChange={setSelection}
        onCellEdit={save}
        onRowClick={onOpen}
      />
      <output data-testid="selection">{selection.kind === 'matching' ? 'matching' : [...selection.keys].sort().join(',')}</output>
    </>
  );
}

const cell = (row: string, column: string) => {
  const tableRow = screen.getByText(row).closest('[role="row"]') as HTMLElement;
  const index = ['select', ...editable.map((c) => c.key)].indexOf(column);
  return within(tableRow).getAllByRole('cell')[index] as HTMLElement;
};

describe('selection', () => {
  const loaded = ['a', 'b', 'c', 'd', 'e'];

  it('ticks rows one by one, and a shift-click ticks the range from the last one', () => {
    let s = toggleRow(noSelection, 'b', loaded);
    s = selectRange(s, 'd', loaded);
    expect([...(s.kind === 'rows' ? s.keys : [])].sort()).toEqual(['b', 'c', 'd']);
    // A range the other way, onto a selected row, unticks it all.
    s = selectRange(s, 'b', loaded);
    expect(selectedCount(s, 5)).toBe(0);
    // Without a row clicked before, a shift-click is a plain tick.
    expect(selectedCount(selectRange(noSelection, 'c', loaded), 5)).toBe(1);
  });

  it('selects the loaded page from the header, then every record matching beyond it', () => {
    const page = togglePage(noSelection, loaded);
    expect(pageState(page, loaded)).toBe('all');
    expect(canSelectMatching(page, loaded, 5)).toBe(false);
    expect(canSelectMatching(page, loaded, 120)).toBe(true);
    const all: Selection = { kind: 'matching' };
    expect(selectedCount(all, 120)).toBe(120);
    expect(isSelected(all, 'not-loaded-yet')).toBe(true);
    // Unticking one row of "all matching" keeps the other loaded rows.
    const but = toggleRow(all, 'c', loaded);
    expect(selectedCount(but, 120)).toBe(4);
    expect(pageState(but, loaded)).toBe('some');
    expect(togglePage(page, loaded)).toEqual(noSelection);
  });

  it('ticks rows in the table: header for the page, shift-click for a range, Space on a focused row', () => {
    render(<EditableList />);
    const selected = () => screen.getByTestId('selection').textContent;
    fireEvent.click(screen.getByLabelText('Select Member 1'));
    fireEvent.click(screen.getByLabelText('Select Member 3'), { shiftKey: true });
    expect(selected()).toBe('m1,m2,m3');
    const header = screen.getByLabelText('Select all 5 loaded') as HTMLInputElement;
    expect(header.indeterminate).toBe(true);
    fireEvent.click(header);
    expect(selected()).toBe('m0,m1,m2,m3,m4');
    expect(screen.getByText('Member 0').closest('[role="row"]')?.getAttribute('aria-selected')).toBe('true');
    fireEvent.click(header);
    expect(selected()).toBe('');
    const email = cell('Member 4', 'email');
    fireEvent.click(email);
    fireEvent.keyDown(email, { key: ' ' });
    expect(selected()).toBe('m4');
  });
});

describe('Table cells', () => {
  it('moves the focused cell with the arrow keys, Home and End, within the grid', () => {
    const size = { rows: 3, cols: 4 };
    expect(moveCell({ row: 0, col: 1 }, 'ArrowDown', false, size)).toEqual({ row: 1, col: 1 });
    expect(moveCell({ row: 0, col: 1 }, 'ArrowUp', false, size)).toEqual({ row: 0, col: 1 });
    expect(moveCell({ row: 2, col: 3 }, 'ArrowRight', false, size)).toEqual({ row: 2, col: 3 });
    expect(moveCell({ row: 1, col: 2 }, 'Home', false, size)).toEqual({ row: 1, col: 0 });
    expect(moveCell({ row: 1, col: 2 }, 'End', true, size)).toEqual({ row: 2, col: 3 });
    expect(moveCell({ row: 1, col: 2 }, 'PageDown', false, size)).toEqual({ row: 2, col: 2 });
    expect(moveCell({ row: 1, col: 2 }, 'a', false, size)).toBeNull();

    render(<EditableList />);
    const start = cell('Member 0', 'email');
    fireEvent.click(start);
    start.focus();
    fireEvent.keyDown(start, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(cell('Member 1', 'email'));
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(cell('Member 1', 'stage'));
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Home' });
    expect(document.activeElement).toBe(cell('Member 1', 'select'));
    // One tab stop: only the focused cell is in the tab order.
    const tabbable = screen.getAllByRole('cell').filter((c) => c.tabIndex === 0);
    expect(tabbable).toEqual([cell('Member 1', 'select')]);
  });

  it('edits a cell on Enter and saves it with Enter, the new value shown at once', async () => {
    const saved: [string, string, EditValue][] = [];
    render(<EditableList onSave={(...args) => saved.push(args)} />);
    const email = cell('Member 2', 'email');
    fireEvent.click(email);
    fireEvent.keyDown(email, { key: 'Enter' });
    const input = screen.getByLabelText('Email of Member 2') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    expect(input.value).toBe('m2@example.com');
    fireEvent.change(input, { target: { value: 'ada@example.com' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.queryByLabelText('Email of Member 2')).toBeNull();
    expect(cell('Member 2', 'email').textContent).toBe('ada@example.com');
    await waitFor(() => expect(cell('Member 2', 'email').getAttribute('aria-busy')).toBeNull());
    expect(saved).toEqual([['m2', 'email', 'ada@example.com']]);
    // The focus is back on the cell, ready for the next key.
    expect(document.activeElement).toBe(cell('Member 2', 'email'));
  });

  it('cancels an edit with Escape: nothing is saved and the value stays', () => {
    const saved: unknown[] = [];
    render(<EditableList onSave={(...args) => saved.push(args)} />);
    fireEvent.doubleClick(cell('Member 1', 'stage'));
    const select = screen.getByLabelText('Stage of Member 1') as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'customer' } });
    fireEvent.keyDown(select, { key: 'Escape' });
    fireEvent.blur(select);
    expect(screen.queryByLabelText('Stage of Member 1')).toBeNull();
    expect(cell('Member 1', 'stage').textContent).toBe('Lead');
    expect(saved).toEqual([]);
  });

  it('shows a refused edit at the cell with the editor still open, the row as it was', async () => {
    render(<EditableList />);
    fireEvent.doubleClick(cell('Member 3', 'email'));
    const input = screen.getByLabelText('Email of Member 3');
    fireEvent.change(input, { target: { value: 'no at sign' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not a valid email address');
    const reopened = screen.getByLabelText('Email of Member 3') as HTMLInputElement;
    expect(reopened.value).toBe('no at sign');
    expect(reopened.getAttribute('aria-invalid')).toBe('true');
    expect(reopened.getAttribute('aria-describedby')).toBe(alert.id);
    // Leaving the cell with the refused value unchanged gives up: the old value shows again.
    fireEvent.blur(reopened);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(cell('Member 3', 'email').textContent).toBe('m3@example.com');
  });

  it('opens the row from its primary cell, by click or Enter, and not from the others', () => {
    const opened: string[] = [];
    render(<EditableList onOpen={(m) => opened.push(m.id)} />);
    fireEvent.click(cell('Member 0', 'name'));
    fireEvent.click(cell('Member 0', 'email'));
    fireEvent.keyDown(cell('Member 4', 'name'), { key: 'Enter' });
    expect(opened).toEqual(['m0', 'm4']);
  });
});
