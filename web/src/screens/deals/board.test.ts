import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import {
  boardColumns,
  currencyTotals,
  type Deal,
  daysInStage,
  formatDuration,
  missingFields,
  movedDeal,
  moveOptimistically,
  type Pipeline,
  parseAmount,
  type Stage,
} from './board';
import { requirementChanges, requirementInputs } from './requirements';

const stage = (id: string, position: number, probability: number): Stage => ({
  id,
  name: id[0]?.toUpperCase() + id.slice(1),
  pipelineId: 'p',
  position,
  probability,
  requiredFields: [],
  rottenDays: null,
});
const qualified = stage('qualified', 0, 10);
const demo = stage('demo', 1, 40);
const proposal = stage('proposal', 2, 60);
const pipeline: Pipeline = {
  id: 'p',
  name: 'Sales',
  isDefault: true,
  position: 0,
  stages: [proposal, qualified, demo],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const deal = (id: string, over: Partial<Deal> = {}): Deal => ({
  id,
  name: `Deal ${id}`,
  pipelineId: 'p',
  stageId: qualified.id,
  status: 'open',
  amount: 100_00,
  currency: 'USD',
  probability: 10,
  probabilityOverridden: false,
  weightedAmount: 10_00,
  stageEnteredAt: '2026-03-01T00:00:00.000Z',
  ...over,
});

describe('board columns', () => {
  it('has one column per stage in stage order, with count, total and weighted total per currency', () => {
    const deals = [
      deal('a', { amount: 1_000_00, weightedAmount: 100_00 }),
      deal('b', { amount: 250_50, weightedAmount: 25_05 }),
      deal('c', { amount: 500_00, currency: 'EUR', weightedAmount: 50_00 }),
      deal('d', { amount: null, weightedAmount: null }),
      deal('e', { stageId: demo.id, amount: 2_000_00, probability: 40, weightedAmount: 800_00 }),
      deal('f', { stageId: demo.id, status: 'won', amount: 9_999_00 }),
    ];
    const columns = boardColumns(pipeline, deals);
    expect(columns.map((c) => c.stage.id)).toEqual(['qualified', 'demo', 'proposal']);
    expect(columns.map((c) => c.count)).toEqual([4, 1, 0]);
    expect(columns[0]?.totals).toEqual([
      { currency: 'USD', amount: 1_250_50, weighted: 125_05 },
      { currency: 'EUR', amount: 500_00, weighted: 50_00 },
    ]);
    // A won deal is not on the open board, so it counts nowhere.
    expect(columns[1]?.totals).toEqual([{ currency: 'USD', amount: 2_000_00, weighted: 800_00 }]);
    expect(columns[2]?.totals).toEqual([]);
  });

  it('lists the deals longest in the stage first', () => {
    const deals = [
      deal('new', { stageEnteredAt: '2026-03-05T00:00:00.000Z' }),
      deal('old', { stageEnteredAt: '2026-02-01T00:00:00.000Z' }),
    ];
    expect(boardColumns(pipeline, deals)[0]?.deals.map((d) => d.id)).toEqual(['old', 'new']);
  });

  it('counts deals without an amount but adds nothing for them', () => {
    expect(currencyTotals([deal('x', { amount: null, weightedAmount: null })])).toEqual([]);
  });
});

describe('moving a deal', () => {
  it('shows the stage probability and the weighted amount it gives, unless the deal overrides it', () => {
    const now = new Date('2026-03-10T12:00:00.000Z');
    expect(movedDeal(deal('a', { rotten: true }), proposal, now)).toMatchObject({
      stageId: proposal.id,
      probability: 60,
      weightedAmount: 60_00,
      stageEnteredAt: now.toISOString(),
      rotten: false,
    });
    expect(movedDeal(deal('b', { probability: 25, probabilityOverridden: true }), proposal, now)).toMatchObject({
      probability: 25,
      weightedAmount: 25_00,
    });
  });

  function store(initial: Deal[]) {
    let deals = initial;
    const seen: string[][] = [];
    return {
      read: () => deals,
      write: (next: Deal[]) => {
        deals = next;
        seen.push(next.map((d) => `${d.id}:${d.stageId}`));
      },
      get deals() {
        return deals;
      },
      seen,
    };
  }

  it('moves the card at once and keeps the answer of the API', async () => {
    const board = store([deal('a'), deal('b')]);
    let columnWhileSending: string | undefined;
    const saved = await moveOptimistically(board, deal('a'), demo, async () => {
      columnWhileSending = board.read().find((d) => d.id === 'a')?.stageId;
      return deal('a', { stageId: demo.id, probability: 40, weightedAmount: 40_00, updatedAt: 'answered' });
    });
    expect(columnWhileSending).toBe(demo.id);
    expect(saved.updatedAt).toBe('answered');
    expect(board.deals.find((d) => d.id === 'a')).toMatchObject({ stageId: demo.id, updatedAt: 'answered' });
    expect(boardColumns(pipeline, board.deals).map((c) => c.count)).toEqual([1, 1, 0]);
  });

  it('puts the deal back where it was when the API refuses, keeping other moves made meanwhile, and rethrows', async () => {
    const board = store([deal('a'), deal('b')]);
    const refusal = new ApiError({
      type: 'about:blank',
      title: 'Stage requirements',
      status: 422,
      code: 'stage_requirements',
      detail: 'A deal needs amount to enter the stage Proposal',
      errors: [{ field: 'body.amount', message: 'Required to enter the stage Proposal' }],
    });
    const attempt = moveOptimistically(board, deal('a'), proposal, async () => {
      // Another card moves while this one is in flight.
      board.write(board.read().map((d) => (d.id === 'b' ? { ...d, stageId: demo.id } : d)));
      throw refusal;
    });
    await expect(attempt).rejects.toBe(refusal);
    expect(board.deals.map((d) => `${d.id}:${d.stageId}`)).toEqual(['a:qualified', 'b:demo']);
    expect(board.seen[0]).toEqual(['a:proposal', 'b:qualified']);
    expect(missingFields(refusal.problem)).toEqual(['amount']);
  });
});

describe('stage requirements', () => {
  it('reads the missing fields of a 422 stage_requirements problem, and nothing from other problems', () => {
    const problem = {
      code: 'stage_requirements',
      errors: [{ field: 'body.amount' }, { field: 'body.expectedCloseDate' }, { field: 'body.custom.budget' }],
    };
    expect(missingFields(problem)).toEqual(['amount', 'expectedCloseDate', 'custom.budget']);
    expect(missingFields({ code: 'validation_failed', errors: [{ field: 'body.amount' }] })).toEqual([]);
  });

  it('turns the filled dialog into the changes sent with the move', () => {
    const inputs = requirementInputs(
      ['amount', 'expectedCloseDate', 'contacts', 'custom.budget'],
      [
        {
          id: 'f',
          key: 'budget',
          label: 'Budget',
          type: 'number',
          objectType: 'deal',
          options: [],
          archived: false,
          description: null,
          position: 0,
          createdAt: '',
          updatedAt: '',
        },
      ],
    );
    expect(inputs.map((i) => [i.field, i.kind, i.label])).toEqual([
      ['amount', 'amount', 'Amount'],
      ['expectedCloseDate', 'date', 'Expected close date'],
      ['contacts', 'contact', 'Contact'],
      ['custom.budget', 'number', 'Budget'],
    ]);
    const form = new FormData();
    form.set('amount', '12,500.50');
    form.set('expectedCloseDate', '2026-12-01');
    form.set('contacts', 'c2');
    form.set('custom.budget', '5000');
    const current = deal('a', { amount: null, contacts: [{ contactId: 'c1', role: 'Champion' }] });
    expect(requirementChanges(inputs, form, current)).toEqual({
      amount: 1_250_050,
      expectedCloseDate: '2026-12-01',
      contacts: [
        { contactId: 'c1', role: 'Champion' },
        { contactId: 'c2', role: null },
      ],
      custom: { budget: 5000 },
    });
  });

  it('names each field left empty or not a number, so the dialog shows it in place', () => {
    const inputs = requirementInputs(['amount', 'expectedCloseDate']);
    const form = new FormData();
    form.set('amount', 'lots');
    try {
      requirementChanges(inputs, form, deal('a'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).problem.errors?.map((e) => e.field)).toEqual(['body.amount', 'body.expectedCloseDate']);
    }
  });
});

describe('amounts and durations', () => {
  it('reads typed amounts into minor units of the currency', () => {
    expect(parseAmount('12,500', 'USD')).toBe(1_250_000);
    expect(parseAmount('0.5', 'EUR')).toBe(50);
    expect(parseAmount('1500', 'JPY')).toBe(1500);
    expect(parseAmount('', 'USD')).toBeNull();
    expect(parseAmount('12abc', 'USD')).toBeNaN();
  });

  it('says how long a deal has been in its stage', () => {
    const now = new Date('2026-03-04T06:00:00.000Z').getTime();
    expect(daysInStage(deal('a'), now)).toBe(3);
    expect(formatDuration(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatDuration(5 * 3600 + 600)).toBe('5 h 10 min');
    expect(formatDuration(20)).toBe('1 min');
  });
});
