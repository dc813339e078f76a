import { ApiError } from '../../api/problem';
import type { components } from '../../api/schema';
import { type Deal, parseAmount } from './board';
import type { DealChanges } from './deals.api';

type CustomField = components['schemas']['CustomField'];

/** How a required field is asked for in the dialog. */
export type RequirementInput =
  | { field: string; label: string; kind: 'amount' | 'date' | 'percent' | 'text' | 'number' | 'owner' | 'company' | 'contact' | 'boolean' }
  | { field: string; label: string; kind: 'select'; options: { value: string; label: string }[] };

const standard: Record<string, { label: string; kind: RequirementInput['kind'] }> = {
  amount: { label: 'Amount', kind: 'amount' },
  expectedCloseDate: { label: 'Expected close date', kind: 'date' },
  probability: { label: 'Probability (%)', kind: 'percent' },
  ownerId: { label: 'Owner', kind: 'owner' },
  companyId: { label: 'Company', kind: 'company' },
  externalId: { label: 'External ID', kind: 'text' },
  contacts: { label: 'Contact', kind: 'contact' },
};

/** The input to show for each missing field a stage requires (custom fields typed by their definition). */
export function requirementInputs(fields: readonly string[], customFields: readonly CustomField[] = []): RequirementInput[] {
  return fields.map((field): RequirementInput => {
    const known = standard[field];
    if (known) return { field, label: known.label, kind: known.kind } as RequirementInput;
    const key = field.replace(/^custom\./, '');
    const def = customFields.find((f) => f.key === key);
    const label = def?.label ?? key;
    switch (def?.type) {
      case 'number':
      case 'currency':
        return { field, label, kind: 'number' };
      case 'date':
        return { field, label, kind: 'date' };
      case 'boolean':
        return { field, label, kind: 'boolean' };
      case 'single_select':
        return { field, label, kind: 'select', options: def.options };
      default:
        return { field, label, kind: 'text' };
    }
  });
}

/** A validation error the form shows beside each named field (`amount` → `body.amount`), as if the API had answered it. */
export function invalidFields(errors: { field: string; message: string }[]): ApiError {
  return new ApiError({
    type: 'about:blank',
    title: 'Validation failed',
    status: 400,
    code: 'validation_failed',
    detail: 'Some fields are not valid',
    errors: errors.map((e) => ({ ...e, field: `body.${e.field}` })),
  });
}

/**
 * The changes that fill the required fields from the dialog's form, to send with the move.
 * A contact is added to the deal's existing ones. A value that cannot be sent (empty, not a
 * number) throws a validation ApiError naming the field, so the form shows it in place.
 */
export function requirementChanges(inputs: readonly RequirementInput[], form: FormData, deal: Deal): DealChanges {
  const changes: DealChanges = {};
  const custom: Record<string, unknown> = {};
  const errors: { field: string; message: string }[] = [];
  for (const input of inputs) {
    const raw = String(form.get(input.field) ?? '').trim();
    if (raw === '') {
      errors.push({ field: input.field, message: `Enter ${input.label.toLowerCase()} to move the deal` });
      continue;
    }
    let value: unknown = raw;
    if (input.kind === 'amount') {
      const currency = deal.currency ?? 'USD';
      value = parseAmount(raw, currency);
      if (Number.isNaN(value)) errors.push({ field: input.field, message: `Enter an amount in ${currency}, like 12500` });
    } else if (input.kind === 'percent' || input.kind === 'number') {
      value = Number(raw.replace(/[\s,]/g, ''));
      if (Number.isNaN(value)) errors.push({ field: input.field, message: 'Enter a number' });
    } else if (input.kind === 'boolean') {
      value = raw === 'true';
    }
    if (input.field === 'contacts') {
      const existing = (deal.contacts ?? []).map((c) => ({ contactId: c.contactId, role: c.role }));
      changes.contacts = [...existing.filter((c) => c.contactId !== raw), { contactId: raw, role: null }];
    } else if (input.field.startsWith('custom.')) {
      custom[input.field.slice('custom.'.length)] = value;
    } else {
      (changes as Record<string, unknown>)[input.field] = value;
    }
  }
  if (errors.length > 0) throw invalidFields(errors);
  if (Object.keys(custom).length > 0) changes.custom = custom;
  return changes;
}
