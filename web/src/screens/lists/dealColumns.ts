import type { FilterField } from '../../ui/FilterBuilder';
import type { Option } from '../../ui/ValueInput';
import { formatDate } from '../contacts/format';
import { type Deal, formatMoney, type Pipeline } from '../deals/board';
import { fieldEdit, moneyText, sentValue } from './editors';
import type { ListColumn } from './fields';

const statusOptions: Option[] = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];

const statusLabel = (status: string | undefined) => statusOptions.find((o) => o.value === status)?.label ?? status ?? '';

/** Each stage of every pipeline, named with its pipeline when there is more than one. */
export function stageOptions(pipelines: readonly Pipeline[]): Option[] {
  return pipelines.flatMap((p) =>
    [...p.stages]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ value: s.id, label: pipelines.length > 1 ? `${p.name} · ${s.name}` : s.name })),
  );
}

/** The deal fields filters apply to; stages and pipelines are named from the workspace's pipelines. */
export function dealFilterFields(pipelines: readonly Pipeline[]): FilterField[] {
  return [
    { key: 'name', label: 'Name', kind: 'text' },
    // Amounts are typed in major units (12,500) and compared in minor units, as the API stores them.
    { key: 'amount', label: 'Amount', kind: 'number', scale: 100 },
    { key: 'weightedAmount', label: 'Weighted amount', kind: 'number', scale: 100 },
    { key: 'currency', label: 'Currency', kind: 'text' },
    { key: 'stageId', label: 'Stage', kind: 'select', options: stageOptions(pipelines) },
    { key: 'pipelineId', label: 'Pipeline', kind: 'select', options: pipelines.map((p) => ({ value: p.id, label: p.name })) },
    { key: 'status', label: 'Status', kind: 'select', options: statusOptions },
    { key: 'probability', label: 'Probability', kind: 'number' },
    { key: 'expectedCloseDate', label: 'Expected close', kind: 'date' },
    { key: 'rotten', label: 'Rotten', kind: 'boolean' },
    { key: 'lostReason', label: 'Lost reason', kind: 'text' },
    { key: 'closedAt', label: 'Closed', kind: 'datetime' },
    { key: 'stageEnteredAt', label: 'Entered stage', kind: 'datetime' },
    { key: 'lastActivityAt', label: 'Last activity', kind: 'datetime' },
    { key: 'createdAt', label: 'Created', kind: 'datetime' },
    { key: 'updatedAt', label: 'Updated', kind: 'datetime' },
  ];
}

/** The standard columns of the deals list; a deal's stage is chosen among its own pipeline's stages. */
export function dealColumns(pipelines: readonly Pipeline[]): ListColumn<Deal>[] {
  const stageNames = new Map(stageOptions(pipelines).map((o) => [o.value, o.label]));
  const stagesOf = (deal?: Deal): Option[] => stageOptions(pipelines.filter((p) => p.id === deal?.pipelineId));
  return [
    {
      key: 'name',
      header: 'Name',
      width: 'minmax(200px, 1.5fr)',
      sortable: true,
      text: (d) => d.name ?? '',
      edit: fieldEdit('name', 'text', (d) => d.name ?? '', { bulk: false }),
    },
    {
      key: 'amount',
      header: 'Amount',
      width: '130px',
      sortable: true,
      text: (d) => (d.amount === null || d.amount === undefined ? '' : formatMoney(d.amount, d.currency ?? 'USD')),
      edit: {
        kind: 'money',
        value: (d) => moneyText(d.amount, d.currency ?? 'USD'),
        // Deals differ in currency, so one amount for many makes no sense.
        bulk: false,
        patch: (value, d) => ({ amount: sentValue('money', value, d?.currency ?? 'USD') }),
      },
    },
    {
      key: 'stageId',
      header: 'Stage',
      width: 'minmax(130px, 1fr)',
      sortable: true,
      text: (d) => stageNames.get(d.stageId ?? '') ?? '',
      edit: fieldEdit('stageId', 'select', (d) => d.stageId ?? '', { bulk: false, choices: stagesOf }),
    },
    {
      key: 'status',
      header: 'Status',
      width: '100px',
      sortable: true,
      text: (d) => statusLabel(d.status),
      edit: fieldEdit('status', 'select', (d) => d.status ?? '', { choices: () => statusOptions }),
    },
    {
      key: 'expectedCloseDate',
      header: 'Expected close',
      width: '140px',
      sortable: true,
      text: (d) => formatDate(d.expectedCloseDate),
      edit: fieldEdit('expectedCloseDate', 'date', (d) => d.expectedCloseDate ?? ''),
    },
    {
      key: 'probability',
      header: 'Probability',
      width: '110px',
      sortable: true,
      text: (d) => (d.probability === undefined ? '' : `${d.probability} %`),
      edit: fieldEdit('probability', 'number', (d) => (d.probabilityOverridden ? String(d.probability ?? '') : '')),
    },
    {
      key: 'weightedAmount',
      header: 'Weighted',
      width: '120px',
      sortable: true,
      text: (d) => (d.weightedAmount === null || d.weightedAmount === undefined ? '' : formatMoney(d.weightedAmount, d.currency ?? 'USD')),
    },
    {
      key: 'createdAt',
      header: 'Created',
      width: '120px',
      sortable: true,
      text: (d) => formatDate(d.createdAt),
    },
    {
      key: 'updatedAt',
      header: 'Updated',
      width: '120px',
      sortable: true,
      text: (d) => formatDate(d.updatedAt),
    },
  ];
}
