import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { isSelected, pageState, type Selection, selectRange, togglePage, toggleRow } from './selection';
import { type EditorKind, type EditValue, type Option, ValueInput } from './ValueInput';
import './table.css';

/** How a column's value is edited in place: the kind of input, its choices, and the row's current value. */
export type CellEditor<T> = { kind: EditorKind; value: (row: T) => EditValue; options?: (row: T) => readonly Option[] };

/** One column: its header, its width as a CSS grid track, and how a row shows in it. */
export type Column<T> = {
  key: string;
  header: string;
  width: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  primary?: boolean;
  /** Set when the value can be edited in the cell (double-click, Enter or F2). */
  edit?: CellEditor<T>;
};

/** The order a list is in: a field and a direction, or null for the API's default. */
export type Sort = { field: string; direction: 'asc' | 'desc' } | null;

/** Clicking a header sorts by it ascending, then descending, then back to the default order. */
export function nextSort(current: Sort, field: string): Sort {
  if (current?.field !== field) return { field, direction: 'asc' };
  return current.direction === 'asc' ? { field, direction: 'desc' } : null;
}

type TableProps<T> = {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  total?: number;
  sort?: Sort;
  onSortChange?: (sort: Sort) => void;
  onRowClick?: (row: T) => void;
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  rowHeight?: number;
  /** The selected rows; when given, each row gets a checkbox and the header one for the loaded page. */
  selection?: Selection;
  onSelectionChange?: (selection: Selection) => void;
  /** Names a row for its checkbox: "Select <name>". */
  rowLabel?: (row: T) => string;
  /** Saves an edited cell. A rejection's message is shown at the cell with the editor still open. */
  onCellEdit?: (row: T, columnKey: string, value: EditValue) => Promise<void>;
};

/** How many rows from the end the next page starts loading. */
const PREFETCH_ROWS = 20;
/** How far Page Up / Page Down move the focused cell. */
const PAGE_ROWS = 10;

type CellPosition = { row: number; col: number };
type Editing = { rowKey: string; col: string; draft: EditValue; error: string | null; failed: EditValue | null };

const sameValue = (a: EditValue, b: EditValue) => JSON.stringify(a) === JSON.stringify(b);

/** Where the focused cell goes for a navigation key, or null when the key is not one. */
export function moveCell(at: CellPosition, key: string, ctrl: boolean, size: { rows: number; cols: number }): CellPosition | null {
  const clampRow = (r: number) => Math.max(0, Math.min(size.rows - 1, r));
  const clampCol = (c: number) => Math.max(0, Math.min(size.cols - 1, c));
  switch (key) {
    case 'ArrowUp':
      return { row: clampRow(at.row - 1), col: at.col };
    case 'ArrowDown':
      return { row: clampRow(at.row + 1), col: at.col };
    case 'ArrowLeft':
      return { row: at.row, col: clampCol(at.col - 1) };
    case 'ArrowRight':
      return { row: at.row, col: clampCol(at.col + 1) };
    case 'PageUp':
      return { row: clampRow(at.row - PAGE_ROWS), col: at.col };
    case 'PageDown':
      return { row: clampRow(at.row + PAGE_ROWS), col: at.col };
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 };
    case 'End':
      return ctrl ? { row: clampRow(size.rows - 1), col: clampCol(size.cols - 1) } : { row: at.row, col: clampCol(size.cols - 1) };
    default:
      return null;
  }
}

/**
 * A virtualised table: only the rows in view are in the DOM, so a list of any length scrolls
 * smoothly. When the rows near the end come into view and there are more, `onLoadMore` asks
 * for the next (keyset) page.
 *
 * With `selection` or editable columns it becomes a grid of cells: arrow keys move the focused
 * cell, Enter (or a double-click) edits it, Enter or leaving the cell saves, Escape cancels;
 * the primary cell opens the row. Checkboxes select rows, shift-click a range.
 */
