import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { type Pipeline, parseAmount } from './board';
import { dealKeys, useWorkspaceCurrency } from './deals.api';
import { invalidFields } from './requirements';

type NewDeal = { name: string; amount: string; currency: string; stageId: string };

/** Creates a deal in a stage of `pipeline`, then shows it on the board (or opens it, with `openAfter`). */
export function NewDealDialog({
  open,
  pipeline,
  onClose,
  openAfter = false,
}: {
  open: boolean;
  pipeline: Pipeline | undefined;
  onClose: () => void;
  openAfter?: boolean;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const workspaceCurrency = useWorkspaceCurrency();
  const create = useCallback(
    async (input: NewDeal) => {
      const currency = input.currency.toUpperCase() || workspaceCurrency;
      const amount = parseAmount(input.amount, currency);
      if (Number.isNaN(amount)) {
        throw invalidFields([{ field: 'amount', message: `Enter an amount in ${currency}, like 12500` }]);
      }
      const deal = await unwrap(
        api.POST('/api/v1/deals', {
          body: {
            name: input.name,
            currency,
            ...(amount === null ? {} : { amount }),
            ...(pipeline ? { pipelineId: pipeline.id } : {}),
            ...(input.stageId ? { stageId: input.stageId } : {}),
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: dealKeys.all });
      toast(`${deal.name ?? 'Deal'} created`);
      onClose();
      if (openAfter) navigate(`/deals/${deal.id}`);
    },
    [pipeline, workspaceCurrency, queryClient, toast, onClose, openAfter, navigate],
  );
  const { run, busy, errors, message } = useFormAction(create);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? '').trim();
    void run({ name: text('name'), amount: text('amount'), currency: text('currency'), stageId: text('stageId') });
  };
  const stages = [...(pipeline?.stages ?? [])].sort((a, b) => a.position - b.position);
  return (
    <Dialog open={open} title="New deal" onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Deal name" name="name" autoComplete="off" placeholder="Acme — 50 seats" error={errors.name} />
        <div className="form-row">
          <Input label="Amount" name="amount" inputMode="decimal" autoComplete="off" placeholder="12500" error={errors.amount} />
          <Input
            label="Currency"
            name="currency"
            autoComplete="off"
            defaultValue={workspaceCurrency}
            maxLength={3}
            error={errors.currency}
          />
        </div>
        <Select
          label="Stage"
          name="stageId"
          defaultValue={stages[0]?.id}
          options={stages.map((s) => ({ value: s.id, label: `${s.name} · ${s.probability} %` }))}
          error={errors.stageId}
        />
        {Object.keys(errors).some((f) => !['name', 'amount', 'currency', 'stageId'].includes(f)) ? (
          <p className="alert" role="alert">
            {stages.length > 0 ? 'This stage needs more fields than a new deal has; create it in an earlier stage, then move it.' : ''}
          </p>
        ) : null}
        <div className="form-actions">
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Create deal
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
