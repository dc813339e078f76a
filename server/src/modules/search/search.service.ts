import type { Ctx } from '../../context.ts';
import { AppError } from '../../lib/errors.ts';
import { SqlParams } from '../../lib/sql-params.ts';
import { authorize } from '../../policies.ts';
import { normaliseDomain } from '../companies/companies.normalize.ts';
import { normaliseEmail, normalisePhone } from '../contacts/contacts.normalize.ts';
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

type Row = {
  /** Which part of the statement found it: 1–3 contacts, companies, deals; 4 activities through linked records; 5 activity text; 9 typo candidates. */
  part: number;
  type: SearchType;
  id: string;
  title: string;
  snippet: string | null;
  score: number;
  occurred_at: Date | null;
  kind: string | null;
  links: SearchHit['links'] | null;
};

/**
 * How many matches of one type are ranked. A word as common as a popular first name can match a
 * tenth of a million contacts; ranking a bounded set of them (plus every exact email, phone or
 * domain match) keeps a search fast at any size, at the price of which of many equal matches show.
 */
const CANDIDATE_CAP = 300;

/**
 * The parameters of one search statement, each bound once under a name on first use (a parameter
 * bound but never used has no type to infer).
 */
class Binder {
  readonly params = new SqlParams();
  private readonly named = new Map<string, string>();

  /** `known`: values bound by name only where a part uses them (the workspace, the limit, the text query as typed). */
  constructor(private readonly known: Record<string, unknown>) {}

  /** The placeholder of `name`, bound to `value` (or its known value) on first use. */
  bind(name: string, value?: unknown): string {
    let placeholder = this.named.get(name);
    if (!placeholder) {
      placeholder = this.params.add(value === undefined ? this.known[name] : value);
      this.named.set(name, placeholder);
    }
    return placeholder;
  }
}

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
function contactsByNameStart(ws: string, starts: string, tsquery: string, live: string, cap: number | string): string {
  // Per word, the index read in its own order and stopped at `cap` (a bitmap would gather every match).
  const byColumn = (column: string) => {
    const name = `(lower(c.${column}) COLLATE "C")`;
    return `(SELECT x.id FROM unnest(${starts}::text[]) AS w (start), LATERAL (SELECT c.id FROM contacts c
      WHERE c.workspace_id = ${ws} AND ${name} >= w.start AND ${name} < w.start || chr(1114111)
        AND ${live} AND coalesce(c.search @@ ${tsquery}, false) ORDER BY ${name} LIMIT ${cap}) x LIMIT ${cap})`;
  };
  return `SELECT DISTINCT id FROM (${byColumn('first_name')} UNION ALL ${byColumn('last_name')}) n`;
}

/** The columns every part of a search statement returns, after its own: when it happened, its kind and links (activities). */
const noActivity = 'NULL::timestamptz AS occurred_at, NULL::text AS kind, NULL::json AS links';

/**
 * The part of a search statement finding records of one type whose name, email, phone or domain
 * matches, best first: the exact matches and, with `words`, up to CANDIDATE_CAP word (or typo)
 * matches, ranked by score. Undefined when there is nothing to look for.
 */
