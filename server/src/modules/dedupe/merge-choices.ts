import { z } from 'zod';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { uuid } from '../../lib/ids.ts';
import { sameJson } from '../../lib/stable-json.ts';

/** Which record's value a merge keeps for one field. */
export const mergeChoice = z.enum(['survivor', 'merged']);
export type MergeChoice = z.infer<typeof mergeChoice>;

/** The body of POST /contacts/merge and /companies/merge. */
export const mergeBody = z
  .object({
    survivorId: uuid().describe('The record that stays'),
    mergedId: uuid().describe('The record merged into the survivor; its id answers 301 to the survivor afterwards'),
    fields: z
      .record(z.string(), mergeChoice)
      .optional()
      .describe(
        'Per field (custom fields as `custom.<key>`), whose value wins. A field left out keeps the survivor value, or the merged value when the survivor has none.',
      ),
  })
  .strict()
  .meta({ id: 'MergeRequest' });
export type MergeBody = z.infer<typeof mergeBody>;

/** Whether a field value counts as empty (and so loses to a filled one by default). */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/**
 * Refuses merging a record into itself and choices for fields that cannot be chosen
 * (a 400 naming each), before anything is read or written.
 */
export function checkMergeRequest(body: MergeBody, choosable: Set<string>): void {
  const errors: FieldError[] = [];
  if (body.survivorId === body.mergedId) errors.push({ field: 'body.mergedId', message: 'A record cannot be merged into itself' });
  for (const key of Object.keys(body.fields ?? {})) {
    if (!choosable.has(key)) errors.push({ field: `body.fields.${key}`, message: 'Not a field a merge can choose', code: 'unknown_field' });
  }
  if (errors.length > 0) throw new AppError('validation_failed', 'The merge request is not valid', errors);
}

/**
 * The fields whose merged value wins, as `{ key: mergedValue }`: those chosen explicitly, and
 * those left out where the survivor is empty and the merged record is not.
 */
export function winningMergedValues(
  keys: string[],
  survivor: (key: string) => unknown,
  merged: (key: string) => unknown,
  choices: Record<string, MergeChoice> = {},
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of keys) {
    const s = survivor(key);
    const m = merged(key);
    const choice = choices[key] ?? (isEmptyValue(s) && !isEmptyValue(m) ? 'merged' : 'survivor');
    if (choice === 'merged' && !sameJson(s ?? null, m ?? null)) out.set(key, m ?? null);
  }
  return out;
}

/** An object patch that replaces `current` with `next` (keys only in `current` set to null). */
export function replacingObject(current: Record<string, unknown>, next: Record<string, unknown>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of Object.keys(current)) out[k] = null;
  for (const [k, v] of Object.entries(next)) out[k] = v === null || v === undefined ? null : String(v);
  return out;
}

/** Reads a record view's field by merge key (`custom.<key>` for custom fields). */
export function fieldReader(view: { custom: Record<string, unknown> }): (key: string) => unknown {
  return (key) => (key.startsWith('custom.') ? view.custom[key.slice(7)] : (view as Record<string, unknown>)[key]);
}
