import type { Queryable } from '../../db/database.ts';

/** A candidate duplicate pair (a < b) and why it was flagged. */
export type DuplicatePairRow = { a: string; b: string; reasons: string[] };

/** Pairs within one group of records sharing a value: groups larger than this are noise (a shared switchboard). */
const MAX_GROUP = 50;
/** pg_trgm similarity from which two names count as the same person or company written differently. */
const NAME_SIMILARITY = 0.6;

/** Every pair of ids within groups of 2..MAX_GROUP, from a query yielding `(key, id)`. */
const pairsOf = (grouped: string, reason: string) => `
  SELECT g.ids[i] AS a, g.ids[j] AS b, '${reason}' AS reason
  FROM (SELECT array_agg(id ORDER BY id) AS ids FROM (${grouped}) k GROUP BY key HAVING count(*) BETWEEN 2 AND ${MAX_GROUP}) g,
       generate_subscripts(g.ids, 1) i, generate_subscripts(g.ids, 1) j
  WHERE i < j`;

/** A page of pairs from the union `pairs` (a, b, reason), in (a, b) order after the cursor pair. */
async function pagePairs(
  db: Queryable,
  pairs: string,
  workspaceId: string,
  page: { limit: number; after?: [string, string] },
): Promise<DuplicatePairRow[]> {
  const res = await db.query<DuplicatePairRow>(
    `WITH pairs AS (${pairs})
     SELECT a, b, array_agg(DISTINCT reason ORDER BY reason) AS reasons FROM pairs
     WHERE $2::uuid IS NULL OR (a, b) > ($2::uuid, $3::uuid)
     GROUP BY a, b ORDER BY a, b LIMIT $4`,
    [workspaceId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit],
  );
  return res.rows;
}

const liveContacts = `contacts c WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.merged_into IS NULL`;
const fullName = (a: string) => `lower(trim(coalesce(${a}.first_name, '') || ' ' || coalesce(${a}.last_name, '')))`;

/** Candidate duplicate contacts: the same email, the same phone, or similar names at the same company. */
export async function contactDuplicatePairs(
  db: Queryable,
  workspaceId: string,
  page: { limit: number; after?: [string, string] },
): Promise<DuplicatePairRow[]> {
  const pairs = [
    pairsOf(`SELECT v AS key, c.id FROM ${liveContacts.replace('contacts c', 'contacts c, unnest(c.email_list) v')}`, 'same_email'),
    pairsOf(`SELECT v AS key, c.id FROM ${liveContacts.replace('contacts c', 'contacts c, unnest(c.phone_list) v')}`, 'same_phone'),
    `SELECT c1.id AS a, c2.id AS b, 'similar_name_same_company' AS reason
     FROM contact_companies l1
     JOIN contact_companies l2 ON l2.workspace_id = l1.workspace_id AND l2.company_id = l1.company_id AND l2.contact_id > l1.contact_id
     JOIN contacts c1 ON c1.workspace_id = l1.workspace_id AND c1.id = l1.contact_id AND c1.deleted_at IS NULL AND c1.merged_into IS NULL
     JOIN contacts c2 ON c2.workspace_id = l2.workspace_id AND c2.id = l2.contact_id AND c2.deleted_at IS NULL AND c2.merged_into IS NULL
     WHERE l1.workspace_id = $1 AND ${fullName('c1')} <> '' AND similarity(${fullName('c1')}, ${fullName('c2')}) >= ${NAME_SIMILARITY}`,
  ].join(' UNION ALL ');
  return pagePairs(db, pairs, workspaceId, page);
}

const liveCompanies = `companies co WHERE co.workspace_id = $1 AND co.deleted_at IS NULL AND co.merged_into IS NULL`;
/** A company name without case, punctuation or legal form: "Acme, Inc." and "ACME inc" are both "acme". */
const companyName = `trim(regexp_replace(regexp_replace(lower(co.name), '[^[:alnum:][:space:]]', ' ', 'g'),
  '\\m(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|bv|nv|plc|pty|srl|spa|oy|ab|as)\\M', ' ', 'g'))`;

/**
 * Candidate duplicate companies: one domain inside the other (eu.acme.com and acme.com), the same
 * phone, the same name once case, punctuation and legal form are set aside, or similar names
 * (small typos) among companies whose names start alike.
 */
export async function companyDuplicatePairs(
  db: Queryable,
  workspaceId: string,
  page: { limit: number; after?: [string, string] },
): Promise<DuplicatePairRow[]> {
  const normalised = `SELECT co.id, regexp_replace(${companyName}, '\\s+', ' ', 'g') AS name FROM ${liveCompanies}`;
  const pairs = [
    `SELECT least(p.id, c.id) AS a, greatest(p.id, c.id) AS b, 'same_domain' AS reason
     FROM companies p JOIN companies c ON c.workspace_id = p.workspace_id
       AND p.domain = substring(c.domain FROM position('.' IN c.domain) + 1)
     WHERE p.workspace_id = $1 AND p.deleted_at IS NULL AND p.merged_into IS NULL AND c.deleted_at IS NULL AND c.merged_into IS NULL
       AND position('.' IN substring(c.domain FROM position('.' IN c.domain) + 1)) > 0`,
    pairsOf(`SELECT co.phone AS key, co.id FROM ${liveCompanies} AND co.phone IS NOT NULL`, 'same_phone'),
    pairsOf(`SELECT n.name AS key, n.id FROM (${normalised}) n WHERE n.name <> ''`, 'same_name'),
    `SELECT x.id AS a, y.id AS b, 'similar_name' AS reason
     FROM (${normalised}) x JOIN (${normalised}) y ON left(y.name, 2) = left(x.name, 2) AND y.id > x.id
     WHERE x.name <> '' AND x.name <> y.name AND similarity(x.name, y.name) >= ${NAME_SIMILARITY}`,
  ].join(' UNION ALL ');
  return pagePairs(db, pairs, workspaceId, page);
}

/** What a duplicate review shows of each record of a pair. */
export type RecordSummary = { id: string; name: string; email: string | null; domain: string | null; phone: string | null };

/** The summaries of contacts or companies by id. */
export async function recordSummaries(
  db: Queryable,
  workspaceId: string,
  type: 'contact' | 'company',
  ids: string[],
): Promise<Map<string, RecordSummary>> {
  const sql =
    type === 'contact'
      ? `SELECT id, coalesce(nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), email, phone, '') AS name,
           email, NULL AS domain, phone FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[])`
      : `SELECT id, name, NULL AS email, domain, phone FROM companies WHERE workspace_id = $1 AND id = ANY($2::uuid[])`;
  const res = await db.query<RecordSummary>(sql, [workspaceId, ids]);
  return new Map(res.rows.map((r) => [r.id, r]));
}
