import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { Empty } from '../../ui/States';
import { LoadDemoData } from '../demo/LoadDemoData';
import { contactColumns } from '../lists/fields';
import { RecordListScreen } from '../lists/RecordListScreen';
import { ImportVcardButton, ImportVcardDialog } from './ContactVcard';
import { NewContactDialog } from './NewContactDialog';

/** Every contact of the workspace in one scrolling table, filtered, sorted and saved as views. */
export function ContactList() {
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const navigate = useNavigate();

  return (
    <>
      <RecordListScreen
        objectType="contact"
        title="Contacts"
        noun={['contact', 'contacts']}
        standardColumns={contactColumns}
        onRowClick={(c) => navigate(`/contacts/${c.id}`)}
        actions={
          <>
            <ImportVcardButton onClick={() => setImporting(true)} />
            <Button variant="primary" aria-label="New contact" onClick={() => setCreating(true)}>
              {icons.plus} <span className="hide-narrow">New contact</span>
            </Button>
          </>
        }
        empty={
          <Empty
            title="No contacts yet"
            action={
              <>
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Add your first contact
                </Button>
                <LoadDemoData />
              </>
            }
          >
            The people you sell to live here, with everything you did with them.
          </Empty>
        }
      />
      <NewContactDialog open={creating} onClose={() => setCreating(false)} />
      <ImportVcardDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
}
