import { z } from 'zod';
import { filterGroupsSchema } from '../../lib/filters.ts';
import { uuid } from '../../lib/ids.ts';
import { sortSchema } from '../../lib/record-list.ts';

/** The media types a .vcf upload may be sent as. */
export const vcardMediaTypes = ['text/vcard', 'text/x-vcard', 'text/directory'];

/** The body of POST /contacts/vcard: named contacts, or every contact a filter matches. */
export const vcardExportBody = z
  .object({
    ids: z.array(uuid()).min(1).max(1000).optional().describe('These contacts, in this order'),
    filterGroups: filterGroupsSchema.optional().describe('Else every contact matching these filter groups (as POST /contacts/search)'),
    sort: sortSchema.default([]),
    q: z.string().trim().max(200).optional().describe('Quick search, as GET /contacts?q='),
  })
  .strict()
  .meta({ id: 'VcardExportRequest' });

/** A vCard document in an OpenAPI response. */
export const vcardResponse = {
  description: 'vCard 4.0 (RFC 6350)',
  content: { 'text/vcard': { schema: z.string() } },
};

const skippedProperty = z.object({ property: z.string(), value: z.string().optional(), reason: z.string() });

/** The report of POST /contacts/vcard/import. */
export const vcardImportReportSchema = z
  .object({
    cards: z.number().int().describe('Cards found in the file'),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int().describe('Cards with nothing to import (no name, email or phone)'),
    failed: z.number().int().describe('Cards the contact rules refused (see errors)'),
    results: z.array(
      z.object({
        index: z.number().int().describe('Position of the card in the file, from 0'),
        name: z.string(),
        status: z.enum(['created', 'updated', 'skipped', 'error']),
        id: uuid().optional(),
        reason: z.string().optional(),
        errors: z.array(z.object({ field: z.string(), message: z.string(), code: z.string().optional() })).optional(),
        skippedProperties: z.array(skippedProperty).describe('Parts of the card that were not imported, and why'),
      }),
    ),
  })
  .meta({ id: 'VcardImportReport' });
