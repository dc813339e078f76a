import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { useContactSummaries } from '../records/records.api';
import { initials } from '../shell/UserMenu';
import type { Deal } from './board';
import { RecordPicker } from './RecordPicker';
import { invalidFields } from './requirements';

type DealContact = { contactId: string; role: string | null };

/** The people on a deal, each with their role; adding or removing one replaces the list (`onChange`). */
export function DealContacts({ deal, onChange }: { deal: Deal; onChange: (contacts: DealContact[]) => Promise<void> }) {
  const contacts = deal.contacts ?? [];
  const people = useContactSummaries(contacts.map((c) => c.contactId));
  const [adding, setAdding] = useState(false);
  const toast = useToast();
  const add = useCallback(
    async (form: FormData) => {
      const contactId = String(form.get('contactId') ?? '');
      const role = String(form.get('role') ?? '').trim() || null;
      if (!contactId) throw invalidFields([{ field: 'contactId', message: 'Choose a contact' }]);
      await onChange([...contacts.filter((c) => c.contactId !== contactId), { contactId, role }]);
      setAdding(false);
    },
    [contacts, onChange],
  );
  const { run, busy, errors, message } = useFormAction(add);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    <section className="panel" aria-labelledby="deal-contacts-title">
      <div className="panel-head">
        <h3 id="deal-contacts-title" className="panel-title">
          Contacts{contacts.length > 0 ? <span className="panel-count"> · {contacts.length}</span> : null}
        </h3>
        <Button size="sm" variant="ghost" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Add contact'}
        </Button>
      </div>
      <div className="panel-body">
        {adding ? (
          <form className="form record-add-form" onSubmit={onSubmit} noValidate aria-label="Add a contact to this deal">
            {message ? (
              <p className="alert" role="alert">
                {message}
              </p>
            ) : null}
            <RecordPicker kind="contact" label="Contact" name="contactId" error={errors.contactId ?? errors.contacts} />
            <Input label="Role" name="role" autoComplete="off" placeholder="Decision maker, champion…" error={errors.role} />
            <div className="form-actions">
              <Button type="submit" busy={busy}>
                Add to deal
              </Button>
            </div>
          </form>
        ) : null}
        {contacts.length === 0 ? (
          <p className="muted record-empty">No one on this deal yet.</p>
        ) : (
          <ul className="record-links" aria-label="Contacts on this deal">
            {contacts.map((c) => {
              const name = people.data?.get(c.contactId)?.name ?? '…';
              return (
                <li key={c.contactId} className="record-link">
                  <span className="avatar" aria-hidden="true">
                    {initials(name)}
                  </span>
                  <span className="record-link-main">
                    <Link to={`/contacts/${c.contactId}`}>{name}</Link>
                    {c.role ? <span className="record-link-meta">{c.role}</span> : null}
                  </span>
                  <Button
                    size="sm"
                    variant="ghost"
                    className="record-link-actions"
                    aria-label={`Remove ${name} from this deal`}
                    onClick={() =>
                      void onChange(contacts.filter((o) => o.contactId !== c.contactId)).catch((err) =>
                        toast(`Could not remove ${name}: ${errorMessage(err)}`, 'error'),
                      )
                    }
                  >
                    Remove
                  </Button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}
