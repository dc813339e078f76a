import type { LightMyRequestResponse } from 'fastify';
import type { Client } from './helpers.ts';

/** A multipart/form-data body of text parts and one file, as a browser or curl would send it. */
export function multipartBody(parts: { name: string; value: string | Buffer; filename?: string }[]): {
  payload: Buffer;
  contentType: string;
} {
  const boundary = `----rapport${Math.random().toString(16).slice(2)}`;
  const pieces: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const type = p.filename ? 'Content-Type: text/csv\r\n' : '';
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    pieces.push(typeof p.value === 'string' ? Buffer.from(p.value) : p.value);
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a CSV (text or bytes) through POST /imports. */
export function uploadCsv(
  client: Client,
  object: string,
  file: string | Buffer,
  extra: { templateId?: string; fileName?: string } = {},
): Promise<LightMyRequestResponse> {
  const parts: { name: string; value: string | Buffer; filename?: string }[] = [{ name: 'object', value: object }];
  if (extra.templateId) parts.push({ name: 'templateId', value: extra.templateId });
  parts.push({ name: 'file', value: file, filename: extra.fileName ?? 'people.csv' });
  const { payload, contentType } = multipartBody(parts);
  return client.request('POST', '/api/v1/imports', payload, { 'content-type': contentType });
}
