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

/**
 * `table` rows matching a text condition, as a FROM item aliased `a`, read through the text index.
 * The planner has no statistics for prefix matches and guesses them rare: left to itself it
 * walks another index of the workspace (every deal, to find none) hoping to stop early. Alone
 * inside the fence (OFFSET 0), the condition can only be served by its own index.
 */
const textMatches = (table: string, a: string, condition: string) => `(SELECT ${a}.* FROM ${table} ${a} WHERE ${condition} OFFSET 0) ${a}`;

/** A search by words: the text query, and the starts of names its first word stands for (as typed, or its likely corrections). */
type WordSearch = { tsquery: string; nameStarts: string[] };

/**
 * Contacts whose first or last name starts with one of the words in array parameter `starts` and
 * that match `tsquery` whole, up to `cap`, read in name order through the prefix indexes (0006),
 * so a name a tenth of the contacts share costs what a rare one does. The text match is checked
 * on each row read (coalesce keeps the planner from adding the text index's bitmap of them all).
 */
function contactsByNameStart(starts: string, tsquery: string, live: string, cap: number | string): string {
  // Per word, the index read in its own order and stopped at `cap` (a bitmap would gather every match).
  const byColumn = (column: string) => {
    const name = `(lower(c.${column}) COLLATE "C")`;
    return `(SELECT x.id FROM unnest(${starts}::text[]) AS w (start), LATERAL (SELECT c.id FROM contacts c
      WHERE c.workspace_id = $1 AND ${name} >= w.start AND ${name} < w.start || chr(1114111)
        AND ${live} AND coalesce(c.search @@ ${tsquery}, false) ORDER BY ${name} LIMIT ${cap}) x LIMIT ${cap})`;
  };
  return `SELECT DISTINCT id FROM (${byColumn('first_name')} UNION ALL ${byColumn('last_name')}) n`;
}

