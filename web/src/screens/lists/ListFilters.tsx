import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../ui/Button';
import {
  FilterBuilder,
  type FilterField,
  type FilterGroupDraft,
  type FilterGroups,
  fromFilterGroups,
  toFilterGroups,
} from '../../ui/FilterBuilder';
import { useSavedView } from './lists.api';

/** `?filters=` as filter groups, or null when absent or not readable (a hand-edited address). */
export function parseFilterParam(raw: string | null): FilterGroups | null {
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as FilterGroups) : null;
  } catch {
    return null;
  }
}

/**
 * The filters a list or the deals board shows, kept in the address so a link, a reload or a
 * switch between the board and the list keeps them: `?view=<id>` opens a saved view, and
 * `?filters=<JSON>` holds filters applied on top of it (or on their own without a view).
 */
export function useListFilters() {
  const [params, setParams] = useSearchParams();
  const viewId = params.get('view');
  const view = useSavedView(viewId);
  const raw = params.get('filters');
  const fromAddress = useMemo(() => parseFilterParam(raw), [raw]);
  const viewFilters = view.data?.filterGroups as FilterGroups | undefined;
  const applied = useMemo(() => fromAddress ?? viewFilters ?? [], [fromAddress, viewFilters]);

  const apply = useCallback(
    (groups: FilterGroups) =>
      setParams((previous) => {
        const next = new URLSearchParams(previous);
        // The open view's own filters need no copy in the address; without a view, none means none.
        const same = JSON.stringify(groups) === JSON.stringify(viewFilters ?? []);
        if (same) next.delete('filters');
        else next.set('filters', JSON.stringify(groups));
        return next;
      }),
    [setParams, viewFilters],
  );

  return {
    viewId,
    view,
    applied,
    /** Whether the filters are known (a view named in the address has loaded). */
    ready: !viewId || view.isSuccess,
    /** Whether the filters differ from the open view's (or there are some without a view). */
    changed: fromAddress !== null,
    apply,
  };
}

/** Counts the filters across groups, for the Filter button's badge. */
export function filterCount(groups: FilterGroups): number {
  return groups.reduce((n, g) => n + g.filters.length, 0);
}

/** The Filter button that shows and hides the filter panel, with the number of filters applied. */
export function FilterToggle({ open, count, onToggle }: { open: boolean; count: number; onToggle: () => void }) {
  return (
    <Button
      aria-expanded={open}
      aria-controls="list-filters"
      aria-label={count > 0 ? `Filter, ${count} active` : 'Filter'}
      onClick={onToggle}
    >
      Filter{count > 0 ? <span className="badge list-badge">{count}</span> : null}
    </Button>
  );
}

/**
 * The filter panel: groups edited in a draft, applied (to the address) by "Apply filters".
 * The draft follows the applied filters whenever they change elsewhere (a view opened, back).
 */
export function FilterPanel({
  fields,
  applied,
  errors,
  onApply,
}: {
  fields: readonly FilterField[];
  applied: FilterGroups;
  errors: Record<string, string>;
  onApply: (groups: FilterGroups) => void;
}) {
  const [draft, setDraft] = useState<FilterGroupDraft[]>(() => fromFilterGroups(applied, fields));
  const appliedText = JSON.stringify(applied);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the applied filters change, not as fields load
  useEffect(() => setDraft(fromFilterGroups(JSON.parse(appliedText) as FilterGroups, fields)), [appliedText]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(toFilterGroups(draft, fields));
  };

  return (
    <form id="list-filters" className="list-filters" onSubmit={submit} aria-label="Filters">
      <FilterBuilder fields={fields} groups={draft} onChange={setDraft} errors={errors} />
      <div className="list-filters-actions">
        <Button type="submit" variant="primary" size="sm">
          Apply filters
        </Button>
        {draft.length > 0 || applied.length > 0 ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setDraft([]);
              onApply([]);
            }}
          >
            Clear
          </Button>
        ) : null}
      </div>
    </form>
  );
}
