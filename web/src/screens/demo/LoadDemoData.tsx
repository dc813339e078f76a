import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { useMe } from '../../session';
import { Button } from '../../ui/Button';
import { useToast } from '../../ui/Toast';
import './demo.css';

/**
 * "Load demo data" for an empty workspace: fills it with a sample of companies, people, deals,
 * activities and tasks so a newcomer sees the CRM at work. Only admins and owners see it.
 */
export function LoadDemoData() {
  const me = useMe();
  const queryClient = useQueryClient();
  const toast = useToast();
  const load = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/demo-data')),
    onSuccess: async (counts) => {
      toast(`Demo data loaded: ${counts.contacts} contacts, ${counts.companies} companies, ${counts.deals} deals`);
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    },
  });
  const role = me.data?.role;
  if (role !== 'owner' && role !== 'admin') return null;

  return (
    <div className="demo-load">
      <Button onClick={() => load.mutate()} busy={load.isPending}>
        {load.isPending ? 'Loading demo data…' : 'Load demo data'}
      </Button>
      <p className="demo-load-note" role="status">
        {load.isPending
          ? 'Creating companies, contacts, deals, activities and tasks — this takes a few seconds.'
          : load.isError
            ? null
            : 'Or explore with a sample of 250 people, 40 companies and 60 deals.'}
      </p>
      {load.isError ? (
        <p className="demo-load-error" role="alert">
          {errorMessage(load.error)}
        </p>
      ) : null}
    </div>
  );
}
