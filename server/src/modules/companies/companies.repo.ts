import type { Queryable } from '../../db/database.ts';
import { toPage } from '../../lib/cursor.ts';

/** A company row as stored (without its search vector). */
export type CompanyRow = {
  workspace_id: string;
  id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  employee_count: number | null;
  annual_revenue: number | null;
  annual_revenue_currency: string | null;
  phone: string | null;
  address: Record<string, string | null>;
  parent_company_id: string | null;
  owner_id: string | null;
  external_id: string | null;
  custom: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date | null;
  deleted_at: Date | null;
  merged_into: string | null;
};

/** The writable columns, in the order insert and update bind them. */
const companyColumns = [
  'name',
  'domain',
  'industry',
  'employee_count',
  'annual_revenue',
  'annual_revenue_currency',
  'phone',
  'address',
  'parent_company_id',
  'owner_id',
  'external_id',
  'custom',
] as const;
export type CompanyValues = Pick<CompanyRow, (typeof companyColumns)[number]>;

/** The columns a company SELECT returns, over alias `co`. */
export const companySelect = `co.workspace_id, co.id, ${companyColumns.map((k) => `co.${k}`).join(', ')}, co.version, co.created_at, co.updated_at, co.last_activity_at, co.deleted_at, co.merged_into`;

const jsonColumns = new Set<string>(['address', 'custom']);
const bind = (v: CompanyValues) => companyColumns.map((k) => (jsonColumns.has(k) ? JSON.stringify(v[k]) : v[k]));

/** Inserts a company. */
export async function insertCompanyRow(db: Queryable, workspaceId: string, id: string, values: CompanyValues): Promise<CompanyRow> {
  const res = await db.query<CompanyRow>(
    `INSERT INTO companies AS co (workspace_id, id, ${companyColumns.join(', ')})
     VALUES ($1, $2, ${companyColumns.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING ${companySelect}`,
    [workspaceId, id, ...bind(values)],
  );
  return res.rows[0] as CompanyRow;
}

/** Saves a company if its version is still `version`; undefined when it changed meanwhile. */
export async function updateCompanyRow(
  db: Queryable,
  workspaceId: string,
  id: string,
  version: number,
  values: CompanyValues,
): Promise<CompanyRow | undefined> {
  const res = await db.query<CompanyRow>(
    `UPDATE companies co SET ${companyColumns.map((k, i) => `${k} = $${i + 4}`).join(', ')}, version = co.version + 1, updated_at = now()
     WHERE co.workspace_id = $1 AND co.id = $2 AND co.version = $3 RETURNING ${companySelect}`,
    [workspaceId, id, version, ...bind(values)],
  );
  return res.rows[0];
}

/** A company by id, including deleted and merged-away ones (callers decide what those mean). */
export async function findCompanyRow(db: Queryable, workspaceId: string, id: string): Promise<CompanyRow | undefined> {
  const res = await db.query<CompanyRow>(
    `SELECT ${companySelect} FROM companies co WHERE co.workspace_id = $1 AND co.id = $2`,
    [workspaceId, id],
    {
      prepare: true,
    },
  );
  return res.rows[0];
}

/** Marks a company deleted (trash) or restores it. */
export async function setCompanyDeleted(db: Queryable, workspaceId: string, id: string, deleted: boolean): Promise<CompanyRow | undefined> {
  const res = await db.query<CompanyRow>(
    `UPDATE companies co SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${companySelect}`,
    [workspaceId, id],
  );
  return res.rows[0];
}

/** The live company other than `exceptId` that already has this domain, if any. */
export async function companyWithDomain(
  db: Queryable,
  workspaceId: string,
  domain: string,
  exceptId?: string,
): Promise<string | undefined> {
  const res = await db.query<{ id: string }>(
    `SELECT id FROM companies WHERE workspace_id = $1 AND domain = $2 AND deleted_at IS NULL AND merged_into IS NULL
       AND ($3::uuid IS NULL OR id <> $3) LIMIT 1`,
    [workspaceId, domain, exceptId ?? null],
  );
  return res.rows[0]?.id;
}

/** Whether a live company with this id exists in the workspace. */
export async function liveCompanyExists(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM companies WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL AND merged_into IS NULL', [
    workspaceId,
    id,
  ]);
  return res.rows.length > 0;
}

