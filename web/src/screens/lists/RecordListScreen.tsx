import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { type FilterField, type FilterGroups, filterErrors } from '../../ui/FilterBuilder';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { noSelection, type Selection } from '../../ui/selection';
import { type Column, type Sort, Table } from '../../ui/Table';
import { useToast } from '../../ui/Toast';
import type { EditValue } from '../../ui/ValueInput';
import { useMembers } from '../deals/deals.api';
import { TopBar } from '../shell/AppShell';
import { useMarkFirstScreenShown } from '../shell/firstScreen';
import { BulkActions } from './BulkActions';
import { ColumnPicker } from './ColumnPicker';
import { downloadFile, exportCsv } from './csv';
import {
  customColumns,
  customFilterFields,
  defaultColumnKeys,
  type ListColumn,
  type ListObjectType,
  type ListRecord,
  type MemberOption,
  ownerColumn,
  standardFilterFields,
} from './fields';
import { FilterPanel, FilterToggle, filterCount, useListFilters } from './ListFilters';
import { listKeys, recordKey, useCustomFields, useRecordSearch, type ViewContent } from './lists.api';
import { useListRowEditor } from './useListRowEditor';
import { DeleteViewDialog, SaveViewDialog } from './ViewDialogs';
import './lists.css';

type ListScreenProps<T extends ListRecord> = {
  objectType: ListObjectType;
  title: string;
  noun: [string, string];
  standardColumns: ListColumn<T>[];
  /** Filter fields in place of the object's standard ones (the deal screens add stages and pipelines). */
  filterFields?: FilterField[];
  /** Shown when the object has no records at all. */
  empty: ReactNode;
  actions?: ReactNode;
  onRowClick?: (row: T) => void;
};

/** The workspace's members as lists offer them, by name. */
export function useMemberOptions(): MemberOption[] {
  const members = useMembers();
  return useMemo(
    () => [...(members.data?.values() ?? [])].map((m) => ({ userId: m.userId, name: m.name })).sort((a, b) => a.name.localeCompare(b.name)),
    [members.data],
  );
}

/**
 * A record list people shape to their work: filter groups (kept in the address), chosen columns,
 * sort by header, saved as private or shared views (opened as `?view=<id>`), exported to CSV as
 * shown. Cells edit in place; selected rows (or every record matching) are edited, reassigned or
 * deleted at once.
 */
