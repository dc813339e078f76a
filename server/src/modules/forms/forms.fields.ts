import type { FieldError } from '../../lib/errors.ts';
import type { CustomFieldRow } from '../custom-fields/custom-fields.repo.ts';
import type { FormCreate, FormFieldType, StoredField } from './forms.schema.ts';

/** The standard contact properties a form can fill, with the ways each may be shown (the first is the default). */
const standardProperties: Record<string, { label: string; types: FormFieldType[] }> = {
  email: { label: 'Email', types: ['email'] },
  firstName: { label: 'First name', types: ['text'] },
  lastName: { label: 'Last name', types: ['text'] },
  phone: { label: 'Phone', types: ['tel'] },
  jobTitle: { label: 'Job title', types: ['text'] },
  'address.street': { label: 'Street', types: ['text', 'textarea'] },
  'address.city': { label: 'City', types: ['text'] },
  'address.region': { label: 'Region', types: ['text'] },
  'address.postalCode': { label: 'Postal code', types: ['text'] },
  'address.country': { label: 'Country', types: ['text'] },
};

/** The ways a custom field of each type may be shown; types missing here cannot be on a form. */
const customTypes: Partial<Record<CustomFieldRow['type'], FormFieldType[]>> = {
  text: ['text', 'textarea'],
  long_text: ['textarea', 'text'],
  number: ['number'],
  date: ['date'],
  boolean: ['checkbox'],
  single_select: ['select', 'radio'],
  multi_select: ['checkboxes'],
  url: ['url'],
  email: ['email'],
  phone: ['tel'],
};

/** A property a form field can be mapped to. */
export type FormProperty = { key: string; label: string; types: FormFieldType[]; options: { value: string; label: string }[] | null };

/** Every property a form in this workspace may fill: the standard ones, then live custom contact fields. */
export function formProperties(customDefs: CustomFieldRow[]): FormProperty[] {
  const standard = Object.entries(standardProperties).map(([key, p]) => ({ key, label: p.label, types: p.types, options: null }));
  const custom = customDefs.flatMap((d) => {
    const types = customTypes[d.type];
    if (!types || d.archived_at) return [];
    return [{ key: `custom.${d.key}`, label: d.label, types, options: d.options.length > 0 ? d.options : null }];
  });
  return [...standard, ...custom];
}

/**
 * Checks a form's fields against the properties they fill, naming each bad one: unknown or
 * repeated properties and types a property cannot take. The email field must be there and is
 * always required (submissions find the contact by it).
 */
export function planFields(input: NonNullable<FormCreate['fields']>, properties: FormProperty[], errors: FieldError[]): StoredField[] {
  const byKey = new Map(properties.map((p) => [p.key, p]));
  const seen = new Set<string>();
  const fields = input.flatMap((f, i) => {
    const property = byKey.get(f.key);
    if (!property) {
      errors.push({
        field: `body.fields[${i}].key`,
        message: `No contact property ${f.key} can be filled by a form`,
        code: 'unknown_field',
      });
      return [];
    }
    if (seen.has(f.key)) {
      errors.push({ field: `body.fields[${i}].key`, message: `${f.key} is already on the form` });
      return [];
    }
    seen.add(f.key);
    const type = f.type ?? (property.types[0] as FormFieldType);
    if (!property.types.includes(type)) {
      errors.push({ field: `body.fields[${i}].type`, message: `${f.key} can be shown as ${property.types.join(' or ')}` });
    }
    return [{ key: f.key, label: f.label, type, required: f.key === 'email' ? true : f.required, placeholder: f.placeholder || null }];
  });
  if (!seen.has('email')) errors.push({ field: 'body.fields', message: 'A form needs an email field: submissions find the contact by it' });
  return fields;
}

/** The choices a field offers, read from its custom field so they follow edits to it. */
export function optionsOf(field: StoredField, properties: Map<string, FormProperty>): { value: string; label: string }[] | null {
  if (field.type !== 'select' && field.type !== 'radio' && field.type !== 'checkboxes') return null;
  return properties.get(field.key)?.options ?? [];
}
