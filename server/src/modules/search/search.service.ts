import type { Ctx } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { AppError } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import { normaliseDomain } from '../companies/companies.normalize.ts';
import { normaliseEmail, normalisePhone } from '../contacts/contacts.normalize.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { defaultWorkspaceSettings } from '../workspaces/workspaces.schema.ts';
import { type ParsedSearch, parseSearch, prefixQuery } from './search.query.ts';

export const searchTypes = ['contact', 'company', 'deal', 'activity'] as const;
export type SearchType = (typeof searchTypes)[number];

/** One hit of the global search. */
export type SearchHit = {
  type: SearchType;
  id: string;
  title: string;
  snippet: string | null;
  score: number;
  occurredAt: string | null;
  activityKind: string | null;
  links: { type: string; id: string; name: string }[];
};

/** Up to how many records of each type one term may stand for when it names people or companies in a question. */
const ENTITY_CAP = 500;

const contactName = `lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))`;
const contactTitle = `coalesce(nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), ''), c.email, c.phone, '')`;

type Row = { type: SearchType; id: string; title: string; snippet: string | null; score: number; occurred_at?: Date | null; kind?: string };

/**
 * How many matches of one type are ranked. A word as common as a popular first name can match a
 * tenth of a million contacts; ranking a bounded set of them (plus every exact email, phone or
 * domain match) keeps a search fast at any size, at the price of which of many equal matches show.
 */
const CANDIDATE_CAP = 300;

/** Records of one type whose name, email, phone or domain matches, best first. */
async function entityHits(
  db: Queryable,
  ctx: Ctx,
  type: 'contact' | 'company' | 'deal',
  s: ParsedSearch,
  exact: Exact,
  limit: number,
  tsquery: string,
) {
  const params: unknown[] = [ctx.workspaceId, tsquery, s.text, limit];
  /** The exact matches and up to CANDIDATE_CAP word (or typo) matches of `table` aliased `a`, ranked by `score`. */
  const ranked = (table: string, a: string, live: string, exactMatch: string, wordMatch: string, select: string, joins = '') => `
    WITH candidates AS (
      (SELECT ${a}.id FROM ${table} ${a} WHERE ${a}.workspace_id = $1 AND ${live} AND ${exactMatch})
      UNION
      (SELECT ${a}.id FROM ${table} ${a} WHERE ${a}.workspace_id = $1 AND ${live} AND (${wordMatch}) LIMIT ${CANDIDATE_CAP}))
    SELECT ${select} FROM candidates k JOIN ${table} ${a} ON ${a}.workspace_id = $1 AND ${a}.id = k.id ${joins}
    ORDER BY score DESC, ${a}.id LIMIT $4`;
  let sql: string;
  if (type === 'contact') {
    params.push(exact.email ?? null, exact.phone ?? null);
    sql = ranked(
      'contacts',
      'c',
      'c.deleted_at IS NULL AND c.merged_into IS NULL',
      [exact.email ? 'c.email_list @> ARRAY[$5::text]' : '', exact.phone ? 'c.phone_list @> ARRAY[$6::text]' : '']
        .filter(Boolean)
        .join(' OR ') || 'false',
      `c.search @@ to_tsquery('simple', $2)`,
      `'contact' AS type, c.id, ${contactTitle} AS title,
        concat_ws(' · ', c.email, c.job_title, (SELECT co.name FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id
          WHERE cc.workspace_id = c.workspace_id AND cc.contact_id = c.id AND cc.is_primary)) AS snippet,
        CASE WHEN c.email_list @> ARRAY[$5::text] OR c.phone_list @> ARRAY[$6::text] THEN 1.0
             WHEN ${contactName} LIKE $3 || '%' OR lower(c.last_name) LIKE $3 || '%' THEN 0.9
             WHEN c.search @@ to_tsquery('simple', $2) THEN 0.6 + ts_rank(c.search, to_tsquery('simple', $2)) / 10
             ELSE 0.5 END AS score`,
    );
  } else if (type === 'company') {
    params.push(exact.domain ?? null);
    sql = ranked(
      'companies',
      'co',
      'co.deleted_at IS NULL AND co.merged_into IS NULL',
      exact.domain ? 'co.domain = $5' : 'false',
      `co.search @@ to_tsquery('simple', $2)`,
      `'company' AS type, co.id, co.name AS title, concat_ws(' · ', co.domain, co.industry) AS snippet,
        CASE WHEN co.domain = $5 THEN 1.0
             WHEN lower(co.name) LIKE $3 || '%' THEN 0.9
             WHEN co.search @@ to_tsquery('simple', $2) THEN 0.6 + ts_rank(co.search, to_tsquery('simple', $2)) / 10
             ELSE 0.5 END AS score`,
    );
  } else {
    sql = ranked(
      'deals',
      'd',
      'd.deleted_at IS NULL',
      'false',
      `d.search @@ to_tsquery('simple', $2)`,
      `'deal' AS type, d.id, d.name AS title,
        concat_ws(' · ', s.name, CASE WHEN d.amount IS NOT NULL THEN (d.amount / 100.0)::numeric(20, 2) || ' ' || d.currency END, d.status) AS snippet,
        CASE WHEN lower(d.name) LIKE $3 || '%' THEN 0.85
             WHEN d.search @@ to_tsquery('simple', $2) THEN 0.55 + ts_rank(d.search, to_tsquery('simple', $2)) / 10
             ELSE 0.5 END AS score`,
      'JOIN pipeline_stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id',
    );
  }
  const res = await db.query<Row>(sql, params);
  return res.rows;
}

