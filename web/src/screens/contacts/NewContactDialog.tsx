import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Dialog } from '../../ui/Dialog';
import { useToast } from '../../ui/Toast';
import { ContactFieldsForm } from './ContactFieldsForm';
import { type ContactChanges, contactKeys } from './contacts.api';

/** Creates a contact from the list, then opens its page. */
export function NewContactDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const create = useCallback(
    async (changes: ContactChanges) => {
      const contact = await unwrap(api.POST('/api/v1/contacts', { body: changes }));
      await queryClient.invalidateQueries({ queryKey: contactKeys.all });
      toast(`${contact.name || contact.email || 'Contact'} added`);
      onClose();
      navigate(`/contacts/${contact.id}`);
    },
    [queryClient, toast, onClose, navigate],
  );
  return (
    <Dialog open={open} title="New contact" onClose={onClose}>
      <ContactFieldsForm onSave={create} onCancel={onClose} submitLabel="Create contact" />
    </Dialog>
  );
}
