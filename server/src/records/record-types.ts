import type { FieldDef, RecordTypeDef } from '../lib/filters.ts';

/**
 * The record types the list, search and filter engine knows: their tables, the standard fields
 * filters and sorts may name (API names over SQL), and the associations filters can reach.
 * Custom fields are added per workspace (custom-fields.values.ts `customFieldDefs`).
 */

const notDeleted = (a: string) => `${a}.deleted_at IS NULL`;
const live = (a: string) => `${a}.deleted_at IS NULL AND ${a}.merged_into IS NULL`;

const timestamps = (a: string): FieldDef[] => [
  { key: 'createdAt', kind: 'datetime', sql: `${a}.created_at` },
  { key: 'updatedAt', kind: 'datetime', sql: `${a}.updated_at` },
];

export const lifecycleStages = ['subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist', 'other'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];
export const consentStates = ['subscribed', 'unsubscribed', 'never_subscribed', 'pending'] as const;

export const contactType: RecordTypeDef = {
  name: 'contact',
  table: 'contacts',
  alias: 'c',
  visible: live,
  fields: [
    { key: 'id', kind: 'id', sql: 'c.id' },
    { key: 'firstName', kind: 'text', sql: 'c.first_name' },
    { key: 'lastName', kind: 'text', sql: 'c.last_name' },
    { key: 'name', kind: 'text', sql: "trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))" },
    { key: 'email', kind: 'text', sql: 'c.email' },
    { key: 'emails', kind: 'tags', sql: 'c.email_list', sortable: false },
    { key: 'phone', kind: 'text', sql: 'c.phone' },
    { key: 'jobTitle', kind: 'text', sql: 'c.job_title' },
    { key: 'ownerId', kind: 'id', sql: 'c.owner_id' },
    { key: 'lifecycleStage', kind: 'enum', sql: 'c.lifecycle_stage', options: lifecycleStages },
    { key: 'lifecycleChangedAt', kind: 'datetime', sql: 'c.lifecycle_changed_at' },
    { key: 'leadSource', kind: 'text', sql: 'c.lead_source' },
    { key: 'utmSource', kind: 'text', sql: "(c.utm->>'source')" },
    { key: 'utmMedium', kind: 'text', sql: "(c.utm->>'medium')" },
    { key: 'utmCampaign', kind: 'text', sql: "(c.utm->>'campaign')" },
    { key: 'tags', kind: 'tags', sql: 'c.tags' },
    { key: 'city', kind: 'text', sql: "(c.address->>'city')" },
    { key: 'region', kind: 'text', sql: "(c.address->>'region')" },
    { key: 'country', kind: 'text', sql: "(c.address->>'country')" },
    { key: 'timezone', kind: 'text', sql: 'c.timezone' },
    { key: 'emailConsent', kind: 'enum', sql: "coalesce(c.consent->'email'->>'state', 'never_subscribed')", options: consentStates },
    { key: 'smsConsent', kind: 'enum', sql: "coalesce(c.consent->'sms'->>'state', 'never_subscribed')", options: consentStates },
    { key: 'externalId', kind: 'text', sql: 'c.external_id' },
    { key: 'lastActivityAt', kind: 'datetime', sql: 'c.last_activity_at' },
    ...timestamps('c'),
  ],
  associations: () => [
    {
      key: 'companies',
      target: companyType,
      join: (s, t) =>
        `EXISTS (SELECT 1 FROM contact_companies cc WHERE cc.workspace_id = ${s}.workspace_id AND cc.contact_id = ${s}.id AND cc.company_id = ${t}.id) AND ${t}.workspace_id = ${s}.workspace_id`,
    },
    {
      key: 'deals',
      target: dealType,
      join: (s, t) =>
        `EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.workspace_id = ${s}.workspace_id AND dc.contact_id = ${s}.id AND dc.deal_id = ${t}.id) AND ${t}.workspace_id = ${s}.workspace_id`,
    },
  ],
};

