import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { initials } from '../shell/UserMenu';
import type { Deal } from './board';
import { RecordPicker } from './RecordPicker';
import { invalidFields } from './requirements';

type DealContact = { contactId: string; role: string | null };

function useContactNames(ids: readonly string[]) {
  const unique = [...new Set(ids)].sort();
  return useQuery({
    queryKey: ['contacts', 'names', unique],
    queryFn: async () => {
      if (unique.length === 0) return new Map<string, string>();
      const page = await unwrap(
        api.POST('/api/v1/contacts/search', {
          body: { filterGroups: [{ filters: [{ field: 'id', operator: 'in', values: unique }] }], limit: 500 },
        }),
      );
      return new Map(page.data.map((c) => [c.id, c.name || c.email || 'Unnamed contact']));
    },
    placeholderData: (previous) => previous,
  });
}

/** The people on a deal, each with their role; adding or removing one replaces the list (`onChange`). */
export function DealContacts({ deal, onChange }: { deal: Deal; onChange: (contacts: DealContact[]) => Promise<void> }) {
  const contacts = deal.contacts ?? [];
  const names = useContactNames(contacts.map((c) => c.contactId));
  const [formKey, setFormKey] = useState(0);
  const toast = useToast();
  const add = useCallback(
    async (form: FormData) => {
      const contactId = String(form.get('contactId') ?? '');
      const role = String(form.get('role') ?? '').trim() || null;
      if (!contactId) throw invalidFields([{ field: 'contactId', message: 'Choose a contact' }]);
      await onChange([...contacts.filter((c) => c.contactId !== contactId), { contactId, role }]);
      setFormKey((k) => k + 1);
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
      <h3 id="deal-contacts-title" className="panel-title">
        Contacts
      </h3>
      <div className="panel-body">
        {contacts.length === 0 ? (
          <p className="muted" style={{ marginBottom: 12 }}>
            No one on this deal yet.
          </p>
        ) : (
          <ul className="deal-contacts" aria-label="Contacts on this deal">
            {contacts.map((c) => {
              const name = names.data?.get(c.contactId) ?? '…';
              return (
                <li key={c.contactId} className="deal-contact">
                  <span className="avatar" aria-hidden="true">
                    {initials(name)}
                  </span>
                  <span style={{ minWidth: 0 }}>
                    <Link to={`/contacts/${c.contactId}`}>{name}</Link>
                    {c.role ? <div className="deal-contact-role">{c.role}</div> : null}
                  </span>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove ${name}`}
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
        <form key={formKey} className="form" onSubmit={onSubmit} noValidate>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          <RecordPicker kind="contact" label="Contact" name="contactId" error={errors.contactId ?? errors.contacts} />
          <Input label="Role" name="role" autoComplete="off" placeholder="Decision maker, champion…" error={errors.role} />
          <div className="form-actions">
            <Button type="submit" busy={busy}>
              Add contact
            </Button>
          </div>
        </form>
      </div>
    </section>
  );
}
