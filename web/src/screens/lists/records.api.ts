import { api, unwrap, unwrapVersioned, type Versioned } from '../../api/client';
import { ApiError, fieldErrors } from '../../api/problem';
import type { components } from '../../api/schema';
import type { FilterGroups } from '../../ui/FilterBuilder';
import type { ListObjectType, ListRecord } from './fields';

/** A bulk job as the API shows it: what it does and how far it has got. */
export type BulkJob = components['schemas']['BulkJob'];

/** What one batch or bulk run did: how many records changed and the first reason one could not. */
export type BulkOutcome = { done: number; failed: number; firstError: string | null };

type Patch = Record<string, unknown>;

function getRecord(objectType: ListObjectType, id: string): Promise<Versioned<ListRecord>> {
  const params = { params: { path: { id } } };
  switch (objectType) {
    case 'contact':
      return unwrapVersioned(api.GET('/api/v1/contacts/{id}', params));
    case 'company':
      return unwrapVersioned(api.GET('/api/v1/companies/{id}', params));
    case 'deal':
      return unwrapVersioned(api.GET('/api/v1/deals/{id}', params));
  }
}

function patchRecord(objectType: ListObjectType, id: string, etag: string, body: Patch): Promise<Versioned<ListRecord>> {
  const options = { params: { path: { id } }, headers: { 'If-Match': etag }, body: body as never };
  switch (objectType) {
    case 'contact':
      return unwrapVersioned(api.PATCH('/api/v1/contacts/{id}', options));
    case 'company':
      return unwrapVersioned(api.PATCH('/api/v1/companies/{id}', options));
    case 'deal':
      return unwrapVersioned(api.PATCH('/api/v1/deals/{id}', options));
  }
}

/** Thrown when the record changed since the list showed it; carries the record as it is now. */
export class ChangedElsewhere extends Error {
  constructor(readonly current: ListRecord) {
    super('Someone else changed this record; it now shows their version. Edit it again to apply yours.');
    this.name = 'ChangedElsewhere';
  }
}

/**
 * Saves one field of a listed record with If-Match. The list's rows carry no ETag, so the first
 * edit of a row reads the record's: if it changed since the list loaded it (its `updatedAt`
 * differs), nothing is written and the caller gets the current record. Later edits of the row
 * use the ETag the previous save answered with, kept in `etags`; a 412 means the same.
 */
export async function saveListEdit(
  objectType: ListObjectType,
  row: ListRecord,
  patch: Patch,
  etags: Map<string, string>,
): Promise<ListRecord> {
  let etag = etags.get(row.id);
  if (!etag) {
    const current = await getRecord(objectType, row.id);
    if (current.data.updatedAt !== row.updatedAt || !current.etag) throw new ChangedElsewhere(current.data);
    etag = current.etag;
  }
  try {
    const saved = await patchRecord(objectType, row.id, etag, patch);
    if (saved.etag) etags.set(row.id, saved.etag);
    return saved.data;
  } catch (err) {
    etags.delete(row.id);
    if (err instanceof ApiError && err.status === 412) throw new ChangedElsewhere((await getRecord(objectType, row.id)).data);
    throw err;
  }
}

/** What to show at a cell for a refused edit: the API's words about the fields the edit sent. */
export function editErrorMessage(err: unknown, patch: Patch): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : 'The change could not be saved';
  const byField = fieldErrors(err.problem);
  const sent = Object.keys(patch);
  const messages = Object.entries(byField)
    .filter(([field]) => field === '' || sent.some((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`)))
    .map(([, message]) => message);
  return messages.length > 0 ? [...new Set(messages)].join('; ') : err.message;
}

const BATCH_SIZE = 1000;

/** Sets the same fields on each of `ids` through the batch update endpoint, 1,000 at a time. */
export async function batchUpdate(objectType: ListObjectType, ids: readonly string[], patch: Patch): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: 0, failed: 0, firstError: null };
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    const inputs = ids.slice(i, i + BATCH_SIZE).map((id) => ({ id, properties: patch }));
    const body = { inputs } as never;
    const result =
      objectType === 'contact'
        ? await unwrap(api.POST('/api/v1/contacts/batch/update', { body }))
        : objectType === 'company'
          ? await unwrap(api.POST('/api/v1/companies/batch/update', { body }))
          : await unwrap(api.POST('/api/v1/deals/batch/update', { body }));
    outcome.done += result.updated;
    outcome.failed += result.failed;
    const refused = result.results.find((r) => r.status === 'error');
    outcome.firstError ??= refused ? (refused.errors?.[0]?.message ?? refused.message ?? null) : null;
  }
  return outcome;
}

/** Filter groups that match exactly these records, for a bulk job over an explicit selection. */
export function idFilterGroups(ids: readonly string[]): FilterGroups {
  const groups: FilterGroups = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) {
    groups.push({ filters: [{ field: 'id', operator: 'in', values: ids.slice(i, i + BATCH_SIZE) }] });
  }
  return groups;
}

/** The most records an explicit selection can name in one bulk job (25 groups of 1,000 ids). */
export const MAX_EXPLICIT_IDS = 25 * BATCH_SIZE;

/**
 * The filter a bulk job runs on for "every record matching the list". A list without filters
 * matches everything, which the API asks to be said explicitly: every record has an id.
 */
export function matchingFilterGroups(applied: FilterGroups): FilterGroups {
  return applied.length > 0 ? applied : [{ filters: [{ field: 'id', operator: 'is_not_empty' }] }];
}

/** Starts a bulk update or delete of every record matching `filterGroups`. */
export function startBulkJob(
  objectType: ListObjectType,
  operation: 'update' | 'delete',
  filterGroups: FilterGroups,
  patch?: Patch,
): Promise<BulkJob> {
  return unwrap(
    api.POST('/api/v1/bulk-jobs', { body: { objectType, operation, filterGroups: filterGroups as never, ...(patch ? { patch } : {}) } }),
  );
}

/** A bulk job as it stands now. */
export function readBulkJob(id: string): Promise<BulkJob> {
  return unwrap(api.GET('/api/v1/bulk-jobs/{id}', { params: { path: { id } } }));
}

const POLL_MS = 400;

/**
 * Waits for a bulk job to finish, reporting its progress as it goes. Null when `signal` stops
 * the wait first (the screen went away): the job runs on regardless, and no outcome is known.
 */
export async function waitForBulkJob(job: BulkJob, onProgress: (job: BulkJob) => void, signal?: AbortSignal): Promise<BulkJob | null> {
  let current = job;
  while (current.status === 'queued' || current.status === 'running') {
    onProgress(current);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (signal?.aborted) return null;
    current = await readBulkJob(job.id);
  }
  onProgress(current);
  return current;
}
