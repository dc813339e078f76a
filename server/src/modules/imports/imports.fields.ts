import type { CustomFieldRow } from '../custom-fields/custom-fields.repo.ts';
import type { CustomFieldObject, CustomFieldType } from '../custom-fields/custom-fields.schema.ts';
import type { ImportField, ImportObject, MappingEntry } from './imports.schema.ts';

type StandardField = ImportField & { aliases: string[] };

const f = (key: string, label: string, type: string, aliases: string[], required = false): StandardField => ({
  key,
  label,
  type,
  required,
  custom: false,
  aliases,
});

/**
 * The standard fields a column can map to, per object, with the header spellings that map to
 * each automatically: Rapport's own names and those of common CRM exports ("First Name",
 * "Contact owner", "Lifecycle Stage", "FirstName", "AccountId", "OwnerId" …). Aliases are
 * compared with case, spaces and punctuation removed.
 */
const standardFields: Record<ImportObject, StandardField[]> = {
  contacts: [
    f('first_name', 'First name', 'text', ['firstname', 'first', 'givenname', 'forename']),
    f('last_name', 'Last name', 'text', ['lastname', 'last', 'surname', 'familyname']),
    f('email', 'Email', 'email', ['email', 'emailaddress', 'email1', 'primaryemail', 'workemail', 'mail']),
    f('phone', 'Phone', 'phone', ['phone', 'phonenumber', 'mobilephone', 'mobile', 'mobilephonenumber', 'telephone', 'workphone', 'tel']),
    f('job_title', 'Job title', 'text', ['jobtitle', 'title', 'position']),
    f('owner_email', 'Owner (email)', 'user', ['owner', 'owneremail', 'contactowner', 'ownerid', 'hubspotowner', 'recordowner']),
    f('lifecycle_stage', 'Lifecycle stage', 'select', ['lifecyclestage', 'lifecycle', 'stage']),
    f('lead_source', 'Lead source', 'text', ['leadsource', 'source', 'originalsource']),
    f('company_name', 'Company name', 'text', ['company', 'companyname', 'account', 'accountname', 'organization', 'organisation']),
    f('company_domain', 'Company domain', 'text', ['companydomain', 'companydomainname', 'website', 'websiteurl', 'domain']),
    f('company_external_id', 'Company external id', 'text', ['accountid', 'companyid', 'companyexternalid']),
    f('external_id', 'External id', 'text', ['externalid', 'id', 'recordid', 'contactid']),
    f('tags', 'Tags', 'multiselect', ['tags', 'tag', 'labels']),
    f('timezone', 'Time zone', 'text', ['timezone', 'tz']),
  ],
  companies: [
    f('name', 'Name', 'text', ['name', 'companyname', 'company', 'accountname', 'account', 'organization', 'organisation'], true),
    f('domain', 'Domain', 'text', ['domain', 'companydomainname', 'website', 'websiteurl', 'url']),
    f('industry', 'Industry', 'text', ['industry']),
    f('employee_count', 'Employees', 'number', ['employees', 'employeecount', 'numberofemployees', 'numberofemployee']),
    f('phone', 'Phone', 'phone', ['phone', 'phonenumber', 'telephone']),
    f('owner_email', 'Owner (email)', 'user', ['owner', 'owneremail', 'companyowner', 'ownerid', 'recordowner']),
    f('external_id', 'External id', 'text', ['externalid', 'id', 'recordid', 'companyid', 'accountid']),
  ],
  deals: [
    f('name', 'Name', 'text', ['name', 'dealname', 'opportunityname', 'title'], true),
    f('pipeline', 'Pipeline', 'text', ['pipeline', 'dealpipeline']),
    f('stage', 'Stage', 'text', ['stage', 'dealstage', 'stagename']),
    f('amount', 'Amount', 'number', ['amount', 'value', 'dealvalue', 'dealamount']),
    f('currency', 'Currency', 'text', ['currency', 'currencyisocode', 'currencycode']),
    f('expected_close_date', 'Expected close date', 'date', ['closedate', 'expectedclosedate']),
    f('owner_email', 'Owner (email)', 'user', ['owner', 'owneremail', 'dealowner', 'ownerid']),
    f('company_domain', 'Company domain', 'text', ['companydomain', 'domain', 'website']),
    f('company_name', 'Company name', 'text', ['company', 'companyname', 'account', 'accountname']),
    f('external_id', 'External id', 'text', ['externalid', 'id', 'recordid', 'dealid', 'opportunityid']),
  ],
  activities: [
    f('kind', 'Kind', 'select', ['kind', 'type', 'activitytype'], true),
    f('subject', 'Subject', 'text', ['subject', 'title']),
    f('body', 'Body', 'text', ['body', 'notes', 'note', 'description', 'content']),
    f('occurred_at', 'Occurred at', 'datetime', ['occurredat', 'date', 'activitydate', 'timestamp', 'createdate']),
    f('contact_email', 'Contact (email)', 'email', ['contactemail', 'email', 'contact']),
    f('company_domain', 'Company (domain)', 'text', ['companydomain', 'domain', 'company']),
  ],
};

