import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { CustomFieldInputs } from '../records/CustomFieldInputs';
import { customChanges } from '../records/customFields';
import { textChange } from '../records/fieldChanges';
import { MoreFields } from '../records/MoreFields';
import type { CustomField } from '../records/records.api';
import { amountInput, type Deal, parseAmount, type Stage } from './board';
import { type DealChanges, useMembers } from './deals.api';
import { RecordPicker } from './RecordPicker';
import { invalidFields } from './requirements';

/**
 * What the deal form changes: only the fields that differ from the deal, an emptied one as
 * null (an emptied probability goes back to the stage's). Amounts typed in major units are
 * sent in minor units of the chosen currency; a bad one is a field error.
 */
export function dealChanges(deal: Deal, form: FormData, customFields: readonly CustomField[] = []): DealChanges {
  const text = (key: string) => String(form.get(key) ?? '').trim();
  const changes: Record<string, unknown> = {};
  const currency = text('currency').toUpperCase() || (deal.currency ?? 'USD');
  if (text('name') !== (deal.name ?? '')) changes.name = text('name');
  if (currency !== deal.currency) changes.currency = currency;
  const amount = parseAmount(text('amount'), currency);
  if (Number.isNaN(amount)) throw invalidFields([{ field: 'amount', message: `Enter an amount in ${currency}, like 12500` }]);
  if (amount !== (deal.amount ?? null)) changes.amount = amount;
  const close = text('expectedCloseDate') || null;
  if (close !== (deal.expectedCloseDate ?? null)) changes.expectedCloseDate = close;
  const owner = text('ownerId') || null;
  if (owner !== (deal.ownerId ?? null)) changes.ownerId = owner;
  if (text('stageId') && text('stageId') !== deal.stageId) changes.stageId = text('stageId');
  const typedProbability = text('probability');
  const probability = typedProbability === '' ? null : Number(typedProbability);
  if (probability !== null && !Number.isInteger(probability)) {
    throw invalidFields([{ field: 'probability', message: 'Enter a whole percentage from 0 to 100' }]);
  }
  const before = deal.probabilityOverridden ? (deal.probability ?? null) : null;
  if (probability !== before) changes.probability = probability;
  if (form.has('companyId')) {
    const company = text('companyId') || null;
    if (company !== (deal.companyId ?? null)) changes.companyId = company;
  }
  if (form.has('externalId')) textChange(changes, form, 'externalId', deal.externalId);
  const custom = customChanges(customFields, deal.custom, form, currency);
  if (custom.errors.length > 0) throw invalidFields(custom.errors);
  if (custom.custom) changes.custom = custom.custom;
  return changes as DealChanges;
}

/** A deal's standard and custom fields; `onSave` gets only what changed, and each field's error shows beside it. */
export function DealFieldsForm({
  deal,
  stages,
  customFields = [],
  companyName = null,
  onSave,
}: {
  deal: Deal;
  stages: readonly Stage[];
  customFields?: readonly CustomField[];
  companyName?: string | null;
  onSave: (changes: DealChanges) => Promise<void>;
}) {
  const members = useMembers();
  const save = useCallback((form: FormData) => onSave(dealChanges(deal, form, customFields)), [deal, customFields, onSave]);
  const { run, busy, errors, message } = useFormAction(save);
  const currency = deal.currency ?? 'USD';
  const stage = stages.find((s) => s.id === deal.stageId);
  const owners = [...(members.data?.values() ?? [])].map((m) => ({ value: m.userId, label: m.name }));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    // The key resets the inputs when the deal changes underneath, and once the owners have loaded
    // (a select's default only applies to options present when it mounts).
    <form key={`${deal.id}:${deal.updatedAt}:${members.isSuccess}`} className="form" onSubmit={onSubmit} noValidate>
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <Input label="Deal name" name="name" autoComplete="off" defaultValue={deal.name ?? ''} error={errors.name} />
      <div className="form-row">
        <Input
          label="Amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={amountInput(deal.amount, currency)}
          error={errors.amount}
        />
        <Input label="Currency" name="currency" autoComplete="off" maxLength={3} defaultValue={currency} error={errors.currency} />
      </div>
      <Select
        label="Stage"
        name="stageId"
        defaultValue={deal.stageId}
        options={stages.map((s) => ({ value: s.id, label: s.name }))}
        error={errors.stageId}
      />
      <div className="form-row">
        <Input
          label="Expected close"
          name="expectedCloseDate"
          type="date"
          defaultValue={deal.expectedCloseDate ?? ''}
          error={errors.expectedCloseDate}
        />
        <Input
          label="Probability (%)"
          name="probability"
          inputMode="numeric"
          autoComplete="off"
          placeholder={stage ? `Stage: ${stage.probability}` : ''}
          defaultValue={deal.probabilityOverridden ? String(deal.probability ?? '') : ''}
          hint="Empty uses the stage's"
          error={errors.probability}
        />
      </div>
      <Select
        label="Owner"
        name="ownerId"
        defaultValue={deal.ownerId ?? ''}
        options={[{ value: '', label: 'No owner' }, ...owners]}
        error={errors.ownerId}
      />
      <CustomFieldInputs fields={customFields} values={deal.custom} errors={errors} currency={currency} />
      <MoreFields fields={['companyId', 'externalId']} errors={errors}>
        <RecordPicker
          kind="company"
          label="Company"
          name="companyId"
          current={deal.companyId ? { value: deal.companyId, label: companyName ?? 'Company' } : null}
          noneLabel="No company"
          error={errors.companyId}
        />
        <Input label="External ID" name="externalId" autoComplete="off" defaultValue={deal.externalId ?? ''} error={errors.externalId} />
      </MoreFields>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