export const companyType: RecordTypeDef = {
  name: 'company',
  table: 'companies',
  alias: 'co',
  visible: live,
  fields: [
    { key: 'id', kind: 'id', sql: 'co.id' },
    { key: 'name', kind: 'text', sql: 'co.name' },
    { key: 'domain', kind: 'text', sql: 'co.domain' },
    { key: 'industry', kind: 'text', sql: 'co.industry' },
    { key: 'employeeCount', kind: 'number', sql: 'co.employee_count' },
    { key: 'annualRevenue', kind: 'number', sql: 'co.annual_revenue' },
    { key: 'annualRevenueCurrency', kind: 'text', sql: 'co.annual_revenue_currency' },
    { key: 'phone', kind: 'text', sql: 'co.phone' },
    { key: 'ownerId', kind: 'id', sql: 'co.owner_id' },
    { key: 'parentCompanyId', kind: 'id', sql: 'co.parent_company_id' },
    { key: 'city', kind: 'text', sql: "(co.address->>'city')" },
    { key: 'region', kind: 'text', sql: "(co.address->>'region')" },
    { key: 'postalCode', kind: 'text', sql: "(co.address->>'postalCode')" },
    { key: 'country', kind: 'text', sql: "(co.address->>'country')" },
    { key: 'externalId', kind: 'text', sql: 'co.external_id' },
    { key: 'lastActivityAt', kind: 'datetime', sql: 'co.last_activity_at' },
    ...timestamps('co'),
  ],
  associations: () => [
    {
      key: 'contacts',
      target: contactType,
      join: (s, t) =>
        `EXISTS (SELECT 1 FROM contact_companies cc WHERE cc.workspace_id = ${s}.workspace_id AND cc.company_id = ${s}.id AND cc.contact_id = ${t}.id) AND ${t}.workspace_id = ${s}.workspace_id`,
    },
    { key: 'deals', target: dealType, join: (s, t) => `${t}.workspace_id = ${s}.workspace_id AND ${t}.company_id = ${s}.id` },
    {
      key: 'parentCompany',
      target: companyType,
      join: (s, t) => `${t}.workspace_id = ${s}.workspace_id AND ${t}.id = ${s}.parent_company_id`,
    },
  ],
};

export const dealType: RecordTypeDef = {
  name: 'deal',
  table: 'deals',
  alias: 'd',
  visible: notDeleted,
  fields: [
    { key: 'id', kind: 'id', sql: 'd.id' },
    { key: 'name', kind: 'text', sql: 'd.name' },
    { key: 'pipelineId', kind: 'id', sql: 'd.pipeline_id' },
    { key: 'stageId', kind: 'id', sql: 'd.stage_id' },
    { key: 'amount', kind: 'number', sql: 'd.amount' },
    { key: 'currency', kind: 'text', sql: 'd.currency' },
    { key: 'expectedCloseDate', kind: 'date', sql: 'd.expected_close_date' },
    {
      key: 'probability',
      kind: 'number',
      sql: 'coalesce(d.probability, (SELECT s.probability FROM pipeline_stages s WHERE s.workspace_id = d.workspace_id AND s.id = d.stage_id))',
    },
    { key: 'ownerId', kind: 'id', sql: 'd.owner_id' },
    { key: 'companyId', kind: 'id', sql: 'd.company_id' },
    { key: 'status', kind: 'enum', sql: 'd.status', options: ['open', 'won', 'lost'] },
    { key: 'lostReason', kind: 'text', sql: 'd.lost_reason' },
    { key: 'closedAt', kind: 'datetime', sql: 'd.closed_at' },
    { key: 'stageEnteredAt', kind: 'datetime', sql: 'd.stage_entered_at' },
    {
      key: 'weightedAmount',
      kind: 'number',
      sql: 'round(d.amount * coalesce(d.probability, (SELECT s.probability FROM pipeline_stages s WHERE s.workspace_id = d.workspace_id AND s.id = d.stage_id)) / 100.0)',
    },
    {
      // As deals.presenter.ts isRotten: open, and idle (no stage change, no activity) past the stage's rotten-after days.
      key: 'rotten',
      kind: 'boolean',
      sql: "(d.status = 'open' AND coalesce((SELECT greatest(d.stage_entered_at, d.last_activity_at) < now() - make_interval(days => s.rotten_days) FROM pipeline_stages s WHERE s.workspace_id = d.workspace_id AND s.id = d.stage_id), false))",
    },
    { key: 'externalId', kind: 'text', sql: 'd.external_id' },
    { key: 'lastActivityAt', kind: 'datetime', sql: 'd.last_activity_at' },
    ...timestamps('d'),
  ],
  associations: () => [
    {
      key: 'contacts',
      target: contactType,
      join: (s, t) =>
        `EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.workspace_id = ${s}.workspace_id AND dc.deal_id = ${s}.id AND dc.contact_id = ${t}.id) AND ${t}.workspace_id = ${s}.workspace_id`,
    },
    { key: 'company', target: companyType, join: (s, t) => `${t}.workspace_id = ${s}.workspace_id AND ${t}.id = ${s}.company_id` },
  ],
};

