import type { ReactNode } from 'react';

/**
 * The less used fields of a record's form, folded away under "More fields" so the usual ones
 * fit on screen. Folded inputs still go out with the form; the fold opens by itself when one
 * of `fields` has an error, so no error is ever hidden.
 */
export function MoreFields({
  fields,
  errors,
  children,
}: {
  fields: readonly string[];
  errors: Record<string, string>;
  children: ReactNode;
}) {
  const hasError = Object.keys(errors).some((key) => fields.some((f) => key === f || key.startsWith(`${f}.`) || key.startsWith(`${f}[`)));
  return (
    // Keyed on the error so a fold closed by hand still opens when an error lands in it.
    <details key={String(hasError)} className="more-fields" open={hasError || undefined}>
      <summary className="link-button">More fields</summary>
      <div className="more-fields-body">{children}</div>
    </details>
  );
}