/** Records of one type whose name, email, phone or domain matches, best first. */
async function entityHits(
  db: Queryable,
  ctx: Ctx,
  type: 'contact' | 'company' | 'deal',
  s: ParsedSearch,
  exact: Exact,
  limit: number,
  words: WordSearch | null,
) {
  const params: unknown[] = [ctx.workspaceId, words?.tsquery ?? null, s.text, limit];
  const exactOnly = words === null;
  /**
   * The exact matches and up to CANDIDATE_CAP word (or typo) matches of `table` aliased `a`,
   * ranked by `score`. `named` (contacts) offers candidates by the start of a name first; the
   * text index is then asked only when those are fewer than the cap.
   */
  const ranked = (
    table: string,
    a: string,
    live: string,
    exactMatch: string,
    wordMatch: string,
    select: string,
    joins = '',
    named = '',
  ) => {
    if (exactOnly && exactMatch === 'false') return undefined;
    const fewNamed = named ? ` AND (SELECT count(*) FROM named) < ${CANDIDATE_CAP}` : '';
    const byWords = exactOnly
      ? ''
      : `${named ? 'UNION (SELECT id FROM named)' : ''}
      UNION (SELECT ${a}.id FROM ${textMatches(table, a, wordMatch)} WHERE ${a}.workspace_id = $1 AND ${live}${fewNamed} LIMIT ${CANDIDATE_CAP})`;
    return `
    WITH ${named && !exactOnly ? `named AS (${named}),` : ''} candidates AS (
      (SELECT ${a}.id FROM ${table} ${a} WHERE ${a}.workspace_id = $1 AND ${live} AND ${exactMatch})
      ${byWords})
    SELECT ${select} FROM candidates k JOIN ${table} ${a} ON ${a}.workspace_id = $1 AND ${a}.id = k.id ${joins}
    ORDER BY score DESC, ${a}.id LIMIT $4`;
  };
  let sql: string | undefined;
  if (type === 'contact') {
    params.push(exact.email ?? null, exact.phone ?? null);
    // $7 only when words are searched: an unused parameter has no type to infer.
    if (words) params.push(words.nameStarts);
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
      '',
      contactsByNameStart('$7', "to_tsquery('simple', $2)", 'c.deleted_at IS NULL AND c.merged_into IS NULL', CANDIDATE_CAP),
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
  if (!sql) return [];
  const res = await db.query<Row>(sql, params);
  return res.rows;
}

/** The records (contacts, companies, deals) one word names, up to ENTITY_CAP of each type (contacts by the start of a name first). */
async function recordsNamedBy(db: Queryable, workspaceId: string, term: string): Promise<{ types: string[]; ids: string[] }> {
  const live = 'c.deleted_at IS NULL AND c.merged_into IS NULL';
  const res = await db.query<{ type: string; id: string }>(
    `WITH named AS (${contactsByNameStart('$4', "to_tsquery('simple', $2)", live, '$3')})
     (SELECT 'contact' AS type, id FROM named)
     UNION (SELECT 'contact', c.id FROM ${textMatches('contacts', 'c', "c.search @@ to_tsquery('simple', $2)")}
        WHERE c.workspace_id = $1 AND ${live} AND (SELECT count(*) FROM named) < $3 LIMIT $3)
     UNION ALL (SELECT 'company', co.id FROM ${textMatches('companies', 'co', "co.search @@ to_tsquery('simple', $2)")}
        WHERE co.workspace_id = $1 AND co.deleted_at IS NULL AND co.merged_into IS NULL LIMIT $3)
     UNION ALL (SELECT 'deal', d.id FROM ${textMatches('deals', 'd', "d.search @@ to_tsquery('simple', $2)")}
        WHERE d.workspace_id = $1 AND d.deleted_at IS NULL LIMIT $3)`,
    [workspaceId, `${term}:*`, ENTITY_CAP, [term]],
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
  const byContext = await activitiesInContext(db, workspaceId, s.terms, kinds, limit);
  const seen = new Set(byContext.map((r) => r.id));
  return [...byContext, ...byText.filter((r) => !seen.has(r.id))];
}

/**
 * Activities each of whose words is in their text or names a record they are linked to, newest
 * first. The word naming the fewest records drives the lookup through `activity_links`; when
 * even that word is common (a first name a tenth of the contacts share), the newest activities
 * are read first instead, where such words fill a page quickly.
 */
async function activitiesInContext(
  db: Queryable,
  workspaceId: string,
  terms: string[],
  kinds: string[] | null,
  limit: number,
): Promise<Row[]> {
  const named = [];
  for (const term of terms) named.push({ term, ...(await recordsNamedBy(db, workspaceId, term)) });
  const driver = named.filter((n) => n.ids.length > 0).sort((x, y) => x.ids.length - y.ids.length)[0];
  if (!driver) return [];
  const live = 'a.workspace_id = $1 AND a.deleted_at IS NULL AND ($3::text[] IS NULL OR a.kind = ANY($3))';
  if (driver.ids.length >= ENTITY_CAP) {
    const termParams = terms.map((t) => `${t}:*`);
    // OFFSET 0 keeps the planner from pushing the word matches into the time-ordered read.
    const recent = await db.query<Row>(
      `${activitySelect('0.75')} FROM (
         SELECT a.* FROM activities a WHERE ${live} ORDER BY a.workspace_id DESC, a.occurred_at DESC, a.id DESC LIMIT ${RECENT_WINDOW} OFFSET 0) a
       WHERE ${termParams.map((_, i) => termMatches(i + 5)).join(' AND ')}
       ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
      [workspaceId, prefixQuery(terms), kinds, limit, ...termParams],
    );
    if (recent.rows.length >= limit) return recent.rows;
  }
  // Every activity reached through the driver's records is linked to a record its word names.
  const others = terms.filter((t) => t !== driver.term).map((t) => `${t}:*`);
  const res = await db.query<Row>(
    `${activitySelect('0.75')} FROM activities a
     WHERE ${live}
       AND a.id IN (SELECT l.activity_id FROM activity_links l JOIN unnest($5::text[], $6::uuid[]) AS r (type, id) ON l.record_type = r.type AND l.record_id = r.id
                    WHERE l.workspace_id = $1)
       ${others.map((_, i) => `AND ${termMatches(i + 7)}`).join(' ')}
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT $4`,
    [workspaceId, prefixQuery(terms), kinds, limit, driver.types, driver.ids, ...others],
  );
  return res.rows;
}

type Exact = { email?: string; phone?: string; domain?: string };

/**
 * The search with each word of four letters or more that names nothing widened to the known
 * name words it is a likely typo of ("sarha" → sarha | sarah), through the trigram index of
 * distinct name words (search_terms); undefined when no word could be corrected.
 */
async function typoQuery(db: Queryable, workspaceId: string, terms: string[]): Promise<WordSearch | undefined> {
  let corrected = false;
  const parts: string[] = [];
  const alternatives: string[][] = [];
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
    const words = [term, ...likely.rows.map((r) => r.term)];
    alternatives.push(words);
    parts.push(`(${words.map((w) => `${w}:*`).join(' | ')})`);
  }
  return corrected ? { tsquery: parts.join(' & '), nameStarts: alternatives[0] ?? [] } : undefined;
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
  // misjudged as common, and a full scan of a million rows is never the better plan. Nor is a
  // parallel one: every read here is bounded, and starting workers costs more than it saves.
  await ctx.tx.query(`SELECT set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`);
  const looksExact = Boolean(exact.email || exact.phone || exact.domain) || /^[+\d\s().-]+$/.test(raw);
  const rows: Row[] = [];
  const entityTypes = (['contact', 'company', 'deal'] as const).filter((type) => types.has(type));
  const asTyped: WordSearch = { tsquery: prefixQuery(parsed.terms), nameStarts: parsed.terms.slice(0, 1) };
  // An email, phone number or domain is looked up first; its words (a domain is in every address
  // of a company, "example" in a million emails) are searched only when the lookup finds nothing.
  for (const type of entityTypes)
    rows.push(...(await entityHits(ctx.tx, ctx, type, parsed, exact, input.limit, looksExact ? null : asTyped)));
  if (looksExact && rows.length === 0) {
    for (const type of entityTypes) rows.push(...(await entityHits(ctx.tx, ctx, type, parsed, exact, input.limit, asTyped)));
  }
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
