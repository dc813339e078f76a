import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';

/** One column: its header, its width as a CSS grid track, and how a row shows in it. */
export type Column<T> = {
  key: string;
  header: string;
  width: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  primary?: boolean;
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
};

/** How many rows from the end the next page starts loading. */
const PREFETCH_ROWS = 20;

/**
 * A virtualised table: only the rows in view are in the DOM, so a list of any length scrolls
 * smoothly. When the rows near the end come into view and there are more, `onLoadMore` asks
 * for the next (keyset) page.
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

  const template = columns.map((c) => c.width).join(' ');
  const onRowKey = (event: KeyboardEvent, row: T) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onRowClick?.(row);
    }
  };

  return (
    <div className="table" role="table" aria-label={label} aria-rowcount={(total ?? rows.length) + 1}>
      <div className="table-scroll" ref={scrollRef}>
        <div className="table-grid">
          <div className="table-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
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
              return (
                <div
                  key={rowKey(row)}
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
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
