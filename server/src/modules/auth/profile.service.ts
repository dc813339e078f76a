import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  clearFailures,
  findUserById,
  recordFailure,
  revokeAllSessions,
  throttleFailures,
  type UserRow,
  updateUserProfile,
} from './auth.repo.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** A change to the signed-in person's own profile: a new name, a new password (with the current one), or both. */
export type ProfileChange = { name?: string; currentPassword?: string; newPassword?: string };

/** Who asks for the change: the user and the session they are using (kept signed in after a password change). */
export type ProfileActor = { userId: string; sessionId: string | null };

// Failed current-password checks count under their own key, so guessing from a stolen session is
// throttled like sign-in without locking the account's sign-in itself.
const throttleKey = (userId: string) => `password-change:${userId}`;

async function refuseWhenThrottled(deps: Deps, userId: string): Promise<void> {
  const t = await throttleFailures(deps.db, throttleKey(userId), deps.config.loginWindowMinutes);
  if (t.failures >= deps.config.loginMaxFailures) {
    throw new AppError('rate_limited', 'Too many wrong current passwords; wait before trying again', undefined, {
      'retry-after': String(t.retryAfterSeconds),
    });
  }
}

/** Checks the current password of a password change; a wrong one is a field error that changes nothing. */
async function checkCurrentPassword(deps: Deps, user: UserRow, currentPassword: string | undefined): Promise<void> {
  if (!currentPassword) {
    throw new AppError('validation_failed', 'Enter your current password to choose a new one', [
      { field: 'body.currentPassword', message: 'Required to change your password', code: 'required' },
    ]);
  }
  await refuseWhenThrottled(deps, user.id);
  if (!(await verifyPassword(user.password_hash, currentPassword))) {
    await recordFailure(deps.db, throttleKey(user.id), deps.config.loginWindowMinutes);
    throw new AppError('validation_failed', 'The current password is not right', [
      { field: 'body.currentPassword', message: 'Not your current password', code: 'incorrect_password' },
    ]);
  }
  await clearFailures(deps.db, throttleKey(user.id));
}

/**
 * Renames the signed-in user or changes their password. A new password needs the current one
 * (argon2id-verified) and signs out every other session of the account; this one stays signed in.
 */
export async function updateProfile(deps: Deps, actor: ProfileActor, change: ProfileChange): Promise<UserRow> {
  const user = await findUserById(deps.db, actor.userId);
  if (!user) throw new AppError('unauthorized', 'Sign in first');
  const passwordHash = change.newPassword === undefined ? undefined : await newPasswordHash(deps, user, change);
  return deps.db.transaction(async (tx) => {
    const updated = await updateUserProfile(tx, user.id, { name: change.name ?? null, passwordHash: passwordHash ?? null });
    if (!updated) throw new AppError('unauthorized', 'Sign in first');
    if (passwordHash) await revokeAllSessions(tx, user.id, actor.sessionId ?? undefined);
    return updated;
  });
}

async function newPasswordHash(deps: Deps, user: UserRow, change: ProfileChange): Promise<string> {
  await checkCurrentPassword(deps, user, change.currentPassword);
  return hashPassword(change.newPassword as string);
}
