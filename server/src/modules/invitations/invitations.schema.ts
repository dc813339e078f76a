import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { roles } from '../../policies.ts';
import { emailField } from '../auth/auth.schema.ts';

export const invitationSchema = z
  .object({
    id: uuid(),
    email: z.string(),
    role: z.enum(roles),
    invitedBy: uuid(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Invitation' });

export const createInvitationBody = z.object({ email: emailField, role: z.enum(roles).default('member') }).strict();

export const createdInvitationSchema = z
  .object({ invitation: invitationSchema, url: z.string().describe('The invitation link; shown once, also emailed') })
  .meta({ id: 'CreatedInvitation' });
