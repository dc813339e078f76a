import { type FormEvent, useCallback, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { Input } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { RecordPicker } from '../deals/RecordPicker';
import { invalidFields } from '../deals/requirements';
import { type CompanyLinkInput, companyLinks, withCompany, withoutCompany, withPrimary } from '../records/associations';
import { initials } from '../shell/UserMenu';
import type { Contact } from './contacts.api';

/**
 * The companies a contact works at, with their title there: one is primary (shown in the
 * header and lists). Linking, unlinking and choosing the primary one each replace the list (`onChange`).
 */
export function ContactCompanies({ contact, onChange }: { contact: Contact; onChange: (companies: CompanyLinkInput[]) => Promise<void> }) {
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const links = companyLinks(contact);
  const companies = contact.companies ?? [];
  const add = useCallback(
    async (form: FormData) => {
      const companyId = String(form.get('companyId') ?? '');
      if (!companyId) throw invalidFields([{ field: 'companyId', message: 'Choose a company' }]);
      const title = String(form.get('title') ?? '').trim() || null;
      await onChange(withCompany(links, companyId, title));
      setAdding(false);
    },
    [links, onChange],
  );
  const { run, busy, errors, message } = useFormAction(add);
  const change = (next: CompanyLinkInput[], failed: string) =>
    void onChange(next).catch((err) => toast(`${failed}: ${errorMessage(err)}`, 'error'));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };

  return (
    <section className="panel" aria-labelledby="contact-companies-title">
      <div className="panel-head">
        <h3 id="contact-companies-title" className="panel-title">
          Companies
        </h3>
        <Button size="sm" variant="ghost" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'Link a company'}
        </Button>
      </div>
      <div className="panel-body">
        {adding ? (
          <form className="form record-add-form" onSubmit={onSubmit} noValidate aria-label="Link a company">
            {message ? (
              <p className="alert" role="alert">
                {message}
              </p>
            ) : null}
            <RecordPicker kind="company" label="Company" name="companyId" error={errors.companyId ?? errors.companies} />
            <Input label="Title there" name="title" autoComplete="off" placeholder="Head of engineering" error={errors.title} />
            <div className="form-actions">
              <Button type="submit" busy={busy}>
                Link company
              </Button>
            </div>
          </form>
        ) : null}
        {companies.length === 0 ? (
          <p className="muted record-empty">Not linked to a company yet.</p>
        ) : (
          <ul className="record-links" aria-label="Companies of this contact">
            {companies.map((c) => (
              <li key={c.companyId} className="record-link">
                <span className="avatar" aria-hidden="true">
                  {initials(c.name)}
                </span>
                <span className="record-link-main">
                  <Link to={`/companies/${c.companyId}`}>{c.name}</Link>
                  <span className="record-link-meta">
                    {c.primary ? <span className="record-badge">Primary</span> : null}
                    {c.title ? <span>{c.title}</span> : null}
                  </span>
                </span>
                <span className="record-link-actions">
                  {c.primary ? null : (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Make ${c.name} primary`}
                      onClick={() => change(withPrimary(links, c.companyId), `Could not make ${c.name} primary`)}
                    >
                      Make primary
                    </Button>
                  )}
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Unlink ${c.name}`}
                    onClick={() => change(withoutCompany(links, c.companyId), `Could not unlink ${c.name}`)}
                  >
                    Unlink
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
