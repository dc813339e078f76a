/**
 * The workspace data a backup carries, one JSON Lines file per table, in the order a restore
 * inserts them (every table after those it refers to). Each row is the table's own columns
 * (without `workspace_id` and generated search vectors), so a restore is exact; columns naming a
 * user are mapped by email on restore.
 */
export type TableSpec = {
  table: string;
  /** The primary key after workspace_id: the order rows are read in. */
  key: string[];
  /** Columns holding a user id: mapped to the member with the same email, else null. */
  userColumns: string[];
  /** The record type whose custom values may name users (custom fields of type `user`). */
  customOf?: 'contact' | 'company' | 'deal';
};

export const backupTables: TableSpec[] = [
  { table: 'custom_fields', key: ['id'], userColumns: [] },
  { table: 'pipelines', key: ['id'], userColumns: [] },
  { table: 'pipeline_stages', key: ['id'], userColumns: [] },
  { table: 'companies', key: ['id'], userColumns: ['owner_id'], customOf: 'company' },
  { table: 'contacts', key: ['id'], userColumns: ['owner_id'], customOf: 'contact' },
  { table: 'contact_companies', key: ['contact_id', 'company_id'], userColumns: [] },
  { table: 'consent_events', key: ['id'], userColumns: ['actor_id'] },
  { table: 'deals', key: ['id'], userColumns: ['owner_id'], customOf: 'deal' },
  { table: 'deal_contacts', key: ['deal_id', 'contact_id'], userColumns: [] },
  { table: 'deal_stage_history', key: ['id'], userColumns: ['actor_id'] },
  { table: 'activities', key: ['id'], userColumns: ['owner_id'] },
  { table: 'activity_links', key: ['activity_id', 'record_type', 'record_id'], userColumns: [] },
  { table: 'tasks', key: ['id'], userColumns: ['assignee_id', 'created_by'] },
  { table: 'timeline_entries', key: ['id'], userColumns: ['actor_id'] },
  { table: 'saved_views', key: ['id'], userColumns: ['owner_id'] },
];

/** The tables whose rows make a workspace "not empty" for a restore. */
export const recordTables = ['contacts', 'companies', 'deals', 'activities', 'tasks'] as const;

/** What a backup says about itself (manifest.json). */
export const BACKUP_FORMAT = 'rapport-workspace';
export const BACKUP_FORMAT_VERSION = 1;

/** The file of a table's rows inside the zip. */
export const jsonlName = (table: string) => `data/${table}.jsonl`;
