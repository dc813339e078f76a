import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { PaletteDialog, type SearchFn } from './CommandPalette';
import { hitPath, paletteItems, type SearchHit } from './palette';

const grace: SearchHit = {
  type: 'contact',
  id: '11111111-1111-4111-8111-111111111111',
  title: 'Grace Hopper',
  snippet: 'grace@navy.example · Navy',
  score: 3,
  links: [],
  activityKind: null,
  occurredAt: null,
};
const navy: SearchHit = { ...grace, type: 'company', id: '22222222-2222-4222-8222-222222222222', title: 'Navy', snippet: 'navy.example' };
const call: SearchHit = {
  ...grace,
  type: 'activity',
  id: '33333333-3333-4333-8333-333333333333',
  title: 'Call about COBOL',
  snippet: 'talked compilers',
  activityKind: 'call',
  links: [
    { type: 'deal', id: '44444444-4444-4444-8444-444444444444', name: 'Compiler licence' },
    { type: 'contact', id: grace.id, name: 'Grace Hopper' },
  ],
};

afterEach(cleanup);

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

function renderPalette(search: SearchFn, closed: string[] = []) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={['/contacts']}>
        <Routes>
          <Route path="*" element={<Where />} />
        </Routes>
        <PaletteDialog open onClose={() => closed.push('closed')} onCreate={(what) => closed.push(`create ${what}`)} search={search} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return screen.getByRole('combobox', { name: 'Search records or type a command' });
}

const options = () => screen.getAllByRole('option').map((o) => o.textContent);
const activeOption = (input: HTMLElement) => document.getElementById(input.getAttribute('aria-activedescendant') ?? '')?.textContent;

describe('palette rows', () => {
  it('opens records by type, and an activity at its first linked record', () => {
    expect(hitPath(grace)).toBe(`/contacts/${grace.id}`);
    expect(hitPath(navy)).toBe(`/companies/${navy.id}`);
    expect(hitPath(call)).toBe('/deals/44444444-4444-4444-8444-444444444444');
    expect(hitPath({ ...call, links: [] })).toBeNull();
  });

  it('lists matching quick actions first, then hits grouped by type with the activity detail', () => {
    const items = paletteItems('gr', [grace, call, navy]);
    expect(items.map((i) => [i.group, i.label])).toEqual([
      ['Contacts', 'Grace Hopper'],
      ['Activities', 'Call about COBOL'],
      ['Companies', 'Navy'],
    ]);
    expect(items[1]?.detail).toBe('call · talked compilers · with Compiler licence, Grace Hopper');
    expect(paletteItems('new d', []).map((i) => i.label)).toEqual(['New deal']);
    expect(paletteItems('', [])).toHaveLength(6);
  });
});

describe('PaletteDialog', () => {
  it('shows the quick actions when empty; arrows move, wrap, and Enter goes there', () => {
    const closed: string[] = [];
    const input = renderPalette(async () => [], closed);
    expect(options()[0]).toBe('New contact');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(activeOption(input)).toBe('New contact');
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(activeOption(input)).toBe('Go to tasks');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(activeOption(input)).toBe('New deal');
    expect(screen.getByRole('option', { name: 'New deal' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'End' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(closed).toEqual(['closed']);
    expect(screen.getByTestId('where').textContent).toBe('/tasks');
  });

  it('runs one search after typing settles and Enter opens the active hit', async () => {
    const queries: string[] = [];
    const closed: string[] = [];
    const input = renderPalette(async (q) => {
      queries.push(q);
      return [grace, call];
    }, closed);
    fireEvent.change(input, { target: { value: 'g' } });
    fireEvent.change(input, { target: { value: 'gra' } });
    await waitFor(() => expect(options()).toContain('Grace Hoppergrace@navy.example · Navy'));
    expect(queries).toEqual(['gra']);
    expect(screen.getByText('Contacts')).toBeTruthy();
    expect(screen.getByText('Activities')).toBeTruthy();
    expect(activeOption(input)).toContain('Grace Hopper');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(activeOption(input)).toContain('Call about COBOL');
    await act(async () => fireEvent.keyDown(input, { key: 'Enter' }));
    expect(screen.getByTestId('where').textContent).toBe('/deals/44444444-4444-4444-8444-444444444444');
    expect(closed).toEqual(['closed']);
  });

  it('a click on a hit opens it; "new contact" asks for the dialog', async () => {
    const closed: string[] = [];
    const input = renderPalette(async () => [grace], closed);
    fireEvent.change(input, { target: { value: 'new' } });
    await waitFor(() => expect(options()).toEqual(['New contact', 'New deal', 'Grace Hoppergrace@navy.example · Navy']));
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(closed).toEqual(['closed', 'create contact']);
    fireEvent.click(screen.getByRole('option', { name: /Grace Hopper/ }));
    expect(screen.getByTestId('where').textContent).toBe(`/contacts/${grace.id}`);
  });

  it('says when nothing matches', async () => {
    const input = renderPalette(async () => []);
    fireEvent.change(input, { target: { value: 'zzz' } });
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Nothing matches “zzz”'));
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });
});
