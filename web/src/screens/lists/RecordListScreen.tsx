import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import {
  FilterBuilder,
  type FilterGroupDraft,
  type FilterGroups,
  filterErrors,
  fromFilterGroups,
  toFilterGroups,
} from '../../ui/FilterBuilder';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { type Column, type Sort, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import { TopBar } from '../shell/AppShell';
import { ColumnPicker } from './ColumnPicker';
import { csvFilename, downloadCsv, exportCsv } from './csv';
import {
  customColumns,
  customFilterFields,
  defaultColumnKeys,
  type ListColumn,
  type ListObjectType,
  type ListRecord,
  standardFilterFields,
} from './fields';
import { listKeys, useCustomFields, useRecordSearch, useSavedView, type ViewContent } from './lists.api';
import { DeleteViewDialog, SaveViewDialog } from './ViewDialogs';
import './lists.css';

type ListScreenProps<T extends ListRecord> = {
  objectType: ListObjectType;
  title: string;
  noun: [string, string];
  standardColumns: ListColumn<T>[];
  /** Shown when the object has no records at all. */
  empty: ReactNode;
  actions?: ReactNode;
  onRowClick?: (row: T) => void;
};

/**
 * A record list people shape to their work: filter groups, chosen columns, sort by header, saved
 * as private or shared views (opened as `?view=<id>`), and exported to CSV as shown.
 */
export function RecordListScreen<T extends ListRecord>({
  objectType,
  title,
  noun,
  standardColumns,
  empty,
  actions,
  onRowClick,
}: ListScreenProps<T>) {
  const [params] = useSearchParams();
  const viewId = params.get('view');
  const view = useSavedView(viewId);
  const customFields = useCustomFields(objectType);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const [draft, setDraft] = useState<FilterGroupDraft[]>([]);
  const [applied, setApplied] = useState<FilterGroups>([]);
  const [sort, setSort] = useState<Sort>(null);
  const [columnKeys, setColumnKeys] = useState<string[]>(defaultColumnKeys[objectType]);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [exporting, setExporting] = useState(false);

  // Opening a view (or leaving one) puts its filters, order and columns on the list.
  const loaded = view.data;
  useEffect(() => {
    if (viewId && !loaded) return;
    setDraft(loaded ? fromFilterGroups(loaded.filterGroups) : []);
    setApplied(loaded ? (loaded.filterGroups as FilterGroups) : []);
    setSort(loaded?.sort[0] ?? null);
    setColumnKeys(loaded && loaded.columns.length > 0 ? loaded.columns : defaultColumnKeys[objectType]);
  }, [viewId, loaded, objectType]);

  const fields = useMemo(
    () => [...standardFilterFields[objectType], ...customFilterFields(customFields.data ?? [])],
    [objectType, customFields.data],
  );
  const allColumns = useMemo(
    () => [...standardColumns, ...customColumns<T>(customFields.data ?? [])],
    [standardColumns, customFields.data],
  );
  const shownColumns = columnKeys.flatMap((k) => allColumns.filter((c) => c.key === k));
  const tableColumns: Column<T>[] = shownColumns.map((c, i) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    sortable: c.sortable,
    primary: i === 0,
    render: c.text,
  }));

  const pages = useRecordSearch<T>(objectType, applied, sort);
  const rows = pages.data?.pages.flatMap((p) => p.data) ?? [];
  const total = pages.data?.pages[0]?.total;
  const searchErrors = pages.error instanceof ApiError ? filterErrors(pages.error.problem.errors) : {};
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const errors = { ...searchErrors, ...saveErrors };
  const invalidFilters = Object.keys(searchErrors).length > 0;
  const filterCount = applied.reduce((n, g) => n + g.filters.length, 0);

  const applyFilters = (event?: FormEvent) => {
    event?.preventDefault();
    setSaveErrors({});
    setApplied(toFilterGroups(draft, fields));
  };

  const content = (visibility: ViewContent['visibility']): ViewContent => ({
    filterGroups: toFilterGroups(draft, fields),
    sort: sort ? [sort] : [],
    columns: columnKeys,
    visibility,
  });

  const onSaved = (id: string) => {
    setSaving(false);
    void queryClient.invalidateQueries({ queryKey: listKeys.views(objectType) });
    void queryClient.invalidateQueries({ queryKey: listKeys.view(id) });
    navigate(`?view=${id}`);
  };

  const onSaveFailed = (err: unknown) => {
    const byRow = err instanceof ApiError ? filterErrors(err.problem.errors) : {};
    setSaveErrors(byRow);
    if (Object.keys(byRow).length > 0) setFiltersOpen(true);
  };

  const exportView = async () => {
    setExporting(true);
    try {
      const csv = await exportCsv(objectType, applied, sort, shownColumns);
      downloadCsv(csvFilename(loaded?.name ?? title), csv);
    } catch (err) {
      toast(`The export failed: ${errorMessage(err)}`, 'error');
    } finally {
      setExporting(false);
    }
  };

  const heading = loaded ? (
    <>
      {title} <span className="topbar-view">/ {loaded.name}</span>
    </>
  ) : (
    title
  );

  return (
    <>
      <TopBar title={heading}>{actions}</TopBar>
      <div className="content">
        {viewId && view.isError ? (
          <ErrorState error={view.error} onRetry={() => view.refetch()} />
        ) : (
          <>
            <div className="page-toolbar list-toolbar">
              <span className="count" aria-live="polite">
                {total === undefined ? '' : `${total.toLocaleString()} ${total === 1 ? noun[0] : noun[1]}`}
              </span>
              <span className="list-toolbar-spacer" />
              <Button
                aria-expanded={filtersOpen}
                aria-controls="list-filters"
                aria-label={filterCount > 0 ? `Filter, ${filterCount} active` : 'Filter'}
                onClick={() => setFiltersOpen(!filtersOpen)}
              >
                Filter{filterCount > 0 ? <span className="badge list-badge">{filterCount}</span> : null}
              </Button>
              <ColumnPicker columns={allColumns} visible={columnKeys} onChange={setColumnKeys} />
              <Button onClick={() => void exportView()} busy={exporting}>
                Export CSV
              </Button>
              {loaded ? (
                <>
                  <Button onClick={() => setSaving(true)}>Save view</Button>
                  <Button variant="ghost" onClick={() => setDeleting(true)}>
                    Delete view
                  </Button>
                </>
              ) : (
                <Button onClick={() => setSaving(true)}>Save as view</Button>
              )}
            </div>
            {filtersOpen ? (
              <form id="list-filters" className="list-filters" onSubmit={applyFilters} aria-label="Filters">
                <FilterBuilder fields={fields} groups={draft} onChange={setDraft} errors={errors} />
                <div className="list-filters-actions">
                  <Button type="submit" variant="primary" size="sm">
                    Apply filters
                  </Button>
                  {draft.length > 0 ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => {
                        setDraft([]);
                        setApplied([]);
                        setSaveErrors({});
                      }}
                    >
                      Clear
                    </Button>
                  ) : null}
                </div>
              </form>
            ) : null}
            {(viewId && view.isPending) || pages.isPending ? (
              <Loading label={`Loading ${noun[1]}…`} />
            ) : invalidFilters ? (
              <Empty title="These filters need a fix">Each filter that the list could not use says why, in the filter panel.</Empty>
            ) : pages.isError ? (
              <ErrorState error={pages.error} onRetry={() => pages.refetch()} />
            ) : rows.length === 0 && filterCount === 0 && !viewId ? (
              empty
            ) : rows.length === 0 ? (
              <Empty title={`No ${noun[1]} match`}>Change or clear the filters to see more.</Empty>
            ) : (
              <Table
                label={title}
                columns={tableColumns}
                rows={rows}
                rowKey={(r) => r.id}
                total={total}
                sort={sort}
                onSortChange={setSort}
                onRowClick={onRowClick}
                hasMore={pages.hasNextPage}
                loadingMore={pages.isFetchingNextPage}
                onLoadMore={() => void pages.fetchNextPage()}
              />
            )}
          </>
        )}
      </div>
      <SaveViewDialog
        open={saving}
        view={loaded ?? null}
        onClose={() => setSaving(false)}
        objectType={objectType}
        content={content}
        onSaved={onSaved}
        onFailed={onSaveFailed}
      />
      <DeleteViewDialog
        open={deleting}
        view={loaded ?? null}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          setDeleting(false);
          void queryClient.invalidateQueries({ queryKey: listKeys.views(objectType) });
          navigate('?');
        }}
      />
    </>
  );
}