const linkedTo = (type: RecordTypeDef, recordType: string) => ({
  key: `${recordType === 'company' ? 'companies' : `${recordType}s`}`,
  target: type,
  join: (s: string, t: string) =>
    `EXISTS (SELECT 1 FROM activity_links al WHERE al.workspace_id = ${s}.workspace_id AND al.activity_id = ${s}.id AND al.record_type = '${recordType}' AND al.record_id = ${t}.id) AND ${t}.workspace_id = ${s}.workspace_id`,
});

export const activityType: RecordTypeDef = {
  name: 'activity',
  table: 'activities',
  alias: 'ac',
  visible: notDeleted,
  fields: [
    { key: 'id', kind: 'id', sql: 'ac.id' },
    { key: 'kind', kind: 'enum', sql: 'ac.kind', options: ['note', 'call', 'email', 'meeting', 'form_submission'] },
    { key: 'subject', kind: 'text', sql: 'ac.subject' },
    { key: 'body', kind: 'text', sql: 'ac.body', sortable: false },
    { key: 'occurredAt', kind: 'datetime', sql: 'ac.occurred_at' },
    { key: 'ownerId', kind: 'id', sql: 'ac.owner_id' },
    { key: 'callDirection', kind: 'enum', sql: 'ac.call_direction', options: ['inbound', 'outbound'] },
    { key: 'callOutcome', kind: 'text', sql: 'ac.call_outcome' },
    { key: 'callDurationSeconds', kind: 'number', sql: 'ac.call_duration_seconds' },
    { key: 'meetingStartAt', kind: 'datetime', sql: 'ac.meeting_start_at' },
    ...timestamps('ac'),
  ],
  associations: () => [linkedTo(contactType, 'contact'), linkedTo(companyType, 'company'), linkedTo(dealType, 'deal')],
};

export const taskType: RecordTypeDef = {
  name: 'task',
  table: 'tasks',
  alias: 't',
  visible: notDeleted,
  fields: [
    { key: 'id', kind: 'id', sql: 't.id' },
    { key: 'title', kind: 'text', sql: 't.title' },
    { key: 'status', kind: 'enum', sql: 't.status', options: ['open', 'completed'] },
    { key: 'priority', kind: 'enum', sql: 't.priority', options: ['low', 'normal', 'high'] },
    { key: 'dueAt', kind: 'datetime', sql: 't.due_at' },
    { key: 'remindAt', kind: 'datetime', sql: 't.remind_at' },
    { key: 'assigneeId', kind: 'id', sql: 't.assignee_id' },
    { key: 'recordType', kind: 'enum', sql: 't.record_type', options: ['contact', 'company', 'deal'] },
    { key: 'recordId', kind: 'id', sql: 't.record_id' },
    { key: 'completedAt', kind: 'datetime', sql: 't.completed_at' },
    ...timestamps('t'),
  ],
  associations: () => [],
};

/** The record types by name. */
export const recordTypes = { contact: contactType, company: companyType, deal: dealType, activity: activityType, task: taskType } as const;
export type RecordTypeName = keyof typeof recordTypes;
