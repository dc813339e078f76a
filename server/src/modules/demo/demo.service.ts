import type { Ctx } from '../../context.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { authorize } from '../../policies.ts';
import type { ActivityCreate } from '../activities/activities.schema.ts';
import { createActivity } from '../activities/activities.service.ts';
import { createCompany } from '../companies/companies.service.ts';
import type { BatchItemResult } from '../contacts/contacts.batch.ts';
import { batchWriteContacts } from '../contacts/contacts.batch.ts';
import type { ContactWrite } from '../contacts/contacts.schema.ts';
import { batchWriteDeals } from '../deals/deals.batch.ts';
import type { DealWrite } from '../deals/deals.schema.ts';
import { listPipelines } from '../pipelines/pipelines.service.ts';
import { createTask } from '../tasks/tasks.service.ts';
import * as sample from './demo.data.ts';
import { backdateStageEntry, lockWorkspaceHasContacts } from './demo.repo.ts';

const DAY_MS = 86_400_000;
const SEED = 20240917;
/** The sender of the sample's logged emails. */
const TEAM_EMAIL = 'sales@rapport.example';

/** How many records of each kind the demo load created. */
export type DemoCounts = { companies: number; contacts: number; deals: number; activities: number; tasks: number };

const idsOf = (results: BatchItemResult[], what: string): string[] =>
  results.map((r) => {
    if (r.status === 'error') throw new AppError('internal', `Demo ${what} ${r.index} was refused: ${r.message}`);
    return r.id;
  });

/**
 * Makes the last three sample contacts second entries of the first three, the way duplicates
 * arise in real data, so the duplicates review has something to show: the same email typed in
 * capitals, the same phone number written another way, and the same name at the same company.
 */
function enterTwice(inputs: ContactWrite[], companyOf: number[]): void {
  const n = inputs.length;
  for (let k = 0; k < 3; k++) {
    const original = inputs[k] as ContactWrite;
    const copy = inputs[n - 3 + k] as ContactWrite;
    const personal = `${original.firstName}.${original.lastName}@mail.example`.toLowerCase();
    inputs[n - 3 + k] = {
      ...copy,
      firstName: original.firstName,
      lastName: original.lastName,
      companies: original.companies,
      ...(k === 0 ? { email: original.email?.toUpperCase() } : {}),
      ...(k === 1 ? { email: personal, phone: original.phone?.replace(/\s+/g, '') } : {}),
      ...(k === 2 ? { email: personal } : {}),
    };
    companyOf[n - 3 + k] = companyOf[k] as number;
  }
}

/**
 * Fills an empty workspace with the demo sample, through the same services (and so the same
 * validation, audit and timeline entries) as hand-made records. Refuses with 409 once the
 * workspace has any contact, so a sample never mixes into real data.
 */
