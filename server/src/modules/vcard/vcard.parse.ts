/**
 * A lenient reader of .vcf files as phones, mail clients and other CRMs write them: vCard 2.1
 * (bare parameters, quoted-printable with soft line breaks, CHARSET), 3.0 and 4.0; folded lines
 * with a space or a tab; LF or CRLF; any number of cards. It never throws on a card: what it
 * cannot read is left for the caller to report.
 */

/** One property of a card: upper-cased name, parameters (upper-cased names, values as given), decoded value. */
export type VcardProperty = { name: string; params: Record<string, string[]>; value: string; raw: string };

/**
 * One card as read: its VERSION (as written, if any), its properties in order, whether the file
 * ended before its END:VCARD, and how many cards were embedded in it (vCard 2.1 AGENT).
 */
export type ParsedCard = { version: string | null; properties: VcardProperty[]; unterminated: boolean; embedded: number };

/** Bytes to text: UTF-16 and UTF-8 by their BOM, else UTF-8 when valid, else Windows-1252 (Latin-1's superset). */
export function decodeFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('windows-1252').decode(body);
  }
}

const isQuotedPrintableLine = (line: string) => /^[^:]*;(ENCODING=)?QUOTED-PRINTABLE[;:]/i.test(line);

/** Joins folded lines (a leading space or tab continues the previous line) and quoted-printable soft breaks. */
export function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const physical of text.split(/\r\n|\r|\n/)) {
    const last = lines.length - 1;
    if (last >= 0 && (physical.startsWith(' ') || physical.startsWith('\t'))) {
      lines[last] += physical.slice(1);
    } else if (last >= 0 && isQuotedPrintableLine(lines[last] as string) && (lines[last] as string).endsWith('=')) {
      // A quoted-printable soft line break: the next line goes on without a leading space.
      lines[last] = (lines[last] as string).slice(0, -1) + physical;
    } else {
      lines.push(physical);
    }
  }
  return lines.filter((l) => l.trim() !== '');
}

/** Index of the first `:` not inside a double-quoted parameter value. */
function valueColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return i;
  }
  return -1;
}

/** Splits on a separator outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

/** Parameters, including vCard 2.1's bare ones (`TEL;HOME;VOICE:`, `;QUOTED-PRINTABLE:`). */
function parseParams(parts: string[]): Record<string, string[]> {
  const params: Record<string, string[]> = {};
  const add = (key: string, values: string[]) => {
    params[key] = [...(params[key] ?? []), ...values];
  };
  for (const part of parts) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      const bare = part.trim().toUpperCase();
      add(ENCODINGS.has(bare) ? 'ENCODING' : 'TYPE', [bare]);
      continue;
    }
    const key = part.slice(0, eq).trim().toUpperCase();
    const values = splitOutsideQuotes(part.slice(eq + 1), ',').map((v) => v.trim().replace(/^"(.*)"$/, '$1'));
    add(key, values);
  }
  return params;
}

/** Decodes quoted-printable text to bytes (`=XX` escapes; malformed ones are kept literally). */
function quotedPrintableBytes(value: string): Uint8Array {
  const bytes: number[] = [];
  const raw = Buffer.from(value, 'latin1');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] as number;
    const hex = value.slice(i + 1, i + 3);
    if (b === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(b);
  }
  return Uint8Array.from(bytes);
}

/** Text in a named charset, falling back to UTF-8 when Node does not know the name. */
function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** One unfolded content line as a property, or undefined when it has no `name:value` shape. */
export function parseLine(line: string): VcardProperty | undefined {
  const colon = valueColon(line);
  if (colon <= 0) return undefined;
  const [nameWithGroup = '', ...paramParts] = splitOutsideQuotes(line.slice(0, colon), ';');
  const name = (nameWithGroup.split('.').pop() ?? '').trim().toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) return undefined;
  const params = parseParams(paramParts);
  const rawValue = line.slice(colon + 1);
  const encoding = params.ENCODING?.[0]?.toUpperCase();
  const value =
    encoding === 'QUOTED-PRINTABLE'
      ? decodeCharset(quotedPrintableBytes(rawValue), params.CHARSET?.[0])
      : params.CHARSET && /[\u0080-\u00ff]/.test(rawValue) && !/[^\u0000-\u00ff]/.test(rawValue)
        ? // A charset named on a value our file decoding read as Latin-1: read its bytes again in that charset.
          decodeCharset(Buffer.from(rawValue, 'latin1'), params.CHARSET[0])
        : rawValue;
  return { name, params, value, raw: rawValue };
}

/** Splits a value on an unescaped separator (`;` for N and ADR, `,` for lists), then unescapes each part. */
export function splitValue(value: string, separator: ';' | ','): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1];
      i++;
    } else if (ch === separator) {
      parts.push(unescapeText(current));
      current = '';
    } else current += ch;
  }
  parts.push(unescapeText(current));
  return parts;
}

/** Undoes text escaping: `\n` and `\N` are newlines, `\,` `\;` `\\` their character. */
export function unescapeText(value: string): string {
  return value.replace(/\\([nN,;\\:])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Every card in a .vcf text, in order; text outside BEGIN:VCARD … END:VCARD is ignored. */
export function parseVcards(text: string): ParsedCard[] {
  const cards: ParsedCard[] = [];
  let card: ParsedCard | undefined;
  let depth = 0;
  for (const line of unfold(text)) {
    const trimmed = line.trim().toUpperCase();
    if (trimmed === 'BEGIN:VCARD') {
      if (card) {
        depth += 1;
        card.embedded += 1;
      } else card = { version: null, properties: [], unterminated: false, embedded: 0 };
      continue;
    }
    if (trimmed === 'END:VCARD') {
      if (depth > 0) {
        depth -= 1;
        continue;
      }
      if (card) cards.push(card);
      card = undefined;
      continue;
    }
    if (!card || depth > 0) continue;
    const property = parseLine(line);
    if (!property) continue;
    if (property.name === 'VERSION') card.version = property.value.trim();
    else card.properties.push(property);
  }
  if (card) cards.push({ ...card, unterminated: true });
  return cards;
}
