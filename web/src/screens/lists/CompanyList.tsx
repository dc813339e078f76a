import { useNavigate } from 'react-router';
import { Empty } from '../../ui/States';
import { companyColumns } from './fields';
import { RecordListScreen } from './RecordListScreen';

/** The workspace's companies in one scrolling table, filtered, sorted and saved as views. */
export function CompanyList() {
  const navigate = useNavigate();
  return (
    <RecordListScreen
      objectType="company"
      title="Companies"
      noun={['company', 'companies']}
      standardColumns={companyColumns}
      onRowClick={(c) => navigate(`/companies/${c.id}`)}
      empty={<Empty title="No companies yet">Companies appear here as you add them through the API or link them to contacts.</Empty>}
    />
  );
}
