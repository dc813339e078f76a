import { useInfiniteQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { type Column, type Sort, Table } from '../../ui/Table';
import { formatDate } from '../contacts/format';
import { TopBar } from '../shell/AppShell';

type Deal = components['schemas']['Deal'];
type Page<T> = { data: T[]; nextCursor: string | null; total: number };

function useRecordPages<T>(
  key: string,
  sort: Sort,
  search: (body: { sort: NonNullable<Sort>[]; limit: number; cursor?: string }) => Promise<Page<T>>,
) {
  return useInfiniteQuery({
    queryKey: [key, 'list', sort],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => search({ sort: sort ? [sort] : [], limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function RecordList<T extends { id: string }>({
  title,
  noun,
  columns,
  queryKey,
  search,
  emptyText,
  actions,
  onRowClick,
}: {
  title: string;
  noun: [string, string];
  columns: Column<T>[];
  queryKey: string;
  search: (body: { sort: NonNullable<Sort>[]; limit: number; cursor?: string }) => Promise<Page<T>>;
  emptyText: string;
  actions?: ReactNode;
  onRowClick?: (row: T) => void;
}) {
  const [sort, setSort] = useState<Sort>(null);
  const pages = useRecordPages(queryKey, sort, search);
  const rows = pages.data?.pages.flatMap((p) => p.data) ?? [];
  const total = pages.data?.pages[0]?.total;
  return (
    <>
      <TopBar title={title}>{actions}</TopBar>
      <div className="content">
        {pages.isPending ? (
          <Loading />
        ) : pages.isError ? (
          <ErrorState error={pages.error} onRetry={() => pages.refetch()} />
        ) : rows.length === 0 && !sort ? (
          <Empty title={`No ${noun[1]} yet`}>{emptyText}</Empty>
        ) : (
          <>
            <div className="page-toolbar">
              <span className="count">{total === undefined ? '' : `${total.toLocaleString()} ${total === 1 ? noun[0] : noun[1]}`}</span>
            </div>
            <Table
              label={title}
              columns={columns}
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
          </>
        )}
      </div>
    </>
  );
}

const money = (minor: number | null, currency: string) =>
  minor === null ? '' : new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(minor / 100);

const dealColumns: Column<Deal>[] = [
  { key: 'name', header: 'Name', width: 'minmax(200px, 1.5fr)', sortable: true, primary: true, render: (d) => d.name },
  { key: 'amount', header: 'Amount', width: '130px', sortable: true, render: (d) => money(d.amount ?? null, d.currency ?? 'USD') },
  { key: 'status', header: 'Status', width: '100px', sortable: true, render: (d) => d.status },
  { key: 'expectedCloseDate', header: 'Expected close', width: '140px', sortable: true, render: (d) => formatDate(d.expectedCloseDate) },
  { key: 'createdAt', header: 'Created', width: '120px', sortable: true, render: (d) => formatDate(d.createdAt) },
];

/** The workspace's deals, sortable, scrolling through every page; `actions` go in its top bar. */
export function DealList({ actions }: { actions?: ReactNode }) {
  const navigate = useNavigate();
  return (
    <RecordList
      title="Deals"
      actions={actions}
      onRowClick={(deal) => navigate(`/deals/${deal.id}`)}
      noun={['deal', 'deals']}
      columns={dealColumns}
      queryKey="deals"
      search={(body) => unwrap(api.POST('/api/v1/deals/search', { body }))}
      emptyText="Deals appear here as they are created through the API."
    />
  );
}