export function RecordListScreen<T extends ListRecord>({
  objectType,
  title,
  noun,
  standardColumns,
  filterFields,
  empty,
  actions,
  onRowClick,
}: ListScreenProps<T>) {
  const filters = useListFilters();
  const { viewId, view, applied } = filters;
  const customFields = useCustomFields(objectType);
  const members = useMemberOptions();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const [sort, setSort] = useState<Sort>(null);
  const [columnKeys, setColumnKeys] = useState<string[]>(defaultColumnKeys[objectType]);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [selection, setSelection] = useState<Selection>(noSelection);

  // Opening a view (or leaving one) puts its order and columns on the list; its filters come through the address.
  const loaded = view.data;
  useEffect(() => {
    if (viewId && !loaded) return;
    setSort(loaded?.sort[0] ?? null);
    setColumnKeys(loaded && loaded.columns.length > 0 ? loaded.columns : defaultColumnKeys[objectType]);
  }, [viewId, loaded, objectType]);

  // Another set of records is another selection.
  const appliedText = JSON.stringify(applied);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection resets when the filters or the order change
  useEffect(() => setSelection(noSelection), [appliedText, sort]);

  const fields = useMemo(
    () => [
      ...(filterFields ?? standardFilterFields[objectType]),
      { key: 'ownerId', label: 'Owner', kind: 'select' as const, options: members.map((m) => ({ value: m.userId, label: m.name })) },
      ...customFilterFields(customFields.data ?? []),
    ],
    [objectType, filterFields, members, customFields.data],
  );
  const allColumns = useMemo(
    () => [...standardColumns, ownerColumn<T>(members), ...customColumns<T>(customFields.data ?? [], members)],
    [standardColumns, members, customFields.data],
  );
  const shownColumns = columnKeys.flatMap((k) => allColumns.filter((c) => c.key === k));
  const tableColumns: Column<T>[] = shownColumns.map((c, i) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    sortable: c.sortable,
    primary: i === 0,
    render: c.text,
    ...(c.edit ? { edit: { kind: c.edit.kind, value: c.edit.value, ...(c.edit.options ? { options: c.edit.options } : {}) } } : {}),
  }));
  const bulkFields = useMemo(() => allColumns.filter((c) => c.edit?.bulk), [allColumns]);

  const pages = useRecordSearch<T>(objectType, applied, sort, filters.ready);
  useMarkFirstScreenShown(!pages.isPending);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.data) ?? [], [pages.data]);
  const loadedKeys = useMemo(() => rows.map((r) => r.id), [rows]);
  const total = pages.data?.pages[0]?.total;
  // Past a few hundred matches the API estimates the count rather than counting every row.
  const totalIsExact = pages.data?.pages[0]?.totalIsExact !== false;
  const searchErrors = pages.error instanceof ApiError ? filterErrors(pages.error.problem.errors) : {};
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const errors = { ...searchErrors, ...saveErrors };
  const invalidFilters = Object.keys(searchErrors).length > 0;
  const count = filterCount(applied);

  const editCell = useListRowEditor<T>(objectType, [recordKey[objectType], 'list', { filterGroups: applied, sort }]);
  const onCellEdit = (row: T, columnKey: string, value: EditValue) => {
    const column = allColumns.find((c) => c.key === columnKey);
    if (!column?.edit) return Promise.resolve();
    return editCell(row, column.edit.patch(value, row));
  };

  const applyFilters = (groups: FilterGroups) => {
    setSaveErrors({});
    filters.apply(groups);
  };

  const content = (visibility: ViewContent['visibility']): ViewContent => ({
    filterGroups: applied,
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
      const { blob, fileName } = await exportCsv(
        objectType,
        applied,
        sort,
        shownColumns.map((c) => c.key),
        loaded?.id,
      );
      downloadFile(fileName, blob);
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
                {total === undefined ? '' : `${totalIsExact ? '' : 'about '}${total.toLocaleString()} ${total === 1 ? noun[0] : noun[1]}`}
              </span>
              <span className="list-toolbar-spacer" />
              <FilterToggle open={filtersOpen} count={count} onToggle={() => setFiltersOpen(!filtersOpen)} />
              <ColumnPicker columns={allColumns} visible={columnKeys} onChange={setColumnKeys} />
              <Link className="btn" to={`/imports/new?object=${objectType}`}>
                Import CSV
              </Link>
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
            {filtersOpen ? <FilterPanel fields={fields} applied={applied} errors={errors} onApply={applyFilters} /> : null}
            {/* Kept mounted while the list reloads, so a running bulk job keeps its progress. */}
            <BulkActions
              objectType={objectType}
              noun={noun}
              selection={selection}
              total={total ?? 0}
              loadedKeys={loadedKeys}
              applied={applied}
              fields={bulkFields}
              members={members}
              onSelectionChange={setSelection}
            />
            {!filters.ready || pages.isPending ? (
              <Loading label={`Loading ${noun[1]}…`} />
            ) : invalidFilters ? (
              <Empty title="These filters need a fix">Each filter that the list could not use says why, in the filter panel.</Empty>
            ) : pages.isError ? (
              <ErrorState error={pages.error} onRetry={() => pages.refetch()} />
            ) : rows.length === 0 && count === 0 && !viewId ? (
              empty
            ) : rows.length === 0 ? (
              <Empty title={`No ${noun[1]} match`}>Change or clear the filters to see more.</Empty>
            ) : (
              <Table
                label={title}
                columns={tableColumns}
                rows={rows}
                rowKey={(r) => r.id}
                rowLabel={(r) => shownColumns[0]?.text(r) || noun[0]}
                total={total}
                sort={sort}
                onSortChange={setSort}
                onRowClick={onRowClick}
                hasMore={pages.hasNextPage}
                loadingMore={pages.isFetchingNextPage}
                onLoadMore={() => void pages.fetchNextPage()}
                selection={selection}
                onSelectionChange={setSelection}
                onCellEdit={onCellEdit}
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
