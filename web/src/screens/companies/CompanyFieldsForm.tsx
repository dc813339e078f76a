import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Input, Select } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import { amountInput, parseAmount } from '../deals/board';
import { useMembers } from '../deals/deals.api';
import { RecordPicker } from '../deals/RecordPicker';
import { invalidFields } from '../deals/requirements';
import { CustomFieldInputs } from '../records/CustomFieldInputs';
import { customChanges } from '../records/customFields';
import { addressChange, addressParts, textChange, typedText } from '../records/fieldChanges';
import { MoreFields } from '../records/MoreFields';
import type { CustomField } from '../records/records.api';
import type { Company, CompanyChanges } from './companies.api';

/**
 * What the company form changes: only the fields that differ, an emptied one as null. Numbers
 * that cannot be read are field errors before anything is sent; revenue typed in major units
 * goes out in minor units of its currency.
 */
export function companyChanges(
  company: Company,
  form: FormData,
  customFields: readonly CustomField[],
  workspaceCurrency: string,
): CompanyChanges {
  const changes: Record<string, unknown> = {};
  const errors: { field: string; message: string }[] = [];
  const name = typedText(form, 'name');
  if (name !== (company.name ?? '')) changes.name = name;
  for (const key of ['domain', 'industry', 'phone', 'externalId'] as const) textChange(changes, form, key, company[key]);

  const employees = typedText(form, 'employeeCount').replace(/[\s,]/g, '');
  const employeeCount = employees === '' ? null : Number(employees);
  if (employeeCount !== null && !(Number.isInteger(employeeCount) && employeeCount >= 0)) {
    errors.push({ field: 'employeeCount', message: 'Enter a whole number, like 250' });
  } else if (employeeCount !== (company.employeeCount ?? null)) changes.employeeCount = employeeCount;

  const currency = typedText(form, 'annualRevenueCurrency').toUpperCase() || company.annualRevenueCurrency || workspaceCurrency;
  if (currency !== (company.annualRevenueCurrency ?? workspaceCurrency)) changes.annualRevenueCurrency = currency;
  const revenue = parseAmount(typedText(form, 'annualRevenue'), currency);
  if (Number.isNaN(revenue)) errors.push({ field: 'annualRevenue', message: `Enter an amount in ${currency}, like 2500000` });
  else if (revenue !== (company.annualRevenue ?? null)) changes.annualRevenue = revenue;

  const parent = typedText(form, 'parentCompanyId') || null;
  if (parent !== (company.parentCompanyId ?? null)) changes.parentCompanyId = parent;
  const owner = typedText(form, 'ownerId') || null;
  if (owner !== (company.ownerId ?? null)) changes.ownerId = owner;
  const address = addressChange(form, company.address);
  if (address) changes.address = address;

  const custom = customChanges(customFields, company.custom, form, workspaceCurrency);
  errors.push(...custom.errors);
  if (custom.custom) changes.custom = custom.custom;
  if (errors.length > 0) throw invalidFields(errors);
  return changes as CompanyChanges;
}

/** A company's standard and custom fields; `onSave` gets only what changed, and each field's error shows beside it. */
export function CompanyFieldsForm({
  company,
  customFields,
  currency,
  parentName,
  onSave,
}: {
  company: Company;
  customFields: readonly CustomField[];
  currency: string;
  parentName: string | null;
  onSave: (changes: CompanyChanges) => Promise<void>;
}) {
  const members = useMembers();
  const save = useCallback(
    (form: FormData) => onSave(companyChanges(company, form, customFields, currency)),
    [company, customFields, currency, onSave],
  );
  const { run, busy, errors, message } = useFormAction(save);
  const owners = [...(members.data?.values() ?? [])].map((m) => ({ value: m.userId, label: m.name }));
  const revenueCurrency = company.annualRevenueCurrency ?? currency;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    // The key resets the inputs when the company changes underneath, and once the owners have loaded.
    <form key={`${company.id}:${company.updatedAt}:${members.isSuccess}`} className="form" onSubmit={onSubmit} noValidate>
      {message ? (
        <p className="alert" role="alert">
          {message}
        </p>
      ) : null}
      <Input label="Name" name="name" autoComplete="off" defaultValue={company.name ?? ''} error={errors.name} />
      <Input label="Domain" name="domain" autoComplete="off" defaultValue={company.domain ?? ''} error={errors.domain} />
      <div className="form-row">
        <Input label="Industry" name="industry" autoComplete="off" defaultValue={company.industry ?? ''} error={errors.industry} />
        <Input
          label="Employees"
          name="employeeCount"
          inputMode="numeric"
          autoComplete="off"
          defaultValue={company.employeeCount ?? ''}
          error={errors.employeeCount}
        />
      </div>
      <div className="form-row">
        <Input
          label="Annual revenue"
          name="annualRevenue"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={amountInput(company.annualRevenue, revenueCurrency)}
          error={errors.annualRevenue}
        />
        <Input
          label="Currency"
          name="annualRevenueCurrency"
          autoComplete="off"
          maxLength={3}
          defaultValue={revenueCurrency}
          error={errors.annualRevenueCurrency}
        />
      </div>
      <Input label="Phone" name="phone" type="tel" autoComplete="off" defaultValue={company.phone ?? ''} error={errors.phone} />
      <Select
        label="Owner"
        name="ownerId"
        defaultValue={company.ownerId ?? ''}
        options={[{ value: '', label: 'No owner' }, ...owners]}
        error={errors.ownerId}
      />
      <CustomFieldInputs fields={customFields} values={company.custom} errors={errors} currency={currency} />
      <MoreFields fields={['address', 'parentCompanyId', 'externalId']} errors={errors}>
        <fieldset className="field-group">
          <legend className="field-label">Address</legend>
          {addressParts.map((part) => (
            <Input
              key={part.key}
              label={part.label}
              name={`address.${part.key}`}
              autoComplete="off"
              defaultValue={company.address?.[part.key] ?? ''}
              error={errors[`address.${part.key}`]}
            />
          ))}
        </fieldset>
        <RecordPicker
          kind="company"
          label="Parent company"
          name="parentCompanyId"
          current={company.parentCompanyId ? { value: company.parentCompanyId, label: parentName ?? 'Parent company' } : null}
          noneLabel="No parent company"
          error={errors.parentCompanyId}
        />
        <Input label="External ID" name="externalId" autoComplete="off" defaultValue={company.externalId ?? ''} error={errors.externalId} />
      </MoreFields>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