function entityPart(
  b: Binder,
  type: 'contact' | 'company' | 'deal',
  s: ParsedSearch,
  exact: Exact,
  words: { tsquery: string; starts: string } | null,
): string | undefined {
  const ws = b.bind('ws');
  const limit = b.bind('limit');
  const text = () => b.bind('text', s.text);
  // The exact part ranks with the text query as typed (its matches score 1.0 whatever it says).
  const tsq = `to_tsquery('simple', ${words?.tsquery ?? b.bind('tsq')})`;
  const exactOnly = words === null;
  /**
   * The candidates of `table` aliased `a`, ranked by `score`, each read by its key (a few hundred
   * at most: joined, the planner guessed them many and read every record of the workspace into a
   * hash table to match none or a few). `named` (contacts) offers
   * candidates by the start of a name first; the text index is then asked only when those are
   * fewer than the cap.
   */
  const ranked = (
    part: number,
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
      UNION (SELECT ${a}.id FROM ${textMatches(table, a, wordMatch)} WHERE ${a}.workspace_id = ${ws} AND ${live}${fewNamed} LIMIT ${CANDIDATE_CAP})`;
    return `
    WITH ${named && !exactOnly ? `named AS (${named}),` : ''} candidates AS (
      (SELECT ${a}.id FROM ${table} ${a} WHERE ${a}.workspace_id = ${ws} AND ${live} AND ${exactMatch})
      ${byWords})
    SELECT ${part} AS part, ${select}, ${noActivity} FROM candidates k
      CROSS JOIN LATERAL (SELECT ${a}.* FROM ${table} ${a} WHERE ${a}.workspace_id = ${ws} AND ${a}.id = k.id OFFSET 0) ${a} ${joins}
    ORDER BY score DESC, ${a}.id LIMIT ${limit}`;
  };
  if (type === 'contact') {
    const email = b.bind('email', exact.email ?? null);
    const phone = b.bind('phone', exact.phone ?? null);
    const live = 'c.deleted_at IS NULL AND c.merged_into IS NULL';
    return ranked(
      1,
      'contacts',
      'c',
      live,
      [exact.email ? `c.email_list @> ARRAY[${email}::text]` : '', exact.phone ? `c.phone_list @> ARRAY[${phone}::text]` : '']
        .filter(Boolean)
        .join(' OR ') || 'false',
      `c.search @@ ${tsq}`,
      `'contact' AS type, c.id, ${contactTitle} AS title,
        concat_ws(' · ', c.email, c.job_title, (SELECT co.name FROM contact_companies cc JOIN companies co ON co.workspace_id = cc.workspace_id AND co.id = cc.company_id
          WHERE cc.workspace_id = c.workspace_id AND cc.contact_id = c.id AND cc.is_primary)) AS snippet,
        (CASE WHEN c.email_list @> ARRAY[${email}::text] OR c.phone_list @> ARRAY[${phone}::text] THEN 1.0
             WHEN ${contactName} LIKE ${text()} || '%' OR lower(c.last_name) LIKE ${text()} || '%' THEN 0.9
             WHEN c.search @@ ${tsq} THEN 0.6 + ts_rank(c.search, ${tsq}) / 10
             ELSE 0.5 END)::float8 AS score`,
      '',
      words ? contactsByNameStart(ws, words.starts, tsq, live, CANDIDATE_CAP) : '',
    );
  }
  if (type === 'company') {
    const domain = b.bind('domain', exact.domain ?? null);
    return ranked(
      2,
      'companies',
      'co',
      'co.deleted_at IS NULL AND co.merged_into IS NULL',
      exact.domain ? `co.domain = ${domain}::text` : 'false',
      `co.search @@ ${tsq}`,
      `'company' AS type, co.id, co.name AS title, concat_ws(' · ', co.domain, co.industry) AS snippet,
        (CASE WHEN co.domain = ${domain}::text THEN 1.0
             WHEN lower(co.name) LIKE ${text()} || '%' THEN 0.9
             WHEN co.search @@ ${tsq} THEN 0.6 + ts_rank(co.search, ${tsq}) / 10
             ELSE 0.5 END)::float8 AS score`,
    );
  }
  return ranked(
    3,
    'deals',
    'd',
    'd.deleted_at IS NULL',
    'false',
    `d.search @@ ${tsq}`,
    `'deal' AS type, d.id, d.name AS title,
      concat_ws(' · ', s.name, CASE WHEN d.amount IS NOT NULL THEN (d.amount / 100.0)::numeric(20, 2) || ' ' || d.currency END, d.status) AS snippet,
      (CASE WHEN lower(d.name) LIKE ${text()} || '%' THEN 0.85
           WHEN d.search @@ ${tsq} THEN 0.55 + ts_rank(d.search, ${tsq}) / 10
           ELSE 0.5 END)::float8 AS score`,
    'JOIN pipeline_stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id',
  );
}

/**
 * The records (contacts, companies, deals) one word names, up to ENTITY_CAP of each type
 * (contacts by the start of a name first), as a SELECT of (type, id).
 */
function recordsNamedBy(ws: string, tsquery: string, starts: string, cap: string): string {
  const live = 'c.deleted_at IS NULL AND c.merged_into IS NULL';
  const tsq = `to_tsquery('simple', ${tsquery})`;
  return `WITH named AS (${contactsByNameStart(ws, starts, tsq, live, cap)})
     (SELECT 'contact' AS type, id FROM named)
     UNION (SELECT 'contact', c.id FROM ${textMatches('contacts', 'c', `c.search @@ ${tsq}`)}
        WHERE c.workspace_id = ${ws} AND ${live} AND (SELECT count(*) FROM named) < ${cap} LIMIT ${cap})
     UNION ALL (SELECT 'company', co.id FROM ${textMatches('companies', 'co', `co.search @@ ${tsq}`)}
        WHERE co.workspace_id = ${ws} AND co.deleted_at IS NULL AND co.merged_into IS NULL LIMIT ${cap})
     UNION ALL (SELECT 'deal', d.id FROM ${textMatches('deals', 'd', `d.search @@ ${tsq}`)}
        WHERE d.workspace_id = ${ws} AND d.deleted_at IS NULL LIMIT ${cap})`;
}

/** The names of what an activity (alias `a`) is linked to, for showing a hit in context, as a JSON array. */
const linkNames = `(SELECT coalesce(json_agg(json_build_object('type', l.record_type, 'id', l.record_id, 'name', coalesce(CASE l.record_type
         WHEN 'contact' THEN (SELECT ${contactTitle} FROM contacts c WHERE c.workspace_id = l.workspace_id AND c.id = l.record_id)
         WHEN 'company' THEN (SELECT co.name FROM companies co WHERE co.workspace_id = l.workspace_id AND co.id = l.record_id)
         ELSE (SELECT d.name FROM deals d WHERE d.workspace_id = l.workspace_id AND d.id = l.record_id) END, ''))
       ORDER BY l.record_type, l.record_id), '[]')
     FROM activity_links l WHERE l.workspace_id = a.workspace_id AND l.activity_id = a.id)`;

const activitySelect = (part: number, tsq: string, score: string) => `SELECT ${part} AS part, 'activity' AS type, a.id,
    coalesce(nullif(a.subject, ''), initcap(a.kind)) AS title,
    ts_headline('simple', coalesce(a.body, a.subject, ''), ${tsq}, 'MaxWords=30, MinWords=12, StartSel="", StopSel=""') AS snippet,
    (${score})::float8 AS score, a.occurred_at, a.kind, ${linkNames} AS links`;

/** A condition that the prefix query in `param` is in the activity's text or names a record it is linked to. */
const termMatches = (param: string) => {
  const tsq = `to_tsquery('simple', ${param})`;
  return `(a.search @@ ${tsq} OR EXISTS (
    SELECT 1 FROM activity_links l WHERE l.workspace_id = a.workspace_id AND l.activity_id = a.id AND CASE l.record_type
      WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = l.workspace_id AND c.id = l.record_id AND c.search @@ ${tsq})
      WHEN 'company' THEN EXISTS (SELECT 1 FROM companies co WHERE co.workspace_id = l.workspace_id AND co.id = l.record_id AND co.search @@ ${tsq})
      ELSE EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = l.workspace_id AND d.id = l.record_id AND d.search @@ ${tsq}) END))`;
};

/** How many of the newest activities are read first: enough to fill a page when the words are common. */
const RECENT_WINDOW = 2_000;

/** The newest RECENT_WINDOW live activities (of the asked kinds), as a FROM item aliased `a`; OFFSET 0 keeps conditions out of the time-ordered read. */
const recentActivities = (ws: string, kinds: string) => `(
  SELECT a.* FROM activities a WHERE a.workspace_id = ${ws} AND a.deleted_at IS NULL AND (${kinds}::text[] IS NULL OR a.kind = ANY(${kinds}))
  ORDER BY a.workspace_id DESC, a.occurred_at DESC, a.id DESC LIMIT ${RECENT_WINDOW} OFFSET 0) a`;

/**
 * The part finding the newest activities whose text matches, at a bounded cost however common
 * the words are: the newest RECENT_WINDOW activities are read in time order (common words fill a
 * page there); only when they do not is the text index asked, which is quick for rarer words.
 */
function activitiesByText(b: Binder, s: ParsedSearch): string {
  const ws = b.bind('ws');
  const limit = b.bind('limit');
  const kinds = b.bind('kinds', s.kinds.length > 0 ? s.kinds : null);
  const tsq = `to_tsquery('simple', ${b.bind('tsq')})`;
  const select = activitySelect(5, tsq, `0.5 + ts_rank(a.search, ${tsq}) / 10`);
  // The text index is read only when the newest activities did not fill the page (a one-time
  // condition: the read does not start otherwise); OFFSET 0 keeps it from walking time order instead.
  return `WITH recent AS (${select} FROM ${recentActivities(ws, kinds)}
      WHERE a.search @@ ${tsq} ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit})
    (SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${limit})
    UNION ALL
    (${select} FROM (
       SELECT a.* FROM activities a WHERE a.workspace_id = ${ws} AND a.deleted_at IS NULL AND (${kinds}::text[] IS NULL OR a.kind = ANY(${kinds}))
         AND a.search @@ ${tsq} OFFSET 0) a
     WHERE (SELECT count(*) FROM recent) < ${limit}
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit})`;
}

/**
 * The part finding activities each of whose words is in their text or names a record they are
 * linked to, newest first (questions like "Sarah's last call with Acme"). The word naming the
 * fewest records drives the lookup through `activity_links`; when even that word is common (a
 * first name a tenth of the contacts share), the newest activities are read first instead, where
 * such words fill a page quickly.
 */
function activitiesInContext(b: Binder, s: ParsedSearch): string {
  const ws = b.bind('ws');
  const limit = b.bind('limit');
  const kinds = b.bind('kinds', s.kinds.length > 0 ? s.kinds : null);
  const cap = b.bind('cap', ENTITY_CAP);
  const tsq = `to_tsquery('simple', ${b.bind('tsq')})`;
  const terms = s.terms.map((term, i) => ({ i, term, tsquery: b.bind(`term${i}`, `${term}:*`), starts: b.bind(`start${i}`, [term]) }));
  // Which records each word names; the driver is the word naming the fewest (the first of equals).
  const named = terms
    .map((t) => `SELECT ${t.i} AS i, r.type, r.id FROM (${recordsNamedBy(ws, t.tsquery, t.starts, cap)}) r`)
    .join(' UNION ALL ');
  const select = activitySelect(4, tsq, '0.75');
  // The other words (by value: a repeated word is the driver too) must each match.
  const others = terms
    .map((t) => {
      const same = terms.filter((u) => u.term === t.term).map((u) => u.i);
      return `((SELECT i FROM driver) IN (${same.join(', ')}) OR ${termMatches(t.tsquery)})`;
    })
    .join(' AND ');
  return `WITH named AS MATERIALIZED (${named}),
      driver AS (SELECT i, count(*) AS n FROM named GROUP BY i ORDER BY n, i LIMIT 1),
      recent AS (${select} FROM ${recentActivities(ws, kinds)}
        WHERE (SELECT n FROM driver) >= ${cap} AND ${terms.map((t) => termMatches(t.tsquery)).join(' AND ')}
        ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit})
    (SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= ${limit})
    UNION ALL
    (${select} FROM activities a
     WHERE a.workspace_id = ${ws} AND a.deleted_at IS NULL AND (${kinds}::text[] IS NULL OR a.kind = ANY(${kinds}))
       AND a.id IN (SELECT l.activity_id FROM activity_links l JOIN named r ON l.record_type = r.type AND l.record_id = r.id
                    WHERE l.workspace_id = ${ws} AND r.i = (SELECT i FROM driver))
       AND ${others}
       AND (SELECT count(*) FROM recent) < ${limit}
     ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit})`;
}

type Exact = { email?: string; phone?: string; domain?: string };

/**
 * The part offering, for each word of four letters or more (given with its position) that names
 * nothing, up to three known name words it is a likely typo of ("sarha" → sarah), through the
 * trigram index of distinct name words (search_terms). Its rows carry the position as `title`
 * and the words as `links`.
 */
function typoCandidates(b: Binder, words: { i: number; word: string }[]): string {
  const ws = b.bind('ws');
  const list = b.bind(
    'typoWords',
    words.map((w) => w.word),
  );
  const positions = b.bind(
    'typoPositions',
    words.map((w) => w.i),
  );
  const likely = `SELECT t.term FROM search_terms t WHERE t.workspace_id = ${ws} AND t.term % u.w ORDER BY similarity(t.term, u.w) DESC, t.term LIMIT 3`;
  return `SELECT 9 AS part, NULL::text AS type, NULL::uuid AS id, u.i::text AS title, NULL::text AS snippet, 0::float8 AS score,
      NULL::timestamptz AS occurred_at, NULL::text AS kind, to_json(ARRAY(${likely})) AS links
    FROM unnest(${list}::text[], ${positions}::int[]) AS u (w, i)
    WHERE NOT EXISTS (SELECT 1 FROM search_terms t WHERE t.workspace_id = ${ws} AND t.term LIKE u.w || '%')`;
}

/** The search with each word widened to its likely typos, from the typo part's rows; undefined when no word could be corrected. */
function correctedSearch(terms: string[], typoRows: Row[]): WordSearch | undefined {
  const likely = new Map(typoRows.map((r) => [Number(r.title), (r.links ?? []) as unknown as string[]]));
  if (![...likely.values()].some((l) => l.length > 0)) return undefined;
  const alternatives = terms.map((term, i) => [term, ...(likely.get(i) ?? [])]);
  return {
    tsquery: alternatives.map((words) => `(${words.map((w) => `${w}:*`).join(' | ')})`).join(' & '),
    nameStarts: alternatives[0] ?? [],
  };
}

/** Parts joined into one statement, in order (UNION ALL keeps each part's rows together and in its order). */
const together = (parts: (string | undefined)[]) =>
  parts
    .filter((p): p is string => Boolean(p))
    .map((p) => `(${p})`)
    .join('\nUNION ALL\n');

/**
 * The global search: contacts, companies, deals and activity text in one ranked list. Matches
 * names, emails, phones and domains exactly, words by prefix ("sar" finds Sarah), small typos by
 * trigram similarity, and questions about activities by the records they are linked to.
 *
 * A search is one statement (two when a word is corrected for typos): every part — each record
 * type, activity text, activities through linked records, typo candidates — is a branch of it,
 * and the parts that depend on another's outcome are gated inside it (a condition evaluated once,
 * before the part would start) rather than decided by another round trip.
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
  const raw = input.q.trim();
  const phoneLike = /^[+\d\s().-]{6,}$/.test(raw);
  // Every match here has an index (text, trigram, email, phone, time order); a prefix is often
  // misjudged as common, and a full scan of a million rows is never the better plan. Nor is a
  // parallel one, or one compiled (JIT): every read here is bounded, and starting workers or a
  // compiler costs more than it saves. The workspace's phone region comes with the settings.
  const prep = await ctx.tx.query<{ settings: { phoneRegion?: string } | null }>(
    `SELECT set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true),
       ${phoneLike ? '(SELECT settings FROM workspaces WHERE id = $1)' : 'NULL::jsonb'} AS settings`,
    phoneLike ? [ctx.workspaceId] : [],
  );
  const region = prep.rows[0]?.settings?.phoneRegion ?? defaultWorkspaceSettings.phoneRegion;
  const exact: Exact = {
    email: normaliseEmail(raw),
    phone: phoneLike ? normalisePhone(raw, region) : undefined,
    domain: raw.includes('.') && !raw.includes('@') ? normaliseDomain(raw) : undefined,
  };
  const looksExact = Boolean(exact.email || exact.phone || exact.domain) || /^[+\d\s().-]+$/.test(raw);
  const entityTypes = (['contact', 'company', 'deal'] as const).filter((type) => types.has(type));
  const asTyped: WordSearch = { tsquery: prefixQuery(parsed.terms), nameStarts: parsed.terms.slice(0, 1) };

  const known = { ws: ctx.workspaceId, limit: input.limit, tsq: asTyped.tsquery, starts: asTyped.nameStarts };
  const b = new Binder(known);
  // Bound when first used: a part left out must leave no parameter behind.
  const asTypedWords = {
    get tsquery() {
      return b.bind('tsq');
    },
    get starts() {
      return b.bind('starts');
    },
  };
  let sql: string;
  if (looksExact) {
    // An email, phone number or domain is looked up first; its words (a domain is in every
    // address of a company, "example" in a million emails) are searched only when the lookup
    // finds nothing. It is looked up, not searched for in notes.
    const exactParts = together(entityTypes.map((type) => entityPart(b, type, parsed, exact, null)));
    const wordParts = together(entityTypes.map((type) => entityPart(b, type, parsed, exact, asTypedWords)));
    sql = exactParts
      ? `WITH found AS MATERIALIZED (${exactParts})
         (SELECT * FROM found) UNION ALL (SELECT * FROM (${wordParts}) w WHERE NOT EXISTS (SELECT 1 FROM found))`
      : wordParts;
  } else {
    const parts = together([
      ...entityTypes.map((type) => entityPart(b, type, parsed, exact, asTypedWords)),
      // Only a question looks through linked records; a plain search shows those records themselves.
      types.has('activity') && parsed.question ? activitiesInContext(b, parsed) : undefined,
      types.has('activity') ? activitiesByText(b, parsed) : undefined,
    ]);
    // Typos are looked for only when a short search found too little as typed.
    const typoWords =
      parsed.question || entityTypes.length === 0
        ? []
        : parsed.terms.map((term, i) => ({ i, word: term.replace(/[^\p{L}]/gu, '') })).filter((w) => w.word.length >= 4);
    sql =
      typoWords.length > 0
        ? `WITH found AS MATERIALIZED (${parts})
           (SELECT * FROM found) UNION ALL (SELECT * FROM (${typoCandidates(b, typoWords)}) t WHERE (SELECT count(*) FROM found) < ${b.bind('limit')})`
        : parts;
  }
  const res = sql ? await ctx.tx.query<Row>(sql, b.params.values) : { rows: [] as Row[] };
  const found = res.rows.filter((r) => r.part !== 9);
  // Activities found through linked records come first; those found by text only when new.
  const inContext = new Set(found.filter((r) => r.part === 4).map((r) => r.id));
  const rows = found.filter((r) => r.part !== 5 || !inContext.has(r.id));
  const typoRows = res.rows.filter((r) => r.part === 9);
  const corrected = typoRows.length > 0 ? correctedSearch(parsed.terms, typoRows) : undefined;
  if (corrected && entityTypes.length > 0) {
    const c = new Binder(known);
    const words = {
      get tsquery() {
        return c.bind('correctedTsq', corrected.tsquery);
      },
      get starts() {
        return c.bind('correctedStarts', corrected.nameStarts);
      },
    };
    const again = await ctx.tx.query<Row>(together(entityTypes.map((type) => entityPart(c, type, parsed, exact, words))), c.params.values);
    const seen = new Set(rows.map((r) => r.id));
    rows.push(...again.rows.filter((r) => !seen.has(r.id)));
  }
  // Stable: equal scores keep their order (for activities in a question, newest first).
  const ranked = rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => Number(y.r.score) - Number(x.r.score) || x.i - y.i)
    .slice(0, input.limit)
    .map((x) => x.r);
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
      links: r.links ?? [],
    })),
  };
}
