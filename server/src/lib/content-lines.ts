/**
 * Content lines as vCard (RFC 6350) and iCalendar (RFC 5545) share them: `NAME;PARAM=v:value`,
 * CRLF-terminated, folded at 75 octets. Both formats are written by hand rather than through a
 * library because the rules are short and must be exact: folding counts UTF-8 octets and never
 * splits a character, which the generators we looked at do not promise, and the calendar feed
 * needs VTODO, which the popular iCalendar generator does not write.
 */

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** Escapes a TEXT value: backslash, semicolon, comma and newlines (`:` is never escaped). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A structured value (vCard `N`, `ADR`): components escaped one by one, joined by `;`. */
export function structuredText(components: (string | null | undefined)[]): string {
  return components.map((c) => escapeText(c ?? '')).join(';');
}

/** A list value (`CATEGORIES`): items escaped one by one, joined by `,`. */
export function listText(items: string[]): string {
  return items.map(escapeText).join(',');
}

/** A parameter value, quoted when it holds a character that would end it (`:`, `;`, `,`). */
export function paramValue(value: string): string {
  const clean = value.replace(/["\r\n]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Folds one logical line to physical lines of at most 75 octets (continuations start with a
 * space, which counts), splitting only between characters so UTF-8 sequences stay whole.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** One property: name, parameters (already safe values), value (already escaped); folded. */
export type Property = { name: string; params?: Record<string, string | undefined>; value: string };

/** Renders properties as folded content lines, each ended by CRLF. */
export function renderLines(properties: Property[]): string {
  return properties
    .map((p) => {
      const params = Object.entries(p.params ?? {})
        .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
        .map(([k, v]) => `;${k}=${v}`)
        .join('');
      return foldLine(`${p.name}${params}:${p.value}`) + CRLF;
    })
    .join('');
}

/** A UTC date-time in the basic format both standards use: `20261126T025511Z`. */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
