import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';

export const apiKeySchema = z
  .object({
    id: uuid(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to recognise it'),
    scope: z.enum(['read', 'read_write']),
    createdBy: uuid(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createApiKeyBody = z
  .object({ name: z.string().trim().min(1).max(100), scope: z.enum(['read', 'read_write']).default('read_write') })
  .strict();

export const createdApiKeySchema = z
  .object({ apiKey: apiKeySchema, key: z.string().describe('The secret key; shown only in this response') })
  .meta({ id: 'CreatedApiKey' });
