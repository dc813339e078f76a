import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { icons } from '../../ui/icons';
import { ErrorState, Loading } from '../../ui/States';
import { usePopover } from '../../ui/usePopover';
import { formatRelative } from '../contacts/format';
import { useFirstScreenShown } from './firstScreen';

const notificationsKey = ['notifications'] as const;

/** The bell with the unread count; opening it lists the latest notifications (task reminders). */
export function NotificationsBell() {
  const { open, setOpen, anchor } = usePopover();
  const queryClient = useQueryClient();
  const notifications = useQuery({
    queryKey: notificationsKey,
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })),
    refetchInterval: 60_000,
    // Not before the first screen's own requests; opening the bell asks at once.
    enabled: useFirstScreenShown() || open,
  });
  const readAll = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
  });
  const unread = notifications.data?.unreadCount ?? 0;

  return (
    <div className="popover-anchor" ref={anchor}>
      <button
        type="button"
        className="btn btn-ghost btn-icon"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {icons.bell}
        {unread > 0 ? <span className="badge">{unread > 99 ? '99+' : unread}</span> : null}
      </button>
      {open ? (
        <div className="popover" role="dialog" aria-label="Notifications" style={{ width: 320 }}>
          {notifications.isPending ? (
            <Loading />
          ) : notifications.isError ? (
            <ErrorState error={notifications.error} onRetry={() => notifications.refetch()} />
          ) : notifications.data.data.length === 0 ? (
            <p className="menu-caption">No notifications yet. Task reminders show up here.</p>
          ) : (
            <>
              {notifications.data.data.map((n) => (
                <div key={n.id} className={n.readAt ? 'notification' : 'notification notification-unread'}>
                  <div>{n.title}</div>
                  <div className="timeline-meta">{formatRelative(n.createdAt)}</div>
                </div>
              ))}
              {unread > 0 ? (
                <button type="button" className="menu-item" onClick={() => readAll.mutate()} disabled={readAll.isPending}>
                  Mark all as read
                </button>
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
