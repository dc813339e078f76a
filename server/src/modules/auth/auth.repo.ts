import type { Queryable } from '../../db/database.ts';

/** A user row as stored (password hash included; never presented). */
export type UserRow = {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
  updated_at: Date;
};

/** A live session joined with its user. */
export type SessionRow = {
  id: string;
  user_id: string;
  csrf_token: string;
  last_seen_at: Date;
  expires_at: Date;
};

/** Finds a user by normalised email. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [email]);
  return res.rows[0];
}

/** Finds a user by id. */
export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return res.rows[0];
}

/** Inserts a user. */
export async function insertUser(db: Queryable, user: { id: string; email: string; name: string; passwordHash: string }): Promise<UserRow> {
  const res = await db.query<UserRow>('INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING *', [
    user.id,
    user.email,
    user.name,
    user.passwordHash,
  ]);
  return res.rows[0] as UserRow;
}

/** Replaces a user's password hash. */
export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [userId, passwordHash]);
}

/** Changes a user's name and/or password hash (null keeps the stored value); returns the row as it now is. */
export async function updateUserProfile(
  db: Queryable,
  userId: string,
  change: { name: string | null; passwordHash: string | null },
): Promise<UserRow | undefined> {
  const res = await db.query<UserRow>(
    `UPDATE users SET name = coalesce($2, name), password_hash = coalesce($3, password_hash), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [userId, change.name, change.passwordHash],
  );
  return res.rows[0];
}

/** Stores a new session (the token only as its hash). */
export async function insertSession(
  db: Queryable,
  s: { id: string; tokenHash: string; userId: string; csrfToken: string; ip: string; userAgent: string | null; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id, token_hash, user_id, csrf_token, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [s.id, s.tokenHash, s.userId, s.csrfToken, s.ip, s.userAgent, s.expiresAt],
  );
}

/** The unexpired, unrevoked session whose token has this hash. */
export async function findLiveSession(db: Queryable, tokenHash: string): Promise<SessionRow | undefined> {
  const res = await db.query<SessionRow>(
    `SELECT id, user_id, csrf_token, last_seen_at, expires_at FROM sessions
     WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [tokenHash],
    { prepare: true },
  );
  return res.rows[0];
}

/** Marks a session as seen now (called at most once a minute per session). */
export async function touchSession(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [id]);
}

/** Revokes one of a user's sessions; returns whether it existed. */
export async function revokeSession(db: Queryable, userId: string, sessionId: string): Promise<boolean> {
  const res = await db.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [
    sessionId,
    userId,
  ]);
  return res.rowCount > 0;
}

/** Revokes every live session of a user, optionally keeping one. */
export async function revokeAllSessions(db: Queryable, userId: string, exceptId?: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2', [
    userId,
    exceptId ?? null,
  ]);
}

/** A user's live sessions, newest first. */
export async function listLiveSessions(
  db: Queryable,
  userId: string,
): Promise<{ id: string; ip: string | null; user_agent: string | null; created_at: Date; last_seen_at: Date; expires_at: Date }[]> {
  const res = await db.query<{
    id: string;
    ip: string | null;
    user_agent: string | null;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  }>(
    `SELECT id, ip, user_agent, created_at, last_seen_at, expires_at FROM sessions
     WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
    [userId],
  );
  return res.rows;
}

/** Failed attempts counted for a throttle key inside the current window. */
export async function throttleFailures(
  db: Queryable,
  key: string,
  windowMinutes: number,
): Promise<{ failures: number; retryAfterSeconds: number }> {
  const res = await db.query<{ failures: number; retry_after: number }>(
    `SELECT failures, ceil(extract(epoch FROM (window_started_at + make_interval(mins => $2) - now())))::int AS retry_after
     FROM auth_throttle WHERE key = $1 AND window_started_at > now() - make_interval(mins => $2)`,
    [key, windowMinutes],
  );
  const row = res.rows[0];
  return row ? { failures: row.failures, retryAfterSeconds: Math.max(1, row.retry_after) } : { failures: 0, retryAfterSeconds: 0 };
}

/** Counts one failed attempt for a key, starting a new window when the old one has passed. */
export async function recordFailure(db: Queryable, key: string, windowMinutes: number): Promise<void> {
  await db.query(
    `INSERT INTO auth_throttle (key, failures, window_started_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN auth_throttle.window_started_at > now() - make_interval(mins => $2) THEN auth_throttle.failures + 1 ELSE 1 END,
       window_started_at = CASE WHEN auth_throttle.window_started_at > now() - make_interval(mins => $2) THEN auth_throttle.window_started_at ELSE now() END`,
    [key, windowMinutes],
  );
}

/** Forgets the failures counted for a key. */
export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
}

/** Stores a password-reset token (as its hash). */
export async function insertPasswordReset(
  db: Queryable,
  r: { id: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO password_resets (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
    r.id,
    r.userId,
    r.tokenHash,
    r.expiresAt,
  ]);
}

/** Marks an unused, unexpired reset token used and returns its user; undefined if none. */
export async function consumePasswordReset(db: Queryable, tokenHash: string): Promise<string | undefined> {
  const res = await db.query<{ user_id: string }>(
    `UPDATE password_resets SET used_at = now()
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
    [tokenHash],
  );
  return res.rows[0]?.user_id;
}
