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

/** Which pairs a duplicates page reads: after the cursor pair, and only those involving `recordId` when given. */
export type PairPage = { limit: number; after?: [string, string]; recordId?: string };

/** A page of pairs from the union `pairs` (a, b, reason), in (a, b) order after the cursor pair. */
async function pagePairs(db: Queryable, pairs: string, workspaceId: string, page: PairPage): Promise<DuplicatePairRow[]> {
  const res = await db.query<DuplicatePairRow>(
    `WITH pairs AS (${pairs})
     SELECT a, b, array_agg(DISTINCT reason ORDER BY reason) AS reasons FROM pairs
     WHERE ($2::uuid IS NULL OR (a, b) > ($2::uuid, $3::uuid)) AND ($5::uuid IS NULL OR $5::uuid IN (a, b))
     GROUP BY a, b ORDER BY a, b LIMIT $4`,
    [workspaceId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit, page.recordId ?? null],
  );
  return res.rows;
}

const liveContacts = `contacts c WHERE c.workspace_id = $1 AND c.deleted_at IS NULL AND c.merged_into IS NULL`;
const fullName = (a: string) => `lower(trim(coalesce(${a}.first_name, '') || ' ' || coalesce(${a}.last_name, '')))`;

/** Candidate duplicate contacts: the same email, the same phone, or similar names at the same company. */
export async function contactDuplicatePairs(db: Queryable, workspaceId: string, page: PairPage): Promise<DuplicatePairRow[]> {
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
export async function companyDuplicatePairs(db: Queryable, workspaceId: string, page: PairPage): Promise<DuplicatePairRow[]> {
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

/** What a duplicate review shows of each record of a pair: who it is, how old, and what hangs off it. */
export type RecordSummary = {
  id: string;
  name: string;
  email: string | null;
  domain: string | null;
  phone: string | null;
  /** A contact's primary company (else the first by name); null for companies. */
  company: string | null;
  createdAt: Date;
  /** Live records pointing at this one, which a merge moves to the survivor; `people` counts a company's contacts. */
  related: { deals: number; activities: number; tasks: number; people: number };
};

type SummaryRow = Omit<RecordSummary, 'related'> & { deals: number; activities: number; tasks: number; people: number };

/** Counts of live activities and tasks pointing at the record `r` of type `type`. */
const activityAndTaskCounts = (type: string, r: string) => `
  (SELECT count(*) FROM activity_links al JOIN activities ac ON ac.workspace_id = al.workspace_id AND ac.id = al.activity_id AND ac.deleted_at IS NULL
   WHERE al.workspace_id = ${r}.workspace_id AND al.record_type = '${type}' AND al.record_id = ${r}.id) AS activities,
  (SELECT count(*) FROM tasks t
   WHERE t.workspace_id = ${r}.workspace_id AND t.record_type = '${type}' AND t.record_id = ${r}.id AND t.deleted_at IS NULL) AS tasks`;

const contactSummarySql = `
  SELECT c.id, coalesce(nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), ''), c.email, c.phone, '') AS name,
    c.email, NULL AS domain, c.phone, c.created_at AS "createdAt",
    (SELECT co.name FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id AND co.deleted_at IS NULL
     WHERE cc.workspace_id = c.workspace_id AND cc.contact_id = c.id ORDER BY cc.is_primary DESC, co.name LIMIT 1) AS company,
    (SELECT count(*) FROM deal_contacts dc JOIN deals d ON d.workspace_id = dc.workspace_id AND d.id = dc.deal_id AND d.deleted_at IS NULL
     WHERE dc.workspace_id = c.workspace_id AND dc.contact_id = c.id) AS deals,
    ${activityAndTaskCounts('contact', 'c')},
    0 AS people
  FROM contacts c WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])`;

const companySummarySql = `
  SELECT co.id, co.name, NULL AS email, co.domain, co.phone, co.created_at AS "createdAt", NULL AS company,
    (SELECT count(*) FROM deals d WHERE d.workspace_id = co.workspace_id AND d.company_id = co.id AND d.deleted_at IS NULL) AS deals,
    ${activityAndTaskCounts('company', 'co')},
    (SELECT count(*) FROM contact_companies cc JOIN contacts c ON c.workspace_id = cc.workspace_id AND c.id = cc.contact_id
       AND c.deleted_at IS NULL AND c.merged_into IS NULL
     WHERE cc.workspace_id = co.workspace_id AND cc.company_id = co.id) AS people
  FROM companies co WHERE co.workspace_id = $1 AND co.id = ANY($2::uuid[])`;

/** The summaries of contacts or companies by id. */
export async function recordSummaries(
  db: Queryable,
  workspaceId: string,
  type: 'contact' | 'company',
  ids: string[],
): Promise<Map<string, RecordSummary>> {
  const res = await db.query<SummaryRow>(type === 'contact' ? contactSummarySql : companySummarySql, [workspaceId, ids]);
  return new Map(
    res.rows.map(({ deals, activities, tasks, people, ...r }) => [r.id, { ...r, related: { deals, activities, tasks, people } }]),
  );
}
