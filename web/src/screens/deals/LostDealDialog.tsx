import { type FormEvent, useCallback } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { TextArea } from '../../ui/Field';
import { useFormAction } from '../../ui/useFormAction';
import type { Deal } from './board';
import { invalidFields } from './requirements';

/** Asks why a deal was lost, then marks it lost with that reason (`onLose`). */
export function LostDealDialog({
  deal,
  onLose,
  onClose,
}: {
  deal: Deal | null;
  onLose: (deal: Deal, reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const lose = useCallback(
    async (reason: string) => {
      if (!deal) return;
      if (reason === '') {
        throw invalidFields([{ field: 'lostReason', message: 'Say why it was lost; it helps the next one' }]);
      }
      await onLose(deal, reason);
    },
    [deal, onLose],
  );
  const { run, busy, errors, message } = useFormAction(lose);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(String(new FormData(event.currentTarget).get('lostReason') ?? '').trim());
  };
  return (
    <Dialog open={deal !== null} title="Mark as lost" onClose={onClose}>
      {deal ? (
        <form className="form" onSubmit={onSubmit} noValidate>
          {message ? (
            <p className="alert" role="alert">
              {message}
            </p>
          ) : null}
          <TextArea
            label="Lost reason"
            name="lostReason"
            placeholder="Went with a competitor, no budget this year…"
            error={errors.lostReason}
          />
          <div className="form-actions">
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" busy={busy}>
              Mark lost
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
