import type { z } from 'zod';
import type { FieldError } from '../../lib/errors.ts';
import type { publicFormSchema } from './forms.schema.ts';

type PublicForm = z.infer<typeof publicFormSchema>;
type Field = PublicForm['fields'][number];

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

const inputTypes: Partial<Record<Field['type'], string>> = {
  text: 'text',
  email: 'email',
  tel: 'tel',
  number: 'number',
  date: 'date',
  url: 'url',
};
const autocomplete: Record<string, string> = {
  email: 'email',
  firstName: 'given-name',
  lastName: 'family-name',
  phone: 'tel',
  jobTitle: 'organization-title',
  'address.street': 'street-address',
  'address.city': 'address-level2',
  'address.region': 'address-level1',
  'address.postalCode': 'postal-code',
  'address.country': 'country-name',
};

/** What a re-shown form holds: the answers given and the errors to show beside them. */
export type FormState = { values?: Record<string, unknown>; errors?: FieldError[]; consent?: boolean; meta?: Record<string, string> };

function fieldHtml(f: Field, i: number, idPrefix: string, state: FormState): string {
  const id = `${idPrefix}-${i}`;
  const error = state.errors?.find((e) => e.field === f.key)?.message;
  const raw = state.values?.[f.key];
  const value = raw === undefined || raw === null ? '' : String(raw);
  const chosen = new Set(Array.isArray(raw) ? raw.map(String) : value ? [value] : []);
  const name = escapeHtml(f.key);
  const req = f.required ? ' required aria-required="true"' : '';
  const described = error ? ` aria-invalid="true" aria-describedby="${id}-error"` : '';
  const mark = f.required ? ' <span class="rf-required" aria-hidden="true">*</span>' : '';
  const label = `${escapeHtml(f.label)}${mark}`;
  const errorHtml = error ? `<p class="rf-error" id="${id}-error">${escapeHtml(error)}</p>` : '';
  const placeholder = f.placeholder ? ` placeholder="${escapeHtml(f.placeholder)}"` : '';
  const options = f.options ?? [];
  if (f.type === 'checkbox') {
    return `<div class="rf-field rf-check"><input type="checkbox" id="${id}" name="${name}" value="true"${raw ? ' checked' : ''}${req}${described}><label for="${id}">${label}</label>${errorHtml}</div>`;
  }
  if (f.type === 'radio' || f.type === 'checkboxes') {
    const type = f.type === 'radio' ? 'radio' : 'checkbox';
    const items = options
      .map(
        (o, n) =>
          `<label class="rf-choice" for="${id}-${n}"><input type="${type}" id="${id}-${n}" name="${name}" value="${escapeHtml(o.value)}"${chosen.has(o.value) ? ' checked' : ''}${type === 'radio' ? req : ''}> ${escapeHtml(o.label)}</label>`,
      )
      .join('');
    return `<fieldset class="rf-field"${described}><legend>${label}</legend>${items}${errorHtml}</fieldset>`;
  }
  let control: string;
  if (f.type === 'select') {
    const opts = options
      .map((o) => `<option value="${escapeHtml(o.value)}"${chosen.has(o.value) ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
      .join('');
    control = `<select id="${id}" name="${name}"${req}${described}><option value="">${escapeHtml(f.placeholder ?? 'Choose…')}</option>${opts}</select>`;
  } else if (f.type === 'textarea') {
    control = `<textarea id="${id}" name="${name}" rows="4"${placeholder}${req}${described}>${escapeHtml(value)}</textarea>`;
  } else {
    const auto = autocomplete[f.key] ? ` autocomplete="${autocomplete[f.key]}"` : '';
    control = `<input type="${inputTypes[f.type] ?? 'text'}" id="${id}" name="${name}" value="${escapeHtml(value)}"${auto}${placeholder}${req}${described}>`;
  }
  return `<div class="rf-field"><label for="${id}">${label}</label>${control}${errorHtml}</div>`;
}

/**
 * The form as plain HTML that posts urlencoded to Rapport and works without JavaScript: the
 * fields with their labels, the consent box, the hidden honeypot and the submit button.
 */
export function formHtml(form: PublicForm, state: FormState = {}, idPrefix = `rf-${form.publicId}`): string {
  const parts = form.fields.map((f, i) => fieldHtml(f, i, idPrefix, state));
  if (form.consent) {
    const error = state.errors?.find((e) => e.field === 'consent')?.message;
    const id = `${idPrefix}-consent`;
    const req = form.consent.required ? ' required aria-required="true"' : '';
    const described = error ? ` aria-invalid="true" aria-describedby="${id}-error"` : '';
    parts.push(
      `<div class="rf-field rf-check rf-consent"><input type="checkbox" id="${id}" name="consent" value="true"${state.consent ? ' checked' : ''}${req}${described}><label for="${id}">${escapeHtml(form.consent.text)}</label>${error ? `<p class="rf-error" id="${id}-error">${escapeHtml(error)}</p>` : ''}</div>`,
    );
  }
  // Hidden from people (off-screen, out of the tab order, hidden from screen readers); robots fill it in.
  parts.push(
    `<div class="rf-hp" aria-hidden="true" style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden"><label for="${idPrefix}-hp">Leave this field empty</label><input type="text" id="${idPrefix}-hp" name="${form.honeypot}" tabindex="-1" autocomplete="off" value=""></div>`,
  );
  for (const [name, value] of Object.entries(state.meta ?? {})) {
    parts.push(`<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  }
  parts.push(`<button type="submit" class="rf-submit">${escapeHtml(form.submitButtonLabel)}</button>`);
  return `<form class="rapport-form" method="post" action="${escapeHtml(form.submitUrl)}" accept-charset="utf-8">\n  ${parts.join('\n  ')}\n</form>`;
}

const PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f3f4f6}
main{max-width:34rem;margin:0 auto;padding:2.5rem 1rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1.5rem}
.rf-field{margin:0 0 1.1rem;border:0;padding:0}
.rf-field>label,.rf-field legend{display:block;font-weight:600;font-size:.9rem;margin:0 0 .35rem;padding:0}
.rf-required{color:#b42318}
input[type=text],input[type=email],input[type=tel],input[type=number],input[type=date],input[type=url],select,textarea{width:100%;font:inherit;padding:.55rem .7rem;border:1px solid #c9ced6;border-radius:8px;background:#fff;color:inherit}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible{outline:3px solid #93b4ff;outline-offset:1px;border-color:#3562e8}
[aria-invalid=true]{border-color:#b42318}
.rf-check{display:flex;gap:.6rem;align-items:flex-start;flex-wrap:wrap}
.rf-check input{margin:.3rem 0 0;width:1.05rem;height:1.05rem;flex:none}
.rf-check label{font-weight:400;font-size:.95rem;flex:1;margin:0}
.rf-check .rf-error{flex-basis:100%}
.rf-consent label{font-size:.875rem;color:#4b5563}
.rf-choice{display:flex;gap:.5rem;align-items:center;font-size:.95rem;margin:.2rem 0}
.rf-error{color:#b42318;font-size:.85rem;margin:.3rem 0 0}
.rf-submit{font:inherit;font-weight:600;color:#fff;background:#3562e8;border:0;border-radius:8px;padding:.65rem 1.3rem;cursor:pointer;width:100%}
.rf-submit:hover{background:#2a50c4}
.rf-summary{background:#fef3f2;border:1px solid #fecdca;color:#912018;border-radius:8px;padding:.75rem 1rem;margin:0 0 1.25rem;font-size:.9rem}
.thanks{font-size:1.05rem;white-space:pre-line;margin:0}
.foot{text-align:center;color:#6b7280;font-size:.8rem;margin-top:1.25rem}
`;

/** A standalone, styled page around some content (the hosted form page, the thank-you page). */
function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<div class="card">
${content}
</div>
<p class="foot">Powered by Rapport</p>
</main>
</body>
</html>
`;
}

/** The hosted page of a form; with `state` it is shown again with the answers given and what to fix. */
export function hostedFormPage(form: PublicForm, state: FormState = {}): string {
  const summary =
    state.errors && state.errors.length > 0
      ? `<div class="rf-summary" role="alert">Please check the highlighted ${state.errors.length === 1 ? 'answer' : 'answers'}.</div>`
      : '';
  return page(form.name, `<h1>${escapeHtml(form.name)}</h1>\n${summary}\n${formHtml(form, state)}`);
}

/** The page shown after a plain HTML submission when the form has no redirect. */
export function thankYouPage(form: Pick<PublicForm, 'name' | 'thankYouMessage'>, backUrl: string | null): string {
  const back = backUrl ? `<p style="margin-top:1.5rem"><a href="${escapeHtml(backUrl)}">Back to the page you came from</a></p>` : '';
  return page(
    form.name,
    `<h1>${escapeHtml(form.name)}</h1>\n<p class="thanks" role="status">${escapeHtml(form.thankYouMessage)}</p>${back}`,
  );
}

/** A short page for a refusal a visitor can meet without JavaScript (unknown form, closed form, site not allowed). */
export function problemPage(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(detail)}</p>`);
}

/**
 * The page an emailed double opt-in link opens. Opening it changes nothing (mail scanners open
 * links too); its button posts to the same address, which confirms.
 */
export function confirmPage(formName: string, actionUrl: string): string {
  return page(
    formName,
    `<h1>${escapeHtml(formName)}</h1>
<p>Please confirm that you want to receive the email you signed up for.</p>
<form method="post" action="${escapeHtml(actionUrl)}"><button type="submit" class="rf-submit">Confirm my subscription</button></form>`,
  );
}

/** The page after a confirmed double opt-in. */
export function confirmedPage(formName: string): string {
  return page(formName, `<h1>${escapeHtml(formName)}</h1>\n<p class="thanks" role="status">Thank you: your subscription is confirmed.</p>`);
}
