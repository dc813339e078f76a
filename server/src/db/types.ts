import pg from 'pg';

// Values read from either database go through node-postgres's type parsers (pg-client.ts uses
// them as they are; pglite-client.ts applies them to the embedded database's messages), so a
// column reads the same on both.

// bigint columns (counts, sums) come back as JavaScript numbers.
pg.types.setTypeParser(20, (v) => Number(v));
// Dates (no time) stay 'YYYY-MM-DD' strings instead of local-midnight Date objects.
pg.types.setTypeParser(1082, (v) => v);

/** The parser of a column of type `oid` sent as text. */
export function textParser(oid: number): (value: string) => unknown {
  return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
}
