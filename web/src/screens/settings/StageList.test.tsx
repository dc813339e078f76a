import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { moveItem } from './options';
import { requiredFieldLabel, StageList } from './StageList';
import type { CustomField, Stage } from './settings.api';

const pipelineId = '00000000-0000-4000-8000-000000000000';
const stage = (n: number, name: string, extra: Partial<Stage> = {}): Stage => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  pipelineId,
  name,
  position: n,
  probability: n * 10,
  rottenDays: null,
  requiredFields: [],
  ...extra,
});
const contractType: CustomField = {
  id: '10000000-0000-4000-8000-000000000000',
  objectType: 'deal',
  key: 'contract_type',
  label: 'Contract type',
  type: 'single_select',
  options: [{ value: 'annual', label: 'Annual' }],
  description: null,
  position: 0,
  archived: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const initial = [
  stage(1, 'Qualified'),
  stage(2, 'Proposal', { rottenDays: 14 }),
  stage(3, 'Legal', { requiredFields: ['amount', 'custom.contract_type'] }),
];

afterEach(cleanup);

/** The list with its order kept in state, as the settings screen keeps it in the query cache. */
function Harness({ editable = true }: { editable?: boolean }) {
  const [stages, setStages] = useState(initial);
  return (
    <StageList
      stages={stages}
      customFields={[contractType]}
      editable={editable}
      onMove={(s, to) => setStages((all) => moveItem(all, all.indexOf(s), to))}
      onEdit={() => {}}
      onRemove={() => {}}
    />
  );
}

const names = () => screen.getAllByRole('listitem').map((li) => li.querySelector('.settings-row-title')?.textContent);

describe('StageList', () => {
  it('moves a stage with its buttons and keeps the focus on it, so the keyboard can move it again', () => {
    render(<Harness />);
    const up = screen.getByRole('button', { name: 'Move Legal up' });
    up.focus();
    fireEvent.click(up);
    expect(names()).toEqual(['Qualified', 'Legal', 'Proposal']);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Legal up' }));
    fireEvent.click(screen.getByRole('button', { name: 'Move Legal up' }));
    expect(names()).toEqual(['Legal', 'Qualified', 'Proposal']);
    // At the top "up" is disabled, so the focus moves to "down" in the same row.
    expect(screen.getByRole('button', { name: 'Move Legal up' })).toHaveProperty('disabled', true);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Legal down' }));
  });

  it('names required fields by their labels and shows each stage’s settings', () => {
    render(<Harness />);
    const legal = screen.getAllByRole('listitem')[2];
    const required = [...(legal?.querySelectorAll('.stage-required .settings-tag') ?? [])].map((tag) => tag.textContent);
    expect(required).toEqual(['Amount', 'Contract type']);
    expect(legal?.textContent).toContain('30% win probability · never rotten');
    expect(screen.getAllByRole('listitem')[1]?.textContent).toContain('rotten after 14 days');
  });

  it('is read-only without the right to manage pipelines: no buttons at all', () => {
    render(<Harness editable={false} />);
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('falls back to the key for a custom field it has no definition of', () => {
    expect(requiredFieldLabel('custom.region', [contractType])).toBe('region');
    expect(requiredFieldLabel('expectedCloseDate', [])).toBe('Expected close date');
  });
});
