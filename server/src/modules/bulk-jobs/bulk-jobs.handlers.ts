import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { writeEach } from '../../lib/batch.ts';
import type { FieldDef, RecordTypeDef } from '../../lib/filters.ts';
import { uuid } from '../../lib/ids.ts';
import { companyType, contactType, dealType } from '../../records/record-types.ts';
import { batchUpdateCompanies } from '../companies/companies.batch.ts';
import { companyWriteSchema } from '../companies/companies.schema.ts';
import { companyFields, deleteCompany } from '../companies/companies.service.ts';
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

/** Counts the results of a batch as a bulk chunk reports them. */
const tally = (results: { status: string }[]) => {
  const failed = results.filter((r) => r.status === 'error').length;
  return { ok: results.length - failed, failed };
};

const companyHandler: BulkHandler = {
  type: companyType,
  fields: companyFields,
  patchSchema: companyWriteSchema,
  async update(ctx, ids, patch) {
    return tally(
      await batchUpdateCompanies(
        ctx,
        ids.map((id) => ({ id, properties: patch })),
      ),
    );
  },
  async delete(ctx, ids) {
    return tally(
      await writeEach(ctx, ids, uuid(), async (id) => {
        await deleteCompany(ctx, { id });
        return { status: 'updated', id };
      }),
    );
  },
};

/** The record types bulk jobs can run on. */
export const bulkHandlers: Partial<Record<string, BulkHandler>> = { contact: contactHandler, company: companyHandler, deal: dealHandler };