/** The records (contacts, companies, deals) one word names, up to ENTITY_CAP of each type. */
async function recordsNamedBy(db: Queryable, workspaceId: string, term: string): Promise<{ types: string[]; ids: string[] }> {
  const res = await db.query<{ type: string; id: string }>(
    `(SELECT 'contact' AS type, id FROM contacts WHERE workspace_id = $1 AND deleted_at IS NULL AND merged_into IS NULL AND search @@ to_tsquery('simple', $2) LIMIT $3)
     UNION ALL (SELECT 'company', id FROM companies WHERE workspace_id = $1 AND deleted_at IS NULL AND merged_into IS NULL AND search @@ to_tsquery('simple', $2) LIMIT $3)
     UNION ALL (SELECT 'deal', id FROM deals WHERE workspace_id = $1 AND deleted_at IS NULL AND search @@ to_tsquery('simple', $2) LIMIT $3)`,
    [workspaceId, `${term}:*`, ENTITY_CAP],
  );
  return { types: res.rows.map((r) => r.type), ids: res.rows.map((r) => r.id) };
}

const activitySelect = (score: string) => `SELECT 'activity' AS type, a.id, a.kind,
    coalesce(nullif(a.subject, ''), initcap(a.kind)) AS title, a.occurred_at,
    ts_headline('simple', coalesce(a.body, a.subject, ''), to_tsquery('simple', $2), 'MaxWords=30, MinWords=12, StartSel="", StopSel=""') AS snippet,
    ${score} AS score`;

/** A condition that term `$n` is in the activity's text or names a record it is linked to. */
const termMatches = (n: number) => `(a.search @@ to_tsquery('simple', $${n}) OR EXISTS (
    SELECT 1 FROM activity_links l WHERE l.workspace_id = a.workspace_id AND l.activity_id = a.id AND CASE l.record_type
      WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = l.workspace_id AND c.id = l.record_id AND c.search @@ to_tsquery('simple', $${n}))
      WHEN 'company' THEN EXISTS (SELECT 1 FROM companies co WHERE co.workspace_id = l.workspace_id AND co.id = l.record_id AND co.search @@ to_tsquery('simple', $${n}))
      ELSE EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = l.workspace_id AND d.id = l.record_id AND d.search @@ to_tsquery('simple', $${n})) END))`;

/** How many of the newest activities are read first: enough to fill a page when the words are common. */
const RECENT_WINDOW = 2_000;

/**
 * The newest activities whose text matches, at a bounded cost however common the words are:
 * first the newest RECENT_WINDOW activities are read in time order (common words fill a page
 * there); only when they do not is the text index asked, which is quick for rarer words.
 */
