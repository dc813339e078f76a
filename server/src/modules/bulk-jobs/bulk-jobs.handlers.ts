import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { FieldDef, RecordTypeDef } from '../../lib/filters.ts';
import { contactType, dealType } from '../../records/record-types.ts';
import { batchWriteContacts } from '../contacts/contacts.batch.ts';
import { contactWriteSchema } from '../contacts/contacts.schema.ts';
import { contactFields, deleteContacts } from '../contacts/contacts.service.ts';
import { batchWriteDeals } from '../deals/deals.batch.ts';
import { dealWriteSchema } from '../deals/deals.schema.ts';
import { dealFields, deleteDeals } from '../deals/deals.service.ts';

/** How bulk jobs act on one record type: which rows a filter selects, and how a chunk is updated or deleted. */
export type BulkHandler = {
  type: RecordTypeDef;
  fields(ctx: Ctx): Promise<FieldDef[]>;
  patchSchema: z.ZodType;
  /** Applies the same patch to each id; returns how many succeeded and failed. */
  update(ctx: Ctx, ids: string[], patch: Record<string, unknown>): Promise<{ ok: number; failed: number }>;
  delete(ctx: Ctx, ids: string[]): Promise<{ ok: number; failed: number }>;
};

const contactHandler: BulkHandler = {
  type: contactType,
  fields: contactFields,
  patchSchema: contactWriteSchema,
  async update(ctx, ids, patch) {
    const inputs = ids.map((id) => ({ id, properties: patch }));
    const { results } = await batchWriteContacts(ctx, { mode: 'update', inputs }, inputs);
    const failed = results.filter((r) => r.status === 'error').length;
    return { ok: results.length - failed, failed };
  },
  async delete(ctx, ids) {
    const r = await deleteContacts(ctx, ids);
    return { ok: r.deleted.length, failed: r.failed.length };
  },
};

const dealHandler: BulkHandler = {
  type: dealType,
  fields: dealFields,
  patchSchema: dealWriteSchema,
  async update(ctx, ids, patch) {
    const inputs = ids.map((id) => ({ id, properties: patch }));
    const { results } = await batchWriteDeals(ctx, { mode: 'update', inputs }, inputs);
    const failed = results.filter((r) => r.status === 'error').length;
    return { ok: results.length - failed, failed };
  },
  async delete(ctx, ids) {
    const r = await deleteDeals(ctx, ids);
    return { ok: r.deleted.length, failed: r.failed.length };
  },
};

/** The record types bulk jobs can run on. */
export const bulkHandlers: Partial<Record<string, BulkHandler>> = { contact: contactHandler, deal: dealHandler };
