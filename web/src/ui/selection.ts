/**
 * Which rows of a list are selected: some rows by key (with the row a shift-click range starts
 * from), or every record matching the list's filter, loaded or not.
 */
export type Selection = { kind: 'rows'; keys: ReadonlySet<string>; anchor: string | null } | { kind: 'matching' };

/** Nothing selected. */
export const noSelection: Selection = { kind: 'rows', keys: new Set(), anchor: null };

/** Whether the row with `key` is selected. */
export function isSelected(selection: Selection, key: string): boolean {
  return selection.kind === 'matching' || selection.keys.has(key);
}

/** How many records the selection stands for, given the list's total (all matching counts them all). */
export function selectedCount(selection: Selection, total: number): number {
  return selection.kind === 'matching' ? total : selection.keys.size;
}

/**
 * Clicking one row's checkbox: it flips, and becomes where the next shift-click range starts.
 * Leaving "all matching" keeps every loaded row but this one.
 */
export function toggleRow(selection: Selection, key: string, loadedKeys: readonly string[]): Selection {
  const keys = new Set(selection.kind === 'matching' ? loadedKeys : selection.keys);
  if (keys.has(key)) keys.delete(key);
  else keys.add(key);
  return { kind: 'rows', keys, anchor: key };
}

/**
 * Shift-clicking a row's checkbox: every loaded row from the last clicked one to this one takes
 * the state this row is switched to. Without a last click it is a plain toggle.
 * @example selectRange({ kind: 'rows', keys: new Set(['a']), anchor: 'a' }, 'c', ['a', 'b', 'c']) // a, b and c
 */
export function selectRange(selection: Selection, key: string, loadedKeys: readonly string[]): Selection {
  const anchor = selection.kind === 'rows' ? selection.anchor : null;
  const from = anchor === null ? -1 : loadedKeys.indexOf(anchor);
  const to = loadedKeys.indexOf(key);
  if (from < 0 || to < 0) return toggleRow(selection, key, loadedKeys);
  const select = !isSelected(selection, key);
  const keys = new Set(selection.kind === 'matching' ? loadedKeys : selection.keys);
  for (const k of loadedKeys.slice(Math.min(from, to), Math.max(from, to) + 1)) {
    if (select) keys.add(k);
    else keys.delete(k);
  }
  return { kind: 'rows', keys, anchor: key };
}

/** The header checkbox: selects every loaded row, or clears the selection when they all are. */
export function togglePage(selection: Selection, loadedKeys: readonly string[]): Selection {
  return pageState(selection, loadedKeys) === 'all' ? noSelection : { kind: 'rows', keys: new Set(loadedKeys), anchor: null };
}

/** What the header checkbox shows: every loaded row selected, some, or none. */
export function pageState(selection: Selection, loadedKeys: readonly string[]): 'all' | 'some' | 'none' {
  if (selection.kind === 'matching') return 'all';
  if (selection.keys.size === 0) return 'none';
  return loadedKeys.length > 0 && loadedKeys.every((k) => selection.keys.has(k)) ? 'all' : 'some';
}

/** Whether to offer "select all N matching": the loaded page is selected and more records match. */
export function canSelectMatching(selection: Selection, loadedKeys: readonly string[], total: number): boolean {
  return selection.kind === 'rows' && pageState(selection, loadedKeys) === 'all' && total > selection.keys.size;
}