async function activitiesByText(
  db: Queryable,
  workspaceId: string,
  tsquery: string,
  kinds: string[] | null,
  limit: number,
): Promise<Row[]> {
  const score = "0.5 + ts_rank(a.search, to_tsquery('simple', $2)) / 10";
  const params = [workspaceId, tsquery, kinds, limit];
  const live = 'a.workspace_id = $1 AND a.deleted_at IS NULL AND ($3::text[] IS NULL OR a.kind = ANY($3))';
  // OFFSET 0 keeps the planner from pushing the text match into the time-ordered read.
  const recent = await db.query<Row>(
    `${activitySelect(score)} FROM (
       SELECT a.* FROM activities a WHERE ${live} ORDER BY a.workspace_id DESC, a.occurred_at DESC, a.id DESC LIMIT ${RECENT_WINDOW} OFFSET 0) a
     WHERE a.search @@ to_tsquery('simple', $2) ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
    params,
  );
  if (recent.rows.length >= limit) return recent.rows;
  // Rarer words: every match through the text index (OFFSET 0 keeps it from walking time order instead), newest first.
  const res = await db.query<Row>(
    `${activitySelect(score)} FROM (
       SELECT a.* FROM activities a WHERE ${live} AND a.search @@ to_tsquery('simple', $2) OFFSET 0) a
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
    params,
  );
  return res.rows;
}

/**
 * Activities (notes, calls, emails, meetings) that match: by their own text, or (for questions
 * like "Sarah's last call with Acme") by the people, companies and deals they are linked to —
 * each word in the text or naming a linked record.
 */
