/** Words a question is made of that say nothing about what to find ("what did … say in her …"). */
const stopwords = new Set(
  (
    'a about after all an and any are as at be before but by can could did do does for from had has have he her hers him his how i ' +
    'in into is it its me my of on or our say said says she should so tell than that the their them then there they this to told ' +
    'us was we were what when where which who whom why will with would you your show find me give get last latest recent newest ' +
    'most previous'
  ).split(' '),
);

/** Words that ask for the newest first. */
const recencyWords = new Set(['last', 'latest', 'recent', 'newest', 'most', 'previous']);

/** Words naming a kind of activity. */
const kindWords: Record<string, 'note' | 'call' | 'email' | 'meeting'> = {
  note: 'note',
  notes: 'note',
  call: 'call',
  calls: 'call',
  called: 'call',
  phoned: 'call',
  email: 'email',
  emails: 'email',
  emailed: 'email',
  mail: 'email',
  meeting: 'meeting',
  meetings: 'meeting',
  met: 'meeting',
};

/** A search request understood: the terms to match, and what a question asked for besides. */
export type ParsedSearch = {
  /** The text as typed, trimmed and lower-cased (for exact and fuzzy matches). */
  text: string;
  /** The words every hit must match (as prefixes). */
  terms: string[];
  /** The activity kinds a question named ("call", "meeting"), if any. */
  kinds: ('note' | 'call' | 'email' | 'meeting')[];
  /** Whether a question asked for the newest ("last call"). */
  newestFirst: boolean;
  /** Whether it reads as a question (three words or more) rather than a name or a phrase. */
  question: boolean;
};

/**
 * Splits a search into words. A short search (one or two words) is taken as typed; a longer
 * one is read as a question: filler words are dropped, activity kinds and "last" are noted.
 * @example parseSearch('what did Sarah say in her last call with Acme') // terms ['sarah', 'acme'], kinds ['call'], newestFirst
 */
export function parseSearch(raw: string): ParsedSearch {
  const text = raw.trim().toLowerCase();
  const words = wordsOf(text);
  // An email, a domain, a phone number or a name is not a question, however many parts it has.
  const spoken = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (spoken.length <= 2) return { text, terms: words, kinds: [], newestFirst: false, question: false };
  const kinds = [...new Set(words.flatMap((w) => (kindWords[w] ? [kindWords[w]] : [])))];
  const terms = words.filter((w) => !stopwords.has(w) && !kindWords[w]);
  return {
    text,
    terms: terms.length > 0 ? terms : words,
    kinds,
    newestFirst: words.some((w) => recencyWords.has(w)),
    question: true,
  };
}

/** The words of a search as typed: runs of letters and digits, lower-cased. */
export function wordsOf(raw: string): string[] {
  return raw
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** A tsquery matching every term as a prefix: `sar:* & acm:*`. Terms are letters and digits only. */
export function prefixQuery(terms: string[]): string {
  return terms.map((t) => `${t}:*`).join(' & ');
}
