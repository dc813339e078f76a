/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

/** What one statement returned. */
export type QueryResult<T> = { rows: T[]; rowCount: number };

/** How one statement is run. */
export type QueryOptions = {
  /**
   * Keep the statement prepared on the connection, so later runs skip parsing and planning (a
   * plan may become generic after five runs). For short, hot reads by key, whose best plan does
   * not depend on the values; not for searches and filtered lists.
   */
  prepare?: boolean;
};

/**
 * Anything SQL can be sent to: the database itself or an open transaction. A transaction runs its
 * statements one at a time in the order they were sent, whether or not the caller waited for the
 * one before (see Pipeline).
 */
export interface Queryable {
  /** Runs one parameterised statement. */
  query<T = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
  /** Runs a parameterless script of one or more statements; returns the rows of all of them. */
  exec(text: string): Promise<Row[]>;
}

/** The data-access interface shared by embedded PGlite and a PostgreSQL server. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A database error with PostgreSQL's SQLSTATE, as both drivers report it. */
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly detail?: string,
    readonly constraint?: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

/** True when `err` is a unique-constraint violation (optionally of the named constraint). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * Statements sent on one transaction without waiting for each, so that the caller works on while
 * the database runs them in the order sent. `wait` and `settle` report the first statement that
 * failed: the ones after it fail too, but only because the transaction was aborted by then.
 */
export class Pipeline {
  private readonly sent: Promise<unknown>[] = [];

  /** Adds a sent statement (or a chain of them); its failure is reported by `wait` or `settle`. */
  add<T>(statement: Promise<T>): Promise<T> {
    // Awaited in settle(): until then, a failure is not an unhandled rejection.
    statement.catch(() => {});
    this.sent.push(statement);
    return statement;
  }

  /** The result of one sent statement; if it failed, the first failure of all those sent. */
  async wait<T>(statement: Promise<T>): Promise<T> {
    try {
      return await statement;
    } catch (err) {
      await this.settle();
      throw err;
    }
  }

  /** Waits for every statement sent, in order; throws the first failure. */
  async settle(): Promise<void> {
    for (const statement of this.sent) await statement;
  }
}