async function activityHits(db: Queryable, workspaceId: string, s: ParsedSearch, limit: number): Promise<Row[]> {
  const kinds = s.kinds.length > 0 ? s.kinds : null;
  const byText = await activitiesByText(db, workspaceId, prefixQuery(s.terms), kinds, limit);
  // Only a question looks through linked records; a plain search shows those records themselves.
  if (!s.question) return byText;
  // The word naming the fewest records drives the search through the activities linked to them.
  const named = [];
  for (const term of s.terms) named.push({ term, ...(await recordsNamedBy(db, workspaceId, term)) });
  const driver = named.filter((n) => n.ids.length > 0).sort((x, y) => x.ids.length - y.ids.length)[0];
  if (!driver) return byText;
  const termParams = s.terms.map((t) => `${t}:*`);
  const byContext = await db.query<Row>(
    `${activitySelect('0.75')} FROM activities a
     WHERE a.workspace_id = $1 AND a.deleted_at IS NULL AND ($3::text[] IS NULL OR a.kind = ANY($3))
       AND a.id IN (SELECT l.activity_id FROM activity_links l JOIN unnest($5::text[], $6::uuid[]) AS r (type, id) ON l.record_type = r.type AND l.record_id = r.id
                    WHERE l.workspace_id = $1)
       AND ${termParams.map((_, i) => termMatches(i + 7)).join(' AND ')}
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
    [workspaceId, prefixQuery(s.terms), kinds, limit, driver.types, driver.ids, ...termParams],
  );
  const seen = new Set(byContext.rows.map((r) => r.id));
  return [...byContext.rows, ...byText.filter((r) => !seen.has(r.id))];
}

type Exact = { email?: string; phone?: string; domain?: string };

/**
 * The search with each word of four letters or more that names nothing widened to the known
 * name words it is a likely typo of ("sarha" → sarha | sarah), through the trigram index of
 * distinct name words (search_terms); undefined when no word could be corrected.
 */
async function typoQuery(db: Queryable, workspaceId: string, terms: string[]): Promise<string | undefined> {
  let corrected = false;
  const parts: string[] = [];
  for (const term of terms) {
    const word = term.replace(/[^\p{L}]/gu, '');
    const known =
      word.length >= 4 &&
      (await db.query('SELECT 1 FROM search_terms WHERE workspace_id = $1 AND term LIKE $2 LIMIT 1', [workspaceId, `${word}%`])).rows
        .length > 0;
    const likely =
      word.length >= 4 && !known
        ? await db.query<{ term: string }>(
            'SELECT term FROM search_terms WHERE workspace_id = $1 AND term % $2 ORDER BY similarity(term, $2) DESC, term LIMIT 3',
            [workspaceId, word],
          )
        : { rows: [] };
    if (likely.rows.length > 0) corrected = true;
    parts.push(`(${[term, ...likely.rows.map((r) => r.term)].map((w) => `${w}:*`).join(' | ')})`);
  }
  return corrected ? parts.join(' & ') : undefined;
}

/** The names of what activities are linked to, for showing a hit in context. */
async function linksOf(db: Queryable, workspaceId: string, activityIds: string[]): Promise<Map<string, SearchHit['links']>> {
  if (activityIds.length === 0) return new Map();
  const res = await db.query<{ activity_id: string; type: string; id: string; name: string }>(
    `SELECT l.activity_id, l.record_type AS type, l.record_id AS id,
       coalesce(CASE l.record_type
         WHEN 'contact' THEN (SELECT ${contactTitle} FROM contacts c WHERE c.workspace_id = l.workspace_id AND c.id = l.record_id)
         WHEN 'company' THEN (SELECT co.name FROM companies co WHERE co.workspace_id = l.workspace_id AND co.id = l.record_id)
         ELSE (SELECT d.name FROM deals d WHERE d.workspace_id = l.workspace_id AND d.id = l.record_id) END, '') AS name
     FROM activity_links l WHERE l.workspace_id = $1 AND l.activity_id = ANY($2::uuid[]) ORDER BY l.record_type, l.record_id`,
    [workspaceId, activityIds],
  );
  const out = new Map<string, SearchHit['links']>();
  for (const r of res.rows) out.set(r.activity_id, [...(out.get(r.activity_id) ?? []), { type: r.type, id: r.id, name: r.name }]);
  return out;
}

/**
 * The global search: contacts, companies, deals and activity text in one ranked list. Matches
 * names, emails, phones and domains exactly, words by prefix ("sar" finds Sarah), small typos by
 * trigram similarity, and questions about activities by the records they are linked to.
 */
export async function globalSearch(
  ctx: Ctx,
  input: { q: string; limit: number; types?: SearchType[] },
): Promise<{ hits: SearchHit[]; parsed: ParsedSearch }> {
  authorize(ctx, 'records.read');
  const parsed = parseSearch(input.q);
  if (parsed.terms.length === 0) {
    throw new AppError('validation_failed', 'Search for at least one letter or digit', [
      { field: 'query.q', message: 'Nothing to search for' },
    ]);
  }
  const types = new Set(input.types ?? searchTypes);
  const region = (await findWorkspace(ctx.tx, ctx.workspaceId))?.settings.phoneRegion ?? defaultWorkspaceSettings.phoneRegion;
  const raw = input.q.trim();
  const exact: Exact = {
    email: normaliseEmail(raw),
    phone: /^[+\d\s().-]{6,}$/.test(raw) ? normalisePhone(raw, region) : undefined,
    domain: raw.includes('.') && !raw.includes('@') ? normaliseDomain(raw) : undefined,
  };
  // Every match here has an index (text, trigram, email, phone, time order); a prefix is often
  // misjudged as common, and a full scan of a million rows is never the better plan.
  await ctx.tx.query(`SELECT set_config('enable_seqscan', 'off', true)`);
  const looksExact = Boolean(exact.email || exact.phone || exact.domain) || /^[+\d\s().-]+$/.test(raw);
  const rows: Row[] = [];
  const entityTypes = (['contact', 'company', 'deal'] as const).filter((type) => types.has(type));
  const asTyped = prefixQuery(parsed.terms);
  for (const type of entityTypes) rows.push(...(await entityHits(ctx.tx, ctx, type, parsed, exact, input.limit, asTyped)));
  // An email, phone number or domain is looked up, not searched for in notes.
  if (types.has('activity') && !looksExact) rows.push(...(await activityHits(ctx.tx, ctx.workspaceId, parsed, input.limit)));
  // Typos are looked for only when a short search found too little as typed.
  if (rows.length < input.limit && !parsed.question && !looksExact) {
    const corrected = await typoQuery(ctx.tx, ctx.workspaceId, parsed.terms);
    if (corrected) {
      const found = new Set(rows.map((r) => r.id));
      for (const type of entityTypes) {
        rows.push(...(await entityHits(ctx.tx, ctx, type, parsed, exact, input.limit, corrected)).filter((r) => !found.has(r.id)));
      }
    }
  }
  // Stable: equal scores keep their order (for activities in a question, newest first).
  const ranked = rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => Number(y.r.score) - Number(x.r.score) || x.i - y.i)
    .slice(0, input.limit)
    .map((x) => x.r);
  const links = await linksOf(
    ctx.tx,
    ctx.workspaceId,
    ranked.filter((r) => r.type === 'activity').map((r) => r.id),
  );
  return {
    parsed,
    hits: ranked.map((r) => ({
      type: r.type,
      id: r.id,
      title: r.title,
      snippet: r.snippet || null,
      score: Math.round(Number(r.score) * 1000) / 1000,
      occurredAt: r.occurred_at ? r.occurred_at.toISOString() : null,
      activityKind: r.kind ?? null,
      links: links.get(r.id) ?? [],
    })),
  };
}
