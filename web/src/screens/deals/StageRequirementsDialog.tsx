import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import type { Deal, Stage } from './board';
import { type DealChanges, useDealCustomFields, useMembers } from './deals.api';
import { RecordPicker } from './RecordPicker';
import { type RequirementInput, requirementChanges, requirementInputs } from './requirements';

/** A move the API refused until the target stage's required fields are filled. */
export type HeldMove = { deal: Deal; stage: Stage; fields: string[] };

function RequirementField({ input, deal, error }: { input: RequirementInput; deal: Deal; error: string | undefined }) {
  const members = useMembers();
  const common = { label: input.label, name: input.field, error };
  switch (input.kind) {
    case 'amount':
      return (
        <Input
          {...common}
          label={`${input.label} (${deal.currency ?? 'USD'})`}
          inputMode="decimal"
          placeholder="12500"
          autoComplete="off"
        />
      );
    case 'date':
      return <Input {...common} type="date" />;
    case 'percent':
      return <Input {...common} inputMode="numeric" placeholder="0–100" autoComplete="off" />;
    case 'number':
      return <Input {...common} inputMode="decimal" autoComplete="off" />;
    case 'owner':
      return (
        <Select
          {...common}
          options={[
            { value: '', label: 'Choose…' },
            ...[...(members.data?.values() ?? [])].map((m) => ({ value: m.userId, label: m.name })),
          ]}
        />
      );
    case 'company':
      return <RecordPicker kind="company" {...common} />;
    case 'contact':
      return <RecordPicker kind="contact" {...common} />;
    case 'boolean':
      return (
        <Select
          {...common}
          options={[
            { value: '', label: 'Choose…' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
        />
      );
    case 'select':
      return <Select {...common} options={[{ value: '', label: 'Choose…' }, ...input.options]} />;
    default:
      return <Input {...common} autoComplete="off" />;
  }
}

/**
 * Asks for the fields a stage requires before a deal may enter it, then retries the move with
 * them (`onSubmit` gets the changes to send with the stage). Errors show beside each field.
 */
export function StageRequirementsDialog({
  held,
  onSubmit,
  onClose,
}: {
  held: HeldMove | null;
  onSubmit: (held: HeldMove, changes: DealChanges) => Promise<void>;
  onClose: () => void;
}) {
  const customFields = useDealCustomFields();
  const inputs = held ? requirementInputs(held.fields, customFields.data ?? []) : [];
  const send = useCallback(
    async (form: FormData) => {
      if (!held) return;
      await onSubmit(held, requirementChanges(inputs, form, held.deal));
    },
    [held, inputs, onSubmit],
  );
  const { run, busy, errors, message } = useFormAction(send);
  const onFormSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    <Dialog open={held !== null} title={held ? `Move to ${held.stage.name}` : 'Move deal'} onClose={onClose}>
      {held ? (
        <form className="form" onSubmit={onFormSubmit} noValidate>
          <p className="muted">
            {held.stage.name} needs {held.fields.length === 1 ? 'this field' : 'these fields'} filled before “{held.deal.name}” can enter
            it.
          </p>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          {inputs.map((input) => (
            <RequirementField key={input.field} input={input} deal={held.deal} error={errors[input.field]} />
          ))}
          <div className="form-actions">
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={busy}>
              Save and move
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
