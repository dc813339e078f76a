/**
 * JSON with object keys sorted at every level, so two equal values always serialise the same
 * (PostgreSQL's jsonb does not keep key order).
 * @example stableJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/**
 * Whether two values serialise to the same JSON, ignoring object key order (what stableJson
 * compares) without serialising them: writes compare every field of every row this way.
 * @example sameJson({ a: 1, b: [2] }, { b: [2], a: 1 }) // true
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date) return sameJson(a.toISOString(), b);
  if (b instanceof Date) return sameJson(a, b.toISOString());
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes an undefined array element as null.
    return a.every((v, i) => sameJson(v ?? null, b[i] ?? null));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // JSON leaves out undefined properties.
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => y[k] !== undefined && sameJson(x[k], y[k]));
}

const NON_ASCII = /[^\x00-\x7f]/;

/** jsonb's key order: shorter keys first (in UTF-8 bytes), then by their bytes. */
function jsonbKeyOrder(a: string, b: string): number {
  if (!NON_ASCII.test(a) && !NON_ASCII.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length - y.length || Buffer.compare(x, y);
}

/**
 * A value as a jsonb column gives it back once stored: as JSON would carry it (undefined
 * properties left out, undefined array items and non-finite numbers as null, dates and other
 * `toJSON` values as their JSON), with object keys in jsonb's order. A write that knows what it
 * stored can present the row without reading it back.
 * @example asJsonb({ plan: 'pro', a: 1, gone: undefined }) // { a: 1, plan: 'pro' }
 */
export function asJsonb<T>(value: T): T {
  return jsonbCopy(value) as T;
}

function jsonbCopy(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return jsonbCopy((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonbCopy(v)));
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  keys.sort(jsonbKeyOrder);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = jsonbCopy((value as Record<string, unknown>)[k]);
  return out;
}
