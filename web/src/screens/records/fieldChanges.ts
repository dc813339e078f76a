/** The parts of a postal address, as the API names them, with their labels. */
export const addressParts = [
  { key: 'street', label: 'Street' },
  { key: 'city', label: 'City' },
  { key: 'region', label: 'Region' },
  { key: 'postalCode', label: 'Postal code' },
  { key: 'country', label: 'Country' },
] as const;

type AddressKey = (typeof addressParts)[number]['key'];
export type AddressValues = Partial<Record<AddressKey, string | null>>;

/** A trimmed text input of the form ("" when absent). */
export const typedText = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * Puts `name` in `changes` when its input differs from `before`: the typed text, or null for an
 * emptied one. Unchanged inputs are left out, so a save sends only what the person changed.
 */
export function textChange(changes: Record<string, unknown>, form: FormData, name: string, before: string | null | undefined): void {
  const typed = typedText(form, name);
  if (typed !== (before ?? '')) changes[name] = typed === '' ? null : typed;
}

/** The address to send when any of its parts changed (all parts, so none is lost), else undefined. */
export function addressChange(form: FormData, before: AddressValues | undefined): AddressValues | undefined {
  const after: AddressValues = {};
  let changed = false;
  for (const { key } of addressParts) {
    const typed = typedText(form, `address.${key}`);
    after[key] = typed === '' ? null : typed;
    if (typed !== (before?.[key] ?? '')) changed = true;
  }
  return changed ? after : undefined;
}

/** Tags typed as one comma-separated line, without blanks or repeats. */
export function tagList(typed: string): string[] {
  return [
    ...new Set(
      typed
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}
