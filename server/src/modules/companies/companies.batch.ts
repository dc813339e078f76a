import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { type BatchResult, writeEach } from '../../lib/batch.ts';
import { AppError } from '../../lib/errors.ts';
import { uuid } from '../../lib/ids.ts';
import { BATCH_LIMIT } from '../contacts/contacts.batch.ts';
import { normaliseDomain } from './companies.normalize.ts';
import { companyWithDomain } from './companies.repo.ts';
import { companyWriteSchema } from './companies.schema.ts';
import { createCompany, updateCompany } from './companies.service.ts';

const inputs = z.array(z.unknown()).min(1).max(BATCH_LIMIT);
export const companyBatchCreateBody = z.object({ inputs: inputs.describe('Company objects, as for POST /companies') }).strict();
export const companyBatchUpdateBody = z
  .object({
    inputs: z
      .array(z.object({ id: uuid(), properties: z.unknown() }).strict())
      .min(1)
      .max(BATCH_LIMIT),
  })
  .strict();
export const companyBatchUpsertBody = z
  .object({
    idProperty: z.enum(['domain', 'externalId']).describe('Which field identifies an existing company (domains compare normalised)'),
    inputs,
  })
  .strict();

const updateItem = z.object({ id: uuid(), properties: companyWriteSchema }).strict();

/** Creates up to 1,000 companies; bad items are reported and skipped. */
export function batchCreateCompanies(ctx: Ctx, items: unknown[]): Promise<BatchResult[]> {
  return writeEach(ctx, items, companyWriteSchema, async (input) => ({ status: 'created', id: (await createCompany(ctx, input)).id }));
}

/** Updates up to 1,000 companies by id. */
export function batchUpdateCompanies(ctx: Ctx, items: unknown[]): Promise<BatchResult[]> {
  return writeEach(ctx, items, updateItem, async (item) => ({
    status: 'updated',
    id: (await updateCompany(ctx, { id: item.id, patch: item.properties })).id,
  }));
}

/** Creates or updates up to 1,000 companies matched by normalised domain or external id. */
export function batchUpsertCompanies(ctx: Ctx, idProperty: 'domain' | 'externalId', items: unknown[]): Promise<BatchResult[]> {
  return writeEach(ctx, items, companyWriteSchema, async (input) => {
    const existing = idProperty === 'domain' ? await byDomain(ctx, input.domain) : await byExternalId(ctx, input.externalId);
    if (existing) return { status: 'updated', id: (await updateCompany(ctx, { id: existing, patch: input })).id };
    return { status: 'created', id: (await createCompany(ctx, input)).id };
  });
}

async function byDomain(ctx: Ctx, raw: string | null | undefined): Promise<string | undefined> {
  const domain = raw ? normaliseDomain(raw) : undefined;
  if (!domain) {
    throw new AppError('validation_failed', 'Upsert by domain needs a valid domain', [
      { field: 'body.domain', message: raw ? 'Not a domain name or website, like acme.com' : 'Required for this upsert' },
    ]);
  }
  return companyWithDomain(ctx.tx, ctx.workspaceId, domain);
}

async function byExternalId(ctx: Ctx, raw: string | null | undefined): Promise<string | undefined> {
  const externalId = raw?.trim();
  if (!externalId)
    throw new AppError('validation_failed', 'Upsert by externalId needs one', [
      { field: 'body.externalId', message: 'Required for this upsert' },
    ]);
  const res = await ctx.tx.query<{ id: string }>(
    'SELECT id FROM companies WHERE workspace_id = $1 AND external_id = $2 AND deleted_at IS NULL AND merged_into IS NULL',
    [ctx.workspaceId, externalId],
  );
  return res.rows[0]?.id;
}
