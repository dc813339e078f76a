import type { Ctx } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseDomain } from '../companies/companies.normalize.ts';
import type { ImportEnv } from './imports.engine.ts';
import { insertImportRecords } from './imports.repo.ts';
import type { CellError } from './imports.values.ts';

/** A company a row names: by domain, external id and/or name. */
export type CompanyRef = { name?: string; domain?: string; externalId?: string };

/** Reads the company cells of a row (`company_name`, `company_domain`, `company_external_id`). */
export function companyRefOf(get: (field: string) => string | undefined, errors: CellError[]): CompanyRef | undefined {
  const name = get('company_name');
  const rawDomain = get('company_domain');
  const externalId = get('company_external_id');
  let domain: string | undefined;
  if (rawDomain) {
    domain = normaliseDomain(rawDomain);
    if (!domain) errors.push({ field: 'company_domain', code: 'invalid_domain', message: `"${rawDomain}" is not a website domain` });
  }
  if (!name && !domain && !externalId) return undefined;
  return { name, domain, externalId };
}

const nameKey = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Finds the companies rows name, creating (unless `dryRun`) those not found, once each: matched
 * by domain first, then external id, then name (case and spaces ignored). Companies created are
 * remembered as the import's, so a revert removes them. Returns each ref's company id, or an
 * error for a ref that can only be matched (external id alone) and is not there.
 */
export async function resolveCompanies(
  ctx: Ctx,
  env: ImportEnv,
  refs: (CompanyRef | undefined)[],
  dryRun: boolean,
): Promise<{ ids: (string | undefined)[]; created: number; errors: (CellError | undefined)[] }> {
  const present = refs.filter((r): r is CompanyRef => r !== undefined);
  if (present.length === 0) return { ids: refs.map(() => undefined), created: 0, errors: refs.map(() => undefined) };
  const domains = [...new Set(present.flatMap((r) => (r.domain ? [r.domain] : [])))];
  const externalIds = [...new Set(present.flatMap((r) => (r.externalId ? [r.externalId] : [])))];
  const names = [...new Set(present.flatMap((r) => (r.name ? [nameKey(r.name)] : [])))];
  const found = await ctx.tx.query<{ id: string; name: string; domain: string | null; external_id: string | null }>(
    `SELECT id, name, domain, external_id FROM companies
     WHERE workspace_id = $1 AND deleted_at IS NULL AND merged_into IS NULL
       AND (domain = ANY($2::text[]) OR external_id = ANY($3::text[]) OR lower(name) = ANY($4::text[]))
     ORDER BY id`,
    [ctx.workspaceId, domains, externalIds, names],
  );
  const byDomain = new Map<string, string>();
  const byExternal = new Map<string, string>();
  const byName = new Map<string, string>();
  const remember = (c: { id: string; name: string; domain: string | null; external_id: string | null }) => {
    if (c.domain && !byDomain.has(c.domain)) byDomain.set(c.domain, c.id);
    if (c.external_id && !byExternal.has(c.external_id)) byExternal.set(c.external_id, c.id);
    const n = nameKey(c.name);
    if (!byName.has(n)) byName.set(n, c.id);
  };
  for (const c of found.rows) remember(c);
  const toCreate: { id: string; name: string; domain: string | null; external_id: string | null }[] = [];
  const ids: (string | undefined)[] = [];
  const errors: (CellError | undefined)[] = [];
  for (const ref of refs) {
    if (!ref) {
      ids.push(undefined);
      errors.push(undefined);
      continue;
    }
    const existing =
      (ref.domain && byDomain.get(ref.domain)) ||
      (ref.externalId && byExternal.get(ref.externalId)) ||
      (ref.name && !ref.domain ? byName.get(nameKey(ref.name)) : undefined);
    if (existing) {
      ids.push(existing);
      errors.push(undefined);
      continue;
    }
    if (!ref.name && !ref.domain) {
      ids.push(undefined);
      errors.push({ field: 'company_external_id', code: 'unknown_company', message: `No company has the external id "${ref.externalId}"` });
      continue;
    }
    const company = {
      id: newId(),
      name: ref.name ?? (ref.domain as string),
      domain: ref.domain ?? null,
      external_id: ref.externalId ?? null,
    };
    toCreate.push(company);
    remember(company);
    ids.push(company.id);
    errors.push(undefined);
  }
  if (!dryRun && toCreate.length > 0) {
    await ctx.tx.query(
      `INSERT INTO companies (workspace_id, id, name, domain, external_id, owner_id)
       SELECT $1, c.id, c.name, c.domain, c.external_id, $3 FROM jsonb_to_recordset($2::jsonb) AS c (id uuid, name text, domain text, external_id text)`,
      [ctx.workspaceId, JSON.stringify(toCreate), env.actorUserId],
    );
    await insertImportRecords(
      ctx.tx,
      ctx.workspaceId,
      env.importId,
      'company',
      'c',
      toCreate.map((c) => c.id),
    );
  }
  return { ids, created: toCreate.length, errors };
}
