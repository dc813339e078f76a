import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/ids.ts';
import { webhooksConsumer } from '../modules/webhooks/webhooks.delivery.ts';
import type { Consumer } from './outbox.ts';

/**
 * The event journal: a plain record of every event received, for operators checking delivery
 * (enabled with RAPPORT_EVENT_JOURNAL=true). It also writes a debug log line per event.
 */
export function eventJournal(deps: Pick<Deps, 'log'>, delayMs: number): Consumer {
  return {
    name: 'event-journal',
    accepts: () => true,
    async handle(tx, event) {
      if (delayMs > 0) await sleep(delayMs);
      await tx.query('INSERT INTO event_journal (workspace_id, id, event_id, type) VALUES ($1, $2, $3, $4)', [
        event.workspaceId,
        newId(),
        event.id,
        event.type,
      ]);
      deps.log.debug({ eventId: event.id, type: event.type }, 'event journaled');
    },
  };
}

/** The consumers this node runs, per the configuration. */
export function consumersFor(deps: Deps): Consumer[] {
  const list: Consumer[] = [webhooksConsumer(deps)];
  if (deps.config.eventJournal) list.push(eventJournal(deps, deps.config.eventJournalDelayMs));
  return list;
}
