import { useEffect, useSyncExternalStore } from 'react';

/**
 * Whether the first screen has shown what it opened for (a list its first rows). Until then the
 * requests it does not need (notifications, the sidebar's saved views, the palette's pipelines)
 * and the other screens' chunks wait, so they take neither the server nor the browser's few
 * connections from the first rows.
 */
let shown = false;
const listeners = new Set<() => void>();

/** Says the first screen is shown; what waited for it starts. Later calls do nothing. */
export function markFirstScreenShown(): void {
  if (shown) return;
  shown = true;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the first screen is shown (then for good). */
export function useFirstScreenShown(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => shown,
    () => shown,
  );
}

/** Marks the first screen shown once `ready` is true (after that render reaches the screen). */
export function useMarkFirstScreenShown(ready: boolean): void {
  useEffect(() => {
    if (ready) markFirstScreenShown();
  }, [ready]);
}

/** Screens that do not mark themselves: the first screen counts as shown this long after the shell appears. */
export const FIRST_SCREEN_FALLBACK_MS = 1500;
