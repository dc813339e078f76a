import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import { Button } from '../../ui/Button';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { CopyField } from './CopyField';
import { shortDate } from './options';
import { ConfirmDialog, SettingsPanel } from './SettingsSection';
import './calendar-feed.css';

/** The query key of the signed-in person's calendar feed status. */
export const calendarFeedKey = ['settings', 'calendar-feed'] as const;

/**
 * The private calendar feed of the signed-in person's tasks and meetings: create it, copy its
 * URL (shown once, since only a hash of it is kept), rotate it to a new URL, or revoke it.
 */
export function CalendarFeedPanel() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const feed = useQuery({ queryKey: calendarFeedKey, queryFn: () => unwrap(api.GET('/api/v1/me/calendar-feed')) });
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<'rotate' | 'revoke' | null>(null);

  const create = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const created = await unwrap(api.POST('/api/v1/me/calendar-feed'));
      setUrl(created.url);
      queryClient.setQueryData(calendarFeedKey, created.feed);
      toast(created.rotated ? 'New feed URL ready; the old one no longer works' : 'Calendar feed ready');
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async () => {
    await unwrap(api.DELETE('/api/v1/me/calendar-feed'));
    setUrl(null);
    await queryClient.invalidateQueries({ queryKey: calendarFeedKey });
    toast('Calendar feed revoked');
  };

  let body: ReactNode;
  if (feed.isPending) body = <Loading label="Loading calendar feed…" />;
  else if (feed.isError) body = <ErrorState error={feed.error} onRetry={() => feed.refetch()} />;
  else if (!feed.data.active) {
    body = (
      <>
        <p className="calendar-feed-text">
          Subscribe to your tasks and meetings from Google Calendar, Apple Calendar or Outlook. The feed has a private address: anyone who
          has it can read the feed, so keep it to yourself.
        </p>
        <div className="calendar-feed-actions">
          <Button variant="primary" busy={busy} onClick={create}>
            Create calendar feed
          </Button>
        </div>
      </>
    );
  } else {
    body = (
      <>
        {url ? (
          <div className="calendar-feed-url">
            <p className="alert settings-warning" role="status">
              Copy this address into your calendar app now: it is shown only once. Rotate it to get a new one.
            </p>
            <CopyField label="Calendar feed URL" value={url} copyLabel="Copy URL" />
          </div>
        ) : (
          <p className="calendar-feed-text">
            Your feed is active. Its address was shown when it was made; if you have lost it, rotate to get a new one.
          </p>
        )}
        <dl className="settings-facts">
          <dt>Address</dt>
          <dd>
            <code>…/ical/{feed.data.prefix}…</code>
          </dd>
          <dt>Created</dt>
          <dd>{shortDate(feed.data.createdAt)}</dd>
          <dt>Last read</dt>
          <dd>{feed.data.lastUsedAt ? shortDate(feed.data.lastUsedAt) : 'Not yet read by a calendar app'}</dd>
        </dl>
        <div className="calendar-feed-actions">
          <Button busy={busy} onClick={() => setConfirming('rotate')}>
            Rotate URL
          </Button>
          <Button variant="ghost" className="btn-danger" onClick={() => setConfirming('revoke')}>
            Revoke
          </Button>
        </div>
      </>
    );
  }

  return (
    <SettingsPanel title="Calendar feed">
      <div className="panel-body">
        {failure ? (
          <p className="alert" role="alert">
            {failure}
          </p>
        ) : null}
        {body}
      </div>
      <ConfirmDialog
        open={confirming === 'rotate'}
        title="Rotate calendar feed URL"
        confirmLabel="Rotate URL"
        onClose={() => setConfirming(null)}
        onConfirm={create}
      >
        <p>Calendars subscribed to the current address stop updating. You will get a new address to subscribe to.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === 'revoke'}
        title="Revoke calendar feed"
        confirmLabel="Revoke feed"
        onClose={() => setConfirming(null)}
        onConfirm={revoke}
      >
        <p>Calendars subscribed to this feed stop updating at once. You can create a new feed later.</p>
      </ConfirmDialog>
    </SettingsPanel>
  );
}
