import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { ContactFieldsForm } from './ContactFieldsForm';
import type { Contact, ContactChanges } from './contacts.api';

const grace: Contact = {
  id: '0b9d7c4e-8d3c-4a6f-9f5a-0f6d7e8c9b1a',
  firstName: 'Grace',
  lastName: 'Hopper',
  name: 'Grace Hopper',
  email: 'grace@navy.example',
  phone: null,
  jobTitle: 'Rear Admiral',
  lifecycleStage: 'lead',
  leadSource: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

afterEach(cleanup);

describe('ContactFieldsForm', () => {
  it('sends only the fields that changed, an emptied one as null', async () => {
    const sent: ContactChanges[] = [];
    render(<ContactFieldsForm contact={grace} onSave={async (c) => void sent.push(c)} />);
    fireEvent.change(screen.getByLabelText('Job title'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Phone'), { target: { value: '+1 202 555 0100' } });
    fireEvent.change(screen.getByLabelText('Lifecycle stage'), { target: { value: 'customer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ jobTitle: null, phone: '+1 202 555 0100', lifecycleStage: 'customer' });
  });

  it('shows each field error of a problem beside its field, and the rest above the form', async () => {
    const problem = {
      type: 'https://rapport.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      code: 'validation_failed',
      detail: 'The request body is not valid',
      errors: [
        { field: 'body.email', message: 'Not a valid email address' },
        { field: 'body.phone', message: 'Not a phone number' },
      ],
    };
    render(
      <ContactFieldsForm
        contact={grace}
        onSave={async () => {
          throw new ApiError(problem);
        }}
      />,
    );
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'grace@' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Not a valid email address');
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Not a valid email address');
    expect(screen.getByLabelText('Phone').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('First name').getAttribute('aria-invalid')).toBeNull();
    // Field errors are beside the fields, so there is no general alert repeating them.
    expect(screen.queryByText('The request body is not valid')).toBeNull();
  });

  it('shows a problem without field errors above the form', async () => {
    render(
      <ContactFieldsForm
        onSave={async () => {
          throw new ApiError({
            type: 'about:blank',
            title: 'Forbidden',
            status: 403,
            code: 'forbidden',
            detail: 'Read-only members cannot create contacts',
          });
        }}
        submitLabel="Create contact"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Create contact' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Read-only members cannot create contacts');
  });
});
