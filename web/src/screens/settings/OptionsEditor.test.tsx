import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { draftsOf, newDraft, type OptionDraft, OptionsEditor, optionsToSave } from './OptionsEditor';
import { moveItem, optionValue, regionOptions, timeZoneOptions } from './options';
import { stagesFromLines } from './PipelineDialogs';

afterEach(cleanup);

function Harness({ initial, saved }: { initial: OptionDraft[]; saved: { value: string; label: string }[][] }) {
  const [drafts, setDrafts] = useState(initial);
  return (
    <>
      <OptionsEditor drafts={drafts} onChange={setDrafts} />
      <button type="button" onClick={() => saved.push(optionsToSave(drafts))}>
        Save
      </button>
    </>
  );
}

describe('OptionsEditor', () => {
  it('keeps the stored value of a renamed option and derives unique values for new ones', () => {
    const saved: { value: string; label: string }[][] = [];
    render(<Harness initial={draftsOf([{ value: 'annual', label: 'Annual' }])} saved={saved} />);
    fireEvent.change(screen.getByLabelText('Option 1'), { target: { value: 'Yearly' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add option' }));
    fireEvent.change(screen.getByLabelText('Option 2'), { target: { value: 'Annual' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add option' }));
    fireEvent.change(screen.getByLabelText('Option 3'), { target: { value: 'Annual!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add option' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(saved[0]).toEqual([
      { value: 'annual', label: 'Yearly' },
      { value: 'annual_2', label: 'Annual' },
      { value: 'annual_3', label: 'Annual!' },
    ]);
  });

  it('removes an option by its button', () => {
    const saved: { value: string; label: string }[][] = [];
    const drafts = draftsOf([
      { value: 'a', label: 'Alpha' },
      { value: 'b', label: 'Beta' },
    ]);
    render(<Harness initial={drafts} saved={saved} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove option Alpha' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(saved[0]).toEqual([{ value: 'b', label: 'Beta' }]);
  });

  it('drops blank rows', () => {
    expect(optionsToSave([newDraft(), { ...newDraft(), label: ' Key account (EU) ' }])).toEqual([
      { value: 'key_account_eu', label: 'Key account (EU)' },
    ]);
  });
});

describe('settings helpers', () => {
  it('makes API-safe option values', () => {
    expect(optionValue('Crème brûlée')).toBe('creme_brulee');
    expect(optionValue('!!!')).toBe('option');
  });

  it('moves list items within bounds', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 9)).toEqual(['b', 'c', 'a']);
  });

  it('spreads stage probabilities evenly', () => {
    expect(stagesFromLines('Lead\n\n Demo \nClose')).toEqual([
      { name: 'Lead', probability: 25 },
      { name: 'Demo', probability: 50 },
      { name: 'Close', probability: 75 },
    ]);
  });

  it('offers real regions and time zones, keeping a stored value the browser does not list', () => {
    const regions = regionOptions();
    expect(regions).toContainEqual({ value: 'FR', label: 'France (FR)' });
    expect(regions.some((r) => r.value === 'ZZ' || r.value === 'AA')).toBe(false);
    const zones = timeZoneOptions('Mars/Olympus');
    expect(zones[0]).toEqual({ value: 'Mars/Olympus', label: 'Mars/Olympus' });
    expect(zones).toContainEqual({ value: 'UTC', label: 'UTC' });
    expect(zones).toContainEqual({ value: 'Europe/Paris', label: 'Europe/Paris' });
  });
});