export function Table<T>({
  label,
  columns,
  rows,
  rowKey,
  total,
  sort = null,
  onSortChange,
  onRowClick,
  hasMore = false,
  loadingMore = false,
  onLoadMore,
  rowHeight = 40,
  selection,
  onSelectionChange,
  rowLabel,
  onCellEdit,
}: TableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? (items[items.length - 1]?.index ?? 0) : -1;

  // One request per page: re-renders while it loads (new callbacks, scrolling) must not ask again.
  const askedAtLength = useRef(-1);
  useEffect(() => {
    if (!hasMore || loadingMore || !onLoadMore || lastIndex < rows.length - PREFETCH_ROWS) return;
    if (askedAtLength.current === rows.length) return;
    askedAtLength.current = rows.length;
    onLoadMore();
  }, [hasMore, loadingMore, onLoadMore, lastIndex, rows.length]);

  const selectable = Boolean(selection && onSelectionChange);
  const interactive = selectable || columns.some((c) => c.edit);
  const keys = useMemo(() => rows.map(rowKey), [rows, rowKey]);
  const offset = selectable ? 1 : 0;
  const cellCount = columns.length + offset;
  const template = [...(selectable ? ['40px'] : []), ...columns.map((c) => c.width)].join(' ');

  const [active, setActive] = useState<CellPosition | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [saving, setSaving] = useState<ReadonlySet<string>>(new Set());
  const wantsFocus = useRef<'cell' | 'editor' | null>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const errorId = useId();

  // Focus follows the active cell (or its editor); a cell scrolled out of the DOM is brought back first.
  useLayoutEffect(() => {
    if (!wantsFocus.current || !active) return;
    if (active.row >= rows.length) {
      wantsFocus.current = null;
      return;
    }
    const cell = tableRef.current?.querySelector<HTMLElement>(`[data-row="${active.row}"][data-col="${active.col}"]`);
    if (!cell) {
      virtualizer.scrollToIndex(active.row, { align: 'auto' });
      return;
    }
    const target = wantsFocus.current === 'editor' ? (cell.querySelector<HTMLElement>('input, select, textarea, button') ?? cell) : cell;
    target.focus();
    wantsFocus.current = null;
  });

  const focusCell = (at: CellPosition, what: 'cell' | 'editor' = 'cell') => {
    wantsFocus.current = what;
    setActive(at);
  };

  const changeSelection = (next: Selection) => onSelectionChange?.(next);
  const toggleSelected = (key: string, range: boolean) => {
    if (!selection) return;
    changeSelection(range ? selectRange(selection, key, keys) : toggleRow(selection, key, keys));
  };

  const startEdit = (at: CellPosition) => {
    const row = rows[at.row];
    const column = columns[at.col - offset];
    if (row === undefined || !column?.edit || !onCellEdit) return false;
    setEditing({ rowKey: rowKey(row), col: column.key, draft: column.edit.value(row), error: null, failed: null });
    focusCell(at, 'editor');
    return true;
  };

  // The edit open now. Enter or Escape close it at once, so a blur that follows (the editor leaving
  // the DOM) finds it gone and neither saves twice nor saves what Escape cancelled.
  const live = useRef<Editing | null>(null);
  live.current = editing;

  const cancelEdit = () => {
    if (!editing) return;
    live.current = null;
    setEditing(null);
    if (active) focusCell(active);
  };

  const commitEdit = async (edit: Editing, at: CellPosition | null, refocus: boolean) => {
    const rowIndex = keys.indexOf(edit.rowKey);
    const row = rows[rowIndex];
    const column = columns.find((c) => c.key === edit.col);
    if (live.current !== edit || row === undefined || !column?.edit || !onCellEdit) return;
    live.current = null;
    setEditing(null);
    if (refocus && at) focusCell(at);
    // Leaving a cell whose value was refused, unchanged since, gives up on the edit.
    if (sameValue(edit.draft, column.edit.value(row)) || (edit.failed !== null && sameValue(edit.draft, edit.failed))) return;
    const cellKey = `${edit.rowKey}:${edit.col}`;
    setSaving((s) => new Set(s).add(cellKey));
    try {
      await onCellEdit(row, edit.col, edit.draft);
    } catch (err) {
      setEditing({ ...edit, error: err instanceof Error ? err.message : String(err), failed: edit.draft });
      if (at) focusCell(at, 'editor');
    } finally {
      setSaving((s) => {
        const next = new Set(s);
        next.delete(cellKey);
        return next;
      });
    }
  };

  const onCellKey = (event: KeyboardEvent<HTMLElement>, at: CellPosition) => {
    const onCheckbox = (event.target as HTMLElement).matches('.table-check input');
    // Keys typed into an editor are the editor's; Space on a focused checkbox ticks it natively.
    if ((event.target !== event.currentTarget && !onCheckbox) || (onCheckbox && event.key === ' ')) return;
    const row = rows[at.row];
    if (row === undefined) return;
    const next = moveCell(at, event.key, event.ctrlKey || event.metaKey, { rows: rows.length, cols: cellCount });
    if (next) {
      event.preventDefault();
      focusCell(next);
      return;
    }
    const column = columns[at.col - offset];
    if (event.key === ' ' && selectable) {
      event.preventDefault();
      toggleSelected(rowKey(row), event.shiftKey);
    } else if (event.key === 'Enter' || event.key === 'F2') {
      event.preventDefault();
      if (at.col < offset) toggleSelected(rowKey(row), event.shiftKey);
      // Enter on the primary cell opens the row; F2 edits it wherever it can be edited.
      else if (!(column && (event.key === 'F2' || !column.primary) && startEdit(at)) && event.key === 'Enter') onRowClick?.(row);
    }
  };

  const onEditorKey = (event: KeyboardEvent<HTMLElement>) => {
    if (!editing) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancelEdit();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      event.stopPropagation();
      void commitEdit(editing, active, true);
    }
  };

  const onEditorBlur = (event: FocusEvent<HTMLElement>) => {
    // Moving between a multi-select's boxes stays inside the editor.
    if (editing && !event.currentTarget.contains(event.relatedTarget as Node | null)) void commitEdit(editing, active, false);
  };

  const onCellClick = (event: MouseEvent, row: T, at: CellPosition, column: Column<T> | undefined) => {
    setActive(at);
    if (column?.primary && !(event.target as HTMLElement).closest('.table-cell-editor')) onRowClick?.(row);
  };

  const onRowKey = (event: KeyboardEvent, row: T) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onRowClick?.(row);
    }
  };

  const page = selection ? pageState(selection, keys) : 'none';
  const focusable = active ?? (rows.length > 0 ? { row: 0, col: offset } : null);

  return (
    <div className="table" role="table" aria-label={label} aria-rowcount={(total ?? rows.length) + 1} ref={tableRef}>
      <div className="table-scroll" ref={scrollRef}>
        <div className="table-grid">
          <div className="table-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
            {selectable && selection ? (
              <div role="columnheader" className="table-th table-check">
                <input
                  type="checkbox"
                  aria-label={`Select all ${rows.length.toLocaleString()} loaded`}
                  checked={page === 'all'}
                  ref={(el) => {
                    if (el) el.indeterminate = page === 'some';
                  }}
                  onChange={() => changeSelection(togglePage(selection, keys))}
                />
              </div>
            ) : null}
            {columns.map((c) => {
              const sorted = sort?.field === c.key ? sort.direction : null;
              const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
              return c.sortable && onSortChange ? (
                <div key={c.key} role="columnheader" aria-sort={ariaSort}>
                  <button type="button" className="table-th" onClick={() => onSortChange(nextSort(sort, c.key))}>
                    {c.header}
                    <span aria-hidden="true">{sorted === 'asc' ? '↑' : sorted === 'desc' ? '↓' : ''}</span>
                  </button>
                </div>
              ) : (
                <div key={c.key} role="columnheader" className="table-th">
                  {c.header}
                </div>
              );
            })}
          </div>
          <div style={{ position: 'relative', height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const row = rows[item.index];
              const style = { transform: `translateY(${item.start}px)`, height: item.size, gridTemplateColumns: template };
              if (row === undefined) {
                return (
                  <div key="loading" className="table-row" role="row" style={style} aria-busy="true">
                    <div className="table-td muted" role="cell">
                      Loading more…
                    </div>
                  </div>
                );
              }
              const key = rowKey(row);
              if (!interactive) {
                return (
                  <div
                    key={key}
                    className="table-row"
                    role="row"
                    aria-rowindex={item.index + 2}
                    tabIndex={onRowClick ? 0 : undefined}
                    style={style}
                    onClick={() => onRowClick?.(row)}
                    onKeyDown={(event) => onRowKey(event, row)}
                  >
                    {columns.map((c) => (
                      <div key={c.key} role="cell" className={c.primary ? 'table-td table-td-primary' : 'table-td'}>
                        {c.render(row)}
                      </div>
                    ))}
                  </div>
                );
              }
              const checked = selection ? isSelected(selection, key) : false;
              const editingHere = editing?.rowKey === key ? editing : null;
              const cellProps = (col: number) => ({
                'data-row': item.index,
                'data-col': col,
                tabIndex: focusable?.row === item.index && focusable.col === col ? 0 : -1,
              });
              return (
                <div
                  key={key}
                  className="table-row table-row-cells"
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={selectable ? checked : undefined}
                  data-editing={editingHere ? true : undefined}
                  style={style}
                >
                  {selectable ? (
                    <div
                      role="cell"
                      className="table-td table-check"
                      {...cellProps(0)}
                      onClick={() => setActive({ row: item.index, col: 0 })}
                      onKeyDown={(event) => onCellKey(event, { row: item.index, col: 0 })}
                    >
                      <input
                        type="checkbox"
                        tabIndex={-1}
                        aria-label={`Select ${rowLabel ? rowLabel(row) : key}`}
                        checked={checked}
                        onChange={(event) => toggleSelected(key, (event.nativeEvent as globalThis.MouseEvent).shiftKey === true)}
                      />
                    </div>
                  ) : null}
                  {columns.map((c, ci) => {
                    const at = { row: item.index, col: ci + offset };
                    const editor = editingHere?.col === c.key && c.edit ? editingHere : null;
                    const classes = [
                      'table-td',
                      c.primary && 'table-td-primary',
                      c.edit && 'table-td-editable',
                      editor && 'table-td-editing',
                    ]
                      .filter(Boolean)
                      .join(' ');
                    return (
                      <div
                        key={c.key}
                        role="cell"
                        className={classes}
                        aria-busy={saving.has(`${key}:${c.key}`) || undefined}
                        {...cellProps(at.col)}
                        onClick={(event) => onCellClick(event, row, at, c)}
                        onDoubleClick={() => !c.primary && startEdit(at)}
                        onKeyDown={(event) => (editor ? undefined : onCellKey(event, at))}
                      >
                        {editor && c.edit ? (
                          <div className="table-cell-editor" role="group" aria-label={`Editing ${c.header}`} onBlur={onEditorBlur}>
                            <ValueInput
                              kind={c.edit.kind}
                              value={editor.draft}
                              options={c.edit.options?.(row)}
                              label={`${c.header} of ${rowLabel ? rowLabel(row) : key}`}
                              className="cell-input"
                              invalid={editor.error !== null}
                              describedBy={editor.error ? errorId : undefined}
                              onChange={(draft) => setEditing({ ...editor, draft })}
                              onKeyDown={onEditorKey}
                            />
                            {editor.error ? (
                              <span id={errorId} className="cell-error" role="alert">
                                {editor.error}
                              </span>
                            ) : null}
                          </div>
                        ) : (
                          c.render(row)
                        )}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