/**
 * The ids of `id` and every company above it through parent links (deleted ones included, as
 * their links still count). UNION stops on an existing loop instead of running forever.
 */
export async function ancestorIds(db: Queryable, workspaceId: string, id: string): Promise<Set<string>> {
  const res = await db.query<{ id: string }>(
    `WITH RECURSIVE up (id, parent_company_id) AS (
       SELECT id, parent_company_id FROM companies WHERE workspace_id = $1 AND id = $2
       UNION
       SELECT co.id, co.parent_company_id FROM companies co JOIN up ON co.workspace_id = $1 AND co.id = up.parent_company_id
     ) SELECT id FROM up`,
    [workspaceId, id],
  );
  return new Set(res.rows.map((r) => r.id));
}

/**
 * Serialises changes to a workspace's company hierarchy until the transaction ends, so two
 * concurrent writes (A under B, B under A) cannot each pass the cycle check and make a loop.
 */
export async function lockCompanyHierarchy(db: Queryable, workspaceId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('companies.hierarchy:' || $1::text, 0))", [workspaceId]);
}

/** A contact at a company with its link's title, role and primary flag. */
export type CompanyContactRow = {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  lifecycle_stage: string;
  owner_id: string | null;
  title: string | null;
  role: string | null;
  is_primary: boolean;
};

/** A keyset page of a company's live contacts, oldest link first by contact id, with the total. */
export async function companyContactsPage(
  db: Queryable,
  workspaceId: string,
  companyId: string,
  page: { limit: number; after?: string },
): Promise<{ rows: CompanyContactRow[]; nextCursor: string | null; total: number }> {
  const from = `FROM contact_companies cc JOIN contacts c ON c.workspace_id = cc.workspace_id AND c.id = cc.contact_id
     WHERE cc.workspace_id = $1 AND cc.company_id = $2 AND c.deleted_at IS NULL AND c.merged_into IS NULL`;
  const res = await db.query<CompanyContactRow>(
    `SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.job_title, c.lifecycle_stage, c.owner_id, cc.title, cc.role, cc.is_primary
     ${from} AND ($3::uuid IS NULL OR c.id > $3) ORDER BY c.id LIMIT $4`,
    [workspaceId, companyId, page.after ?? null, page.limit + 1],
  );
  const count = await db.query<{ n: number }>(`SELECT count(*) AS n ${from}`, [workspaceId, companyId]);
  return { ...pageOf(res.rows, page.limit), total: count.rows[0]?.n ?? 0 };
}

/** A deal of a company, the columns its list shows. */
export type CompanyDealRow = {
  id: string;
  name: string;
  pipeline_id: string;
  stage_id: string;
  amount: number | null;
  currency: string;
  status: 'open' | 'won' | 'lost';
  owner_id: string | null;
  expected_close_date: string | null;
};

/** A keyset page of a company's live deals (optionally of one status), by deal id, with the total. */
export async function companyDealsPage(
  db: Queryable,
  workspaceId: string,
  companyId: string,
  page: { limit: number; after?: string; status?: string },
): Promise<{ rows: CompanyDealRow[]; nextCursor: string | null; total: number }> {
  const from = `FROM deals d WHERE d.workspace_id = $1 AND d.company_id = $2 AND d.deleted_at IS NULL AND ($3::text IS NULL OR d.status = $3)`;
  const res = await db.query<CompanyDealRow>(
    `SELECT d.id, d.name, d.pipeline_id, d.stage_id, d.amount, d.currency, d.status, d.owner_id,
       to_char(d.expected_close_date, 'YYYY-MM-DD') AS expected_close_date
     ${from} AND ($4::uuid IS NULL OR d.id > $4) ORDER BY d.id LIMIT $5`,
    [workspaceId, companyId, page.status ?? null, page.after ?? null, page.limit + 1],
  );
  const count = await db.query<{ n: number }>(`SELECT count(*) AS n ${from}`, [workspaceId, companyId, page.status ?? null]);
  return { ...pageOf(res.rows, page.limit), total: count.rows[0]?.n ?? 0 };
}

/** Trims the look-ahead row; the cursor is the last row's id. */
function pageOf<T extends { id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const page = toPage(rows, limit, (r) => [r.id]);
  return { rows: page.data, nextCursor: page.nextCursor };
}
