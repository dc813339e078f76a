import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { shortDate } from './options';
import { SettingsPanel } from './SettingsSection';

type Session = components['schemas']['Session'];

/** The query key of the signed-in person's sessions (a password change ends the others). */
export const sessionsKey = ['settings', 'sessions'] as const;

/** "Chrome on Linux" from a user agent, or the raw text when it is not recognised. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (!browser) return userAgent.slice(0, 60);
  return system ? `${browser} on ${system}` : browser;
}

/** Where the person is signed in, with a way to sign out elsewhere. */
export function SessionsPanel() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: async () => (await unwrap(api.GET('/api/v1/sessions'))).data });
  const signOut = useMutation({
    mutationFn: (session: Session | 'others') =>
      session === 'others'
        ? unwrap(api.DELETE('/api/v1/sessions'))
        : unwrap(api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: session.id } } })),
    onSuccess: (_, session) => toast(session === 'others' ? 'Signed out everywhere else' : 'That session is signed out'),
    onError: (err) => toast(errorMessage(err), 'error'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
  const others = sessions.data?.filter((s) => !s.current) ?? [];
  return (
    <SettingsPanel title="Where you are signed in">
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : (
        <>
          <ul className="settings-list" aria-label="Sessions">
            {sessions.data.map((s) => (
              <li key={s.id} className="settings-row">
                <div className="settings-row-main">
                  <span className="settings-row-title">
                    {deviceName(s.userAgent)} {s.current ? <span className="settings-tag">This browser</span> : null}
                  </span>
                  <span className="settings-row-meta">
                    {s.ip ?? 'unknown address'} · signed in {shortDate(s.createdAt)} · last seen {shortDate(s.lastSeenAt)}
                  </span>
                </div>
                {s.current ? null : (
                  <div className="settings-row-actions">
                    <Button size="sm" variant="ghost" aria-label={`Sign out ${deviceName(s.userAgent)}`} onClick={() => signOut.mutate(s)}>
                      Sign out
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
          {others.length > 0 ? (
            <div className="panel-body settings-panel-foot">
              <Button busy={signOut.isPending} onClick={() => signOut.mutate('others')}>
                Sign out all other sessions
              </Button>
            </div>
          ) : null}
        </>
      )}
    </SettingsPanel>
  );
}
