import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Input, Select } from '../../ui/Field';

type Option = { value: string; label: string };

async function findRecords(kind: 'company' | 'contact', q: string): Promise<Option[]> {
  const query = { limit: 20, ...(q ? { q } : { sort: 'name' }) };
  if (kind === 'company') {
    const page = await unwrap(api.GET('/api/v1/companies', { params: { query } }));
    return page.data.map((c) => ({ value: c.id, label: c.name ?? 'Unnamed company' }));
  }
  const page = await unwrap(api.GET('/api/v1/contacts', { params: { query } }));
  return page.data.map((c) => ({ value: c.id, label: c.name || c.email || 'Unnamed contact' }));
}

/**
 * Picks a company or a contact: a search box narrowing a select of the matches. The select
 * carries `name`, so the chosen id goes out with the form. Editing a link, `current` is the
 * record chosen now (kept among the options) and `noneLabel` names the empty choice that clears it.
 */
export function RecordPicker({
  kind,
  label,
  name,
  error,
  current,
  noneLabel,
}: {
  kind: 'company' | 'contact';
  label: string;
  name: string;
  error?: string;
  current?: Option | null;
  noneLabel?: string;
}) {
  const [q, setQ] = useState('');
  const search = useDeferredValue(q.trim());
  const matches = useQuery({
    queryKey: [kind === 'company' ? 'companies' : 'contacts', 'picker', search],
    queryFn: () => findRecords(kind, search),
    placeholderData: (previous) => previous,
  });
  const found = matches.data ?? [];
  const options = current && !found.some((o) => o.value === current.value) ? [current, ...found] : found;
  const empty = noneLabel ?? (options.length === 0 ? (matches.isPending ? 'Loading…' : 'No matches') : 'Choose…');
  return (
    <div className="deal-picker">
      <Input label={`Find ${label.toLowerCase()}`} type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      <Select
        label={label}
        name={name}
        error={error ?? (matches.isError ? 'Could not load the list' : undefined)}
        defaultValue={current?.value ?? ''}
        options={[{ value: '', label: empty }, ...options]}
      />
    </div>
  );
}
