import type { components } from '../../api/schema';

/** A deal as the API shows it. */
export type Deal = components['schemas']['Deal'];
/** A pipeline with its ordered stages. */
export type Pipeline = components['schemas']['Pipeline'];
/** One stage of a pipeline. */
export type Stage = components['schemas']['PipelineStage'];

/** The sums of one currency in a column: amounts, and amounts weighted by probability. */
export type CurrencyTotal = { currency: string; amount: number; weighted: number };

/** What a stage column shows: its deals, how many, and their totals per currency. */
export type Column = { stage: Stage; deals: Deal[]; count: number; totals: CurrencyTotal[] };

/**
 * The totals of `deals` per currency, largest amount first. Amounts are integer minor units,
 * so the sums stay exact; deals without an amount count as nothing.
 */
export function currencyTotals(deals: readonly Deal[], fallbackCurrency = 'USD'): CurrencyTotal[] {
  const byCurrency = new Map<string, CurrencyTotal>();
  for (const deal of deals) {
    if (deal.amount === null || deal.amount === undefined) continue;
    const currency = deal.currency ?? fallbackCurrency;
    const total = byCurrency.get(currency) ?? { currency, amount: 0, weighted: 0 };
    total.amount += deal.amount;
    total.weighted += deal.weightedAmount ?? 0;
    byCurrency.set(currency, total);
  }
  return [...byCurrency.values()].sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
}

/** The board of a pipeline: one column per stage in stage order, each with its deals (longest in the stage first). */
export function boardColumns(pipeline: Pipeline, deals: readonly Deal[]): Column[] {
  const stages = [...pipeline.stages].sort((a, b) => a.position - b.position);
  return stages.map((stage) => {
    const inStage = deals
      .filter((d) => d.stageId === stage.id && (d.status ?? 'open') === 'open')
      .sort((a, b) => (a.stageEnteredAt ?? '').localeCompare(b.stageEnteredAt ?? '') || a.id.localeCompare(b.id));
    return { stage, deals: inStage, count: inStage.length, totals: currencyTotals(inStage) };
  });
}

/**
 * The deal as it will look once moved to `stage`, shown before the API answers: the stage's
 * probability unless the deal overrides it, the weighted amount from that, a fresh stay (so
 * not rotten).
 */
export function movedDeal(deal: Deal, stage: Stage, now = new Date()): Deal {
  const probability = deal.probabilityOverridden ? (deal.probability ?? stage.probability) : stage.probability;
  const amount = deal.amount ?? null;
  return {
    ...deal,
    stageId: stage.id,
    stageEnteredAt: now.toISOString(),
    probability,
    weightedAmount: amount === null ? null : Math.round((amount * probability) / 100),
    rotten: false,
  };
}

/** `deals` with `deal` in place of the one with its id (used to apply a move, an answer or a rollback). */
export function replaceDeal(deals: readonly Deal[], deal: Deal): Deal[] {
  return deals.map((d) => (d.id === deal.id ? deal : d));
}

/** `deals` without the one with `id` (a deal won, lost or deleted leaves the open board). */
export function removeDeal(deals: readonly Deal[], id: string): Deal[] {
  return deals.filter((d) => d.id !== id);
}

/**
 * The fields a 422 `stage_requirements` problem says are missing, without their location
 * prefix: `body.amount` → `amount`, `body.custom.budget` → `custom.budget`.
 */
export function missingFields(problem: { code?: string; errors?: { field: string }[] | null } | null | undefined): string[] {
  if (problem?.code !== 'stage_requirements') return [];
  return [...new Set((problem.errors ?? []).map((e) => e.field.replace(/^body\./, '')))];
}

/** How many minor units a currency's major unit has (2 for USD, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An amount typed by a person ("12,500.50", "12500") in integer minor units of `currency`;
 * null when empty, NaN when it is not a number.
 */
export function parseAmount(typed: string, currency: string): number | null {
  const cleaned = typed.replace(/[\s,_]/g, '');
  if (cleaned === '') return null;
  if (!/^-?\d*(\.\d*)?$/.test(cleaned) || cleaned === '.' || cleaned === '-') return Number.NaN;
  return Math.round(Number(cleaned) * 10 ** minorDigits(currency));
}

/** Minor units back into the major-unit number a person edits ("12500.5"); empty for none. */
export function amountInput(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '';
  return String(minor / 10 ** minorDigits(currency));
}

/** An amount in minor units as money in its currency ("€12,500"); cents shown only when there are any. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: Number.isInteger(major) ? 0 : digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major} ${currency}`;
  }
}

/** Whole days a deal has been in its stage (0 on the day it entered). */
export function daysInStage(deal: Deal, now = Date.now()): number {
  if (!deal.stageEnteredAt) return 0;
  return Math.max(0, Math.floor((now - new Date(deal.stageEnteredAt).getTime()) / 86_400_000));
}

/** A stay's length in words: "3 d 4 h", "5 h 10 min", "2 min". */
export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${Math.max(minutes, seconds > 0 ? 1 : 0)} min`;
}

/** Where the board's deals are kept (the query cache), read and written by an optimistic move. */
export type DealStore = { read: () => readonly Deal[]; write: (deals: Deal[]) => void };

/**
 * Moves `deal` to `stage` on the board at once, then sends the move. The API's answer replaces
 * the optimistic deal; a failure puts back only this deal as it was (other moves made meanwhile
 * stay) and rethrows, so the caller can say why or ask for a stage's required fields.
 */
export async function moveOptimistically(store: DealStore, deal: Deal, stage: Stage, send: () => Promise<Deal>): Promise<Deal> {
  store.write(replaceDeal(store.read(), movedDeal(deal, stage)));
  try {
    const saved = await send();
    store.write(replaceDeal(store.read(), saved));
    return saved;
  } catch (err) {
    store.write(replaceDeal(store.read(), deal));
    throw err;
  }
}
