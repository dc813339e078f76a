import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty, ErrorState, Loading } from '../../ui/States';
import { type Column, type Sort, Table } from '../../ui/Table';
import { TopBar } from '../shell/AppShell';
import { type Contact, primaryCompany, useContactPages } from './contacts.api';
import { formatDate, formatRelative, lifecycleLabel } from './format';
import { NewContactDialog } from './NewContactDialog';

/** The columns of the contacts list; the sortable ones are fields the API sorts on. */
export const contactColumns: Column<Contact>[] = [
  {
    key: 'name',
    header: 'Name',
    width: 'minmax(180px, 1.4fr)',
    sortable: true,
    primary: true,
    render: (c) => c.name || c.email || 'Unnamed',
  },
  { key: 'email', header: 'Email', width: 'minmax(200px, 1.4fr)', sortable: true, render: (c) => c.email ?? '' },
  { key: 'company', header: 'Company', width: 'minmax(140px, 1fr)', render: (c) => primaryCompany(c)?.name ?? '' },
  { key: 'jobTitle', header: 'Job title', width: 'minmax(140px, 1fr)', sortable: true, render: (c) => c.jobTitle ?? '' },
  { key: 'lifecycleStage', header: 'Stage', width: '140px', sortable: true, render: (c) => lifecycleLabel(c.lifecycleStage ?? '') },
  {
    key: 'lastActivityAt',
    header: 'Last activity',
    width: '130px',
    sortable: true,
    render: (c) => (c.lastActivityAt ? formatRelative(c.lastActivityAt) : ''),
  },
  { key: 'createdAt', header: 'Created', width: '120px', sortable: true, render: (c) => formatDate(c.createdAt) },
];

/** Every contact of the workspace in one scrolling, sortable table. */
export function ContactList() {
  const [sort, setSort] = useState<Sort>(null);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const pages = useContactPages(sort);
  const rows = pages.data?.pages.flatMap((p) => p.data) ?? [];
  const total = pages.data?.pages[0]?.total;

  const newButton = (
    <Button variant="primary" aria-label="New contact" onClick={() => setCreating(true)}>
      {icons.plus} <span className="hide-narrow">New contact</span>
    </Button>
  );

  return (
    <>
      <TopBar title="Contacts">{newButton}</TopBar>
      <div className="content">
        {pages.isPending ? (
          <Loading label="Loading contacts…" />
        ) : pages.isError ? (
          <ErrorState error={pages.error} onRetry={() => pages.refetch()} />
        ) : rows.length === 0 && !sort ? (
          <Empty
            title="No contacts yet"
            action={
              <Button variant="primary" onClick={() => setCreating(true)}>
                Add your first contact
              </Button>
            }
          >
            The people you sell to live here, with everything you did with them.
          </Empty>
        ) : (
          <>
            <div className="page-toolbar">
              <span className="count" aria-live="polite">
                {total === undefined ? '' : `${total.toLocaleString()} ${total === 1 ? 'contact' : 'contacts'}`}
              </span>
            </div>
            <Table
              label="Contacts"
              columns={contactColumns}
              rows={rows}
              rowKey={(c) => c.id}
              total={total}
              sort={sort}
              onSortChange={setSort}
              onRowClick={(c) => navigate(`/contacts/${c.id}`)}
              hasMore={pages.hasNextPage}
              loadingMore={pages.isFetchingNextPage}
              onLoadMore={() => void pages.fetchNextPage()}
            />
          </>
        )}
      </div>
      <NewContactDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
