/**
 * The workspace data a backup carries, one JSON Lines file per table, in the order a restore
 * inserts them (every table after those it refers to). Each row is the table's own columns
 * (without `workspace_id`, generated search vectors and the columns in `omit`), so a restore is
 * exact; columns naming a user are mapped by email on restore.
 */
export type TableSpec = {
  table: string;
  /** The primary key after workspace_id: the order rows are read in. */
  key: string[];
  /** Columns holding a user id: mapped to the member with the same email, else null. */
  userColumns: string[];
  /**
   * The column saying who acted (`user`, `api_key`, `system`): the user columns are mapped only
   * on rows a user made. An API key's id is kept, so history still names the key (whose own
   * audit rows, with its name, come along) although the key itself is not restored.
   */
  actorType?: string;
  /** The record type whose custom values may name users (custom fields of type `user`). */
  customOf?: 'contact' | 'company' | 'deal';
  /** Columns never written into a backup (credentials); the restore fills them anew. */
  omit?: string[];
  /** The format version that added the table: an older backup has no file for it. */
  since?: number;
};

export const backupTables: TableSpec[] = [
  { table: 'custom_fields', key: ['id'], userColumns: [] },
  { table: 'pipelines', key: ['id'], userColumns: [] },
  { table: 'pipeline_stages', key: ['id'], userColumns: [] },
  { table: 'forms', key: ['id'], userColumns: ['owner_id', 'created_by'], since: 2 },
  { table: 'form_consent_texts', key: ['version'], userColumns: [], since: 2 },
  { table: 'companies', key: ['id'], userColumns: ['owner_id'], customOf: 'company' },
  { table: 'contacts', key: ['id'], userColumns: ['owner_id'], customOf: 'contact' },
  { table: 'contact_companies', key: ['contact_id', 'company_id'], userColumns: [] },
  { table: 'consent_events', key: ['id'], userColumns: ['actor_id'], actorType: 'actor_type' },
  { table: 'deals', key: ['id'], userColumns: ['owner_id'], customOf: 'deal' },
  { table: 'deal_contacts', key: ['deal_id', 'contact_id'], userColumns: [] },
  { table: 'deal_stage_history', key: ['id'], userColumns: ['actor_id'], actorType: 'actor_type' },
  { table: 'activities', key: ['id'], userColumns: ['owner_id'] },
  { table: 'activity_links', key: ['activity_id', 'record_type', 'record_id'], userColumns: [] },
  { table: 'form_submissions', key: ['id'], userColumns: [], since: 2 },
  { table: 'tasks', key: ['id'], userColumns: ['assignee_id', 'created_by'] },
  { table: 'timeline_entries', key: ['id'], userColumns: ['actor_id'], actorType: 'actor_type' },
  { table: 'saved_views', key: ['id'], userColumns: ['owner_id'] },
  {
    table: 'webhook_subscriptions',
    key: ['id'],
    userColumns: ['created_by'],
    omit: ['secret', 'previous_secret', 'previous_secret_expires_at'],
    since: 2,
  },
  { table: 'record_changes', key: ['id'], userColumns: ['actor_id'], actorType: 'actor_type', since: 2 },
];

/** The tables that must hold no rows (trash included) for a backup to be restored into a workspace. */
export const tablesThatMustBeEmpty = [
  'contacts',
  'companies',
  'deals',
  'activities',
  'tasks',
  'custom_fields',
  'forms',
  'webhook_subscriptions',
] as const;

/** What a backup says about itself (manifest.json). */
export const BACKUP_FORMAT = 'rapport-workspace';
/** 2 added forms, their consent texts and submissions, webhook subscriptions and the audit log. */
export const BACKUP_FORMAT_VERSION = 2;
/** The oldest format a restore still reads (its files are a subset of today's). */
export const OLDEST_FORMAT_VERSION = 1;

/** What a backup leaves out on purpose, and why: written into manifest.json and README.txt. */
export const omittedFromBackup: { what: string; why: string }[] = [
  {
    what: 'Webhook signing secrets',
    why: 'They are credentials. Restored webhook subscriptions get a new secret and stay disabled until an admin rotates the secret, gives it to the receiver and enables them.',
  },
  {
    what: 'API keys',
    why: 'Their hashes are credentials. Create new keys in the restored workspace; the audit log still names the old ones.',
  },
  {
    what: 'Members, accounts, passwords, sessions and invitations',
    why: 'People belong to the server, not the workspace. data/users.jsonl lists the people the data names, and a restore matches them to members by email.',
  },
  { what: 'Calendar feed links', why: 'Each link is a credential of one person; they make a new one in the restored workspace.' },
  {
    what: 'Pending double opt-in confirmation links',
    why: 'Each link is a credential sent to one person. Their consent stays pending (it is in the consent history); submitting the form again sends a new link.',
  },
  {
    what: 'Webhook delivery log and webhook settings',
    why: 'The log is about the old server’s traffic; whether private network targets are allowed is a decision for the server a workspace runs on, so a restore starts with them refused.',
  },
  {
    what: 'Notifications, CSV import files and history, bulk jobs, the event outbox',
    why: 'Work in progress of the old server, not data.',
  },
];

/** The file of a table's rows inside the zip. */
export const jsonlName = (table: string) => `data/${table}.jsonl`;