export async function loadDemoData(ctx: Ctx, now = new Date()): Promise<DemoCounts> {
  authorize(ctx, 'workspace.update');
  if (await lockWorkspaceHasContacts(ctx.tx, ctx.workspaceId)) {
    throw conflict('This workspace already has contacts; demo data only goes into an empty workspace');
  }
  const rand = sample.seededRandom(SEED);
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const me = ctx.actor.userId;

  const companies: { id: string; name: string; domain: string }[] = [];
  for (const [i, name] of sample.companyNames.entries()) {
    const domain = `${name
      .toLowerCase()
      .replace(/&/g, 'and')
      .replace(/[^a-z]+/g, '')}.example`;
    const row = await createCompany(ctx, {
      name,
      domain,
      industry: sample.industries[i % sample.industries.length],
      employeeCount: 10 + Math.floor(rand() * 2000),
      annualRevenue: (1 + Math.floor(rand() * 500)) * 10_000_000,
      ownerId: me,
    });
    companies.push({ id: row.id, name, domain });
  }

  const contactInputs: ContactWrite[] = [];
  const contactCompany: number[] = [];
  for (let i = 0; i < sample.demoSize.contacts; i++) {
    const firstName = sample.firstNames[i % sample.firstNames.length] as string;
    const lastName = sample.lastNames[(i * 7 + Math.floor(i / sample.firstNames.length)) % sample.lastNames.length] as string;
    const c = (i + Math.floor(i / companies.length) * 3) % companies.length;
    const company = companies[c] as (typeof companies)[number];
    const jobTitle = sample.pick(rand, sample.jobTitles);
    contactCompany.push(c);
    contactInputs.push({
      firstName,
      lastName,
      email: `${firstName}.${lastName}@${company.domain}`.toLowerCase(),
      phone: `+44 20 7946 0${String(i % 1000).padStart(3, '0')}`,
      jobTitle,
      lifecycleStage: sample.pick(rand, sample.lifecycleMix),
      leadSource: sample.pick(rand, sample.leadSources),
      ownerId: me,
      companies: [{ companyId: company.id, title: jobTitle, primary: true }],
    });
  }
  enterTwice(contactInputs, contactCompany);
  const contacts = idsOf((await batchWriteContacts(ctx, { mode: 'create' }, contactInputs)).results, 'contact');

  const pipeline = (await listPipelines(ctx)).find((p) => p.pipeline.is_default);
  if (!pipeline) throw new AppError('internal', 'The workspace has no default pipeline');
  const stages = pipeline.stages;
  const dealInputs: DealWrite[] = [];
  const dealContact: number[] = [];
  for (let i = 0; i < sample.demoSize.deals; i++) {
    const c = (i * 17) % contacts.length;
    const company = companies[contactCompany[c] as number] as (typeof companies)[number];
    const status = i % 10 === 8 ? 'won' : i % 10 === 9 ? 'lost' : 'open';
    const stage = stages[i % stages.length] as (typeof stages)[number];
    const close = new Date(now.getTime() + (status === 'open' ? 5 + Math.floor(rand() * 80) : -Math.floor(rand() * 60)) * DAY_MS);
    dealContact.push(c);
    dealInputs.push({
      name: `${company.name} — ${sample.pick(rand, sample.dealProducts)}`,
      pipelineId: pipeline.pipeline.id,
      stageId: stage.id,
      amount: (5 + Math.floor(rand() * 120)) * 100_000,
      expectedCloseDate: close.toISOString().slice(0, 10),
      ownerId: me,
      companyId: company.id,
      contacts: [{ contactId: contacts[c] as string, role: 'decision maker' }],
      status,
      ...(status === 'lost' ? { lostReason: sample.pick(rand, sample.lostReasons) } : {}),
    });
  }
  const deals = idsOf((await batchWriteDeals(ctx, { mode: 'create' }, dealInputs)).results, 'deal');
  // Open deals entered their stage over the last days; the first two have sat idle long enough to rot.
  const rotten = new Set(deals.slice(0, 2));
  await backdateStageEntry(
    ctx.tx,
    ctx.workspaceId,
    deals.filter((_, i) => dealInputs[i]?.status === 'open').map((id, i) => ({ id, at: rotten.has(id) ? daysAgo(45) : daysAgo(i % 6) })),
  );

  let activities = 0;
  for (let i = 0; i < sample.demoSize.activities; i++) {
    let c = Math.floor(rand() * contacts.length);
    const d = Math.floor(i / 3) % deals.length;
    if (i % 3 === 0 && !rotten.has(deals[d] as string)) c = dealContact[d] as number;
    const links: ActivityCreate['links'] = [
      { recordType: 'contact', recordId: contacts[c] as string },
      { recordType: 'company', recordId: companies[contactCompany[c] as number]?.id as string },
    ];
    if (i % 3 === 0 && !rotten.has(deals[d] as string)) links.push({ recordType: 'deal', recordId: deals[d] as string });
    const occurredAt = daysAgo(rand() * 90).toISOString();
    const kind = (['note', 'call', 'email', 'meeting'] as const)[i % 4] as ActivityCreate['kind'];
    const input: ActivityCreate =
      kind === 'note'
        ? { kind, body: sample.pick(rand, sample.noteTexts), occurredAt, links }
        : kind === 'call'
          ? {
              kind,
              subject: sample.pick(rand, sample.callSubjects),
              body: sample.pick(rand, sample.noteTexts),
              occurredAt,
              links,
              call: {
                direction: rand() < 0.7 ? 'outbound' : 'inbound',
                durationSeconds: 60 + Math.floor(rand() * 1800),
                outcome: sample.pick(rand, sample.callOutcomes),
              },
            }
          : kind === 'email'
            ? {
                kind,
                subject: sample.pick(rand, sample.emailSubjects),
                body: 'Hi — as promised, here are the details we discussed.',
                occurredAt,
                links,
                email: { from: TEAM_EMAIL, to: [contactInputs[c]?.email as string] },
              }
            : {
                kind,
                subject: sample.pick(rand, sample.meetingSubjects),
                occurredAt,
                links,
                meeting: {
                  startAt: occurredAt,
                  endAt: new Date(Date.parse(occurredAt) + 45 * 60_000).toISOString(),
                  location: 'Video call',
                },
              };
    await createActivity(ctx, input);
    activities++;
  }

  // Soon, but before midnight (UTC, the default workspace time zone), so it lands in "today".
  const endOfDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const laterToday = new Date(now.getTime() + Math.min(60 * 60_000, (endOfDay - now.getTime()) / 2));
  let tasks = 0;
  for (let i = 0; i < sample.demoSize.tasks; i++) {
    // A third overdue, a few due today, the rest over the coming weeks.
    const due = i % 3 === 0 ? daysAgo(1 + (i % 9)) : i % 5 === 1 ? laterToday : daysAgo(-(1 + (i % 20)));
    const onDeal = i % 2 === 0;
    await createTask(ctx, {
      title: sample.taskTitles[i % sample.taskTitles.length] as string,
      dueAt: due.toISOString(),
      priority: i % 4 === 0 ? 'high' : 'normal',
      assigneeId: me,
      record: onDeal
        ? { recordType: 'deal', recordId: deals[i % deals.length] as string }
        : { recordType: 'contact', recordId: contacts[(i * 5) % contacts.length] as string },
    });
    tasks++;
  }

  return { companies: companies.length, contacts: contacts.length, deals: deals.length, activities, tasks };
}
