import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';

/**
 * Guesses a file's text encoding from its first bytes: a byte-order mark; UTF-16 by the pattern
 * of NUL bytes (ASCII text in UTF-16 has every other byte zero); otherwise UTF-8 if the bytes are
 * valid UTF-8, else windows-1252 (what spreadsheet programs write as "Latin-1").
 * @example detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0])) // 'utf-16le'
 */
export function detectEncoding(head: Uint8Array): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i++) {
    if (head[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  if (n >= 4 && oddZeros > n / 8 && evenZeros < oddZeros / 4) return 'utf-16le';
  if (n >= 4 && evenZeros > n / 8 && oddZeros < evenZeros / 4) return 'utf-16be';
  return isUtf8(head) ? 'utf-8' : 'windows-1252';
}

/** Whether bytes are valid UTF-8, ignoring a sequence cut off at the end of the sample. */
function isUtf8(bytes: Uint8Array): boolean {
  let end = bytes.length;
  // Back off an incomplete trailing sequence (at most 3 continuation bytes and a lead byte).
  for (let i = 1; i <= 4 && end - i >= 0; i++) {
    const b = bytes[end - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (need > i) end -= i;
    }
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the delimiter of a CSV from its header line: whichever of , ; tab | occurs most often
 * outside quotes (comma when none does).
 * @example sniffDelimiter('Name;Email;Phone\n') // ';'
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let max = 0;
  for (const [d, c] of counts) {
    if (c > max) {
      best = d;
      max = c;
    }
  }
  return best;
}

/** Decodes a stream of byte pieces to text in the given encoding (a BOM is dropped). */
export async function* decodeChunks(chunks: AsyncIterable<Uint8Array>, encoding: string): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** A parsed CSV record: its cells and its 1-based number among the data rows (the header is row 0). */
export type CsvRecord = { row: number; cells: string[] };

/**
 * Streams the records of a CSV: quoted fields with embedded newlines, CRLF, ragged rows and
 * empty lines are accepted; a record that cannot be parsed at all is skipped. The first record
 * is the header (row 0). Memory stays flat whatever the file's size.
 */
export async function* csvRecords(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<CsvRecord> {
  const parser = Readable.from(text, { objectMode: false }).pipe(
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }),
  );
  let row = 0;
  for await (const cells of parser as AsyncIterable<string[]>) {
    // A line of only delimiters (",,,") carries nothing; spreadsheets pad files with them.
    if (row > 0 && cells.every((c) => c.trim() === '')) continue;
    yield { row, cells };
    row++;
  }
}

/**
 * Counts the data rows of a CSV text stream without parsing cells: record ends outside quotes,
 * ignoring empty lines and lines of only delimiters, minus the header. Cheap enough to run on
 * upload, so progress has a total from the start.
 */
export class RowCounter {
  private quoted = false;
  private content = false;
  private records = 0;

  constructor(private readonly delimiter: string) {}

  /** Feeds the next piece of text. */
  push(text: string): void {
    const delim = this.delimiter.charCodeAt(0);
    let { quoted, content, records } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        quoted = !quoted;
        content = true;
      } else if (quoted) continue;
      else if (c === 10) {
        if (content) records++;
        content = false;
      } else if (c !== 13 && c !== delim && c !== 32 && c !== 0xfeff) content = true;
    }
    this.quoted = quoted;
    this.content = content;
    this.records = records;
  }

  /** Data rows seen (the header excluded). */
  get rows(): number {
    return Math.max(0, this.records + (this.content ? 1 : 0) - 1);
  }
}
