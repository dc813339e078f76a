import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, currentWorkspaceId, setCsrfToken, setWorkspaceId, unwrap } from './api/client';
import { ApiError } from './api/problem';
import type { components } from './api/schema';

/** Who is signed in, in which workspace, and the other workspaces they belong to. */
export type Me = components['schemas']['Me'];

/** A successful sign-in, sign-up or invitation acceptance. */
export type SessionStart = components['schemas']['SessionStart'];

const HAS_ACCOUNT_KEY = 'rapport.signedInBefore';

/** The query key of GET /me; everything else is keyed under the workspace so a switch refetches it. */
export const meKey = ['me'] as const;

/** The current session, or null when nobody is signed in (a 401). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      for (;;) {
        try {
          const me = await unwrap(api.GET('/api/v1/me'));
          setCsrfToken(me.csrfToken);
          return me;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // A remembered workspace the user has since left: fall back to their first one.
          if (err.code === 'not_found' && currentWorkspaceId()) {
            setWorkspaceId(null);
            continue;
          }
          if (err.status === 401 || err.code === 'not_found') return null;
          throw err;
        }
      }
    },
    staleTime: 60_000,
  });
}

/** Whether this browser has signed in before: a first visit lands on sign-up, later ones on log-in. */
export function signedInBefore(): boolean {
  try {
    return localStorage.getItem(HAS_ACCOUNT_KEY) === '1';
  } catch {
    return false;
  }
}

/** Starts using a new session: keeps its CSRF token and workspace, and reloads what depends on them. */
export function useStartSession() {
  const queryClient = useQueryClient();
  return useCallback(
    async (session: SessionStart) => {
      setCsrfToken(session.csrfToken);
      setWorkspaceId(session.workspace.id);
      try {
        localStorage.setItem(HAS_ACCOUNT_KEY, '1');
      } catch {
        // Only decides which form a later visit opens on.
      }
      queryClient.clear();
      await queryClient.fetchQuery({ queryKey: meKey, queryFn: () => unwrap(api.GET('/api/v1/me')) });
    },
    [queryClient],
  );
}

/** Switches the workspace every request acts in, dropping the previous workspace's cached data. */
export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useCallback(
    (workspaceId: string) => {
      setWorkspaceId(workspaceId);
      queryClient.clear();
    },
    [queryClient],
  );
}

/** Signs out: ends the session on the server and forgets everything cached for it. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await unwrap(api.POST('/api/v1/auth/logout'));
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(meKey, null);
  }, [queryClient]);
}
