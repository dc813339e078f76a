import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { roles } from '../../policies.ts';

export const memberSchema = z
  .object({
    id: uuid(),
    userId: uuid(),
    name: z.string(),
    email: z.string(),
    role: z.enum(roles),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Member' });

export const updateMemberBody = z.object({ role: z.enum(roles) }).strict();
