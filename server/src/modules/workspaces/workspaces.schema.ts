import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';

/** Workspace defaults as the API shows and accepts them. */
export const workspaceSettingsSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 code, like USD')
      .meta({ example: 'USD' }),
    phoneRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, like US')
      .meta({ example: 'US' }),
    timezone: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'IANA time zone, like Europe/Paris')
      .meta({ example: 'Europe/Paris' }),
  })
  .strict();

/** A workspace as the API shows it. */
export const workspaceSchema = z
  .object({
    id: uuid(),
    name: z.string(),
    settings: workspaceSettingsSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Workspace' });

/** The body of PATCH /workspace. */
export const updateWorkspaceBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    settings: workspaceSettingsSchema.partial().strict().optional(),
  })
  .strict();

export const defaultWorkspaceSettings = { currency: 'USD', phoneRegion: 'US', timezone: 'UTC' } as const;