/** The custom field object type of an import object (activities have none). */
export function customObjectOf(object: ImportObject): CustomFieldObject | null {
  return object === 'contacts' ? 'contact' : object === 'companies' ? 'company' : object === 'deals' ? 'deal' : null;
}

const customTypeNames: Record<CustomFieldType, string> = {
  text: 'text',
  long_text: 'text',
  number: 'number',
  currency: 'currency',
  date: 'date',
  datetime: 'datetime',
  boolean: 'boolean',
  single_select: 'select',
  multi_select: 'multiselect',
  url: 'url',
  email: 'email',
  phone: 'phone',
  user: 'user',
};

/** What columns of an import of `object` can map to: the standard fields, then the live custom fields. */
export function importFields(object: ImportObject, customDefs: CustomFieldRow[]): ImportField[] {
  return [
    ...standardFields[object].map(({ aliases: _a, ...field }) => field),
    ...customDefs
      .filter((d) => d.archived_at === null)
      .map((d) => ({ key: `custom.${d.key}`, label: d.label, type: customTypeNames[d.type], required: false, custom: true })),
  ];
}

/** A header as aliases are compared: lower-case letters and digits only. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Suggests a mapping from headers: a header matching a standard field's alias, a custom field's
 * key or label, maps to it; each field is used once (the first column wins); the rest are skipped.
 */
export function suggestMapping(object: ImportObject, headers: string[], customDefs: CustomFieldRow[]): MappingEntry[] {
  const byAlias = new Map<string, string>();
  for (const field of standardFields[object]) {
    for (const alias of [headerKey(field.key), headerKey(field.label), ...field.aliases])
      if (!byAlias.has(alias)) byAlias.set(alias, field.key);
  }
  for (const d of customDefs) {
    if (d.archived_at) continue;
    for (const alias of [headerKey(d.key), headerKey(d.label)]) if (!byAlias.has(alias)) byAlias.set(alias, `custom.${d.key}`);
  }
  const used = new Set<string>();
  return headers.map((column, index) => {
    const field = byAlias.get(headerKey(column)) ?? null;
    if (!field || used.has(field)) return { column, index, field: null };
    used.add(field);
    return { column, index, field };
  });
}

/** Applies a saved template's mapping (by header text) to this file's headers. */
export function mappingFromTemplate(headers: string[], template: { column: string; field: string | null }[]): MappingEntry[] {
  const byHeader = new Map(template.map((t) => [headerKey(t.column), t.field]));
  const used = new Set<string>();
  return headers.map((column, index) => {
    const field = byHeader.get(headerKey(column)) ?? null;
    if (!field || used.has(field)) return { column, index, field: null };
    used.add(field);
    return { column, index, field };
  });
}

/** The upsert key an object imports with unless told otherwise. */
export const defaultUpsertKey = { contacts: 'email', companies: 'domain', deals: 'external_id', activities: 'none' } as const;

/** The upsert keys each object supports. */
export const allowedUpsertKeys: Record<ImportObject, string[]> = {
  contacts: ['email', 'external_id', 'none'],
  companies: ['domain', 'external_id', 'none'],
  deals: ['external_id', 'none'],
  activities: ['none'],
};
