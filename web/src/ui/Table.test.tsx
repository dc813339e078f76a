import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Column, nextSort, type Sort, Table } from './Table';

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
