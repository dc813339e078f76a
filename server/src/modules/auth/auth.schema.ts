import { z } from 'zod';
import { uuid } from '../../lib/ids.ts';
import { actions, roles } from '../../policies.ts';
import { workspaceSchema } from '../workspaces/workspaces.schema.ts';

/** An email address, trimmed and lower-cased before it is stored or compared. */
export const emailField = z.string().trim().toLowerCase().pipe(z.email('Not a valid email address').max(254));

export const passwordField = z.string().min(10, 'Use at least 10 characters').max(256);

export const userSchema = z.object({ id: uuid(), email: z.string(), name: z.string(), createdAt: z.iso.datetime() }).meta({ id: 'User' });

export const signupBody = z
  .object({
    email: emailField,
    password: passwordField,
    name: z.string().trim().min(1).max(200),
    workspaceName: z.string().trim().min(1).max(200),
  })
  .strict();

export const loginBody = z.object({ email: emailField, password: z.string().min(1).max(256) }).strict();

export const sessionResponse = z
  .object({ user: userSchema, workspace: workspaceSchema, role: z.enum(roles), csrfToken: z.string() })
  .meta({ id: 'SessionStart' });

export const passwordResetBody = z.object({ email: emailField }).strict();
export const passwordResetConfirmBody = z.object({ token: z.string().min(10).max(200), password: passwordField }).strict();

export const acceptInvitationBody = z
  .object({
    token: z.string().min(10).max(200),
    name: z.string().trim().min(1).max(200).optional(),
    password: z.string().min(1).max(256),
  })
  .strict();

export const meResponse = z
  .object({
    user: userSchema,
    workspace: workspaceSchema,
    role: z.enum(roles),
    workspaces: z.array(z.object({ id: uuid(), name: z.string(), role: z.enum(roles) })),
    csrfToken: z.string().nullable(),
    via: z.enum(['session', 'api_key']),
    permissions: z.array(z.enum(actions)).describe('What the caller may do in this workspace (records they own aside)'),
    grantableRoles: z.array(z.enum(roles)).describe('The roles the caller may give members and invitations'),
  })
  .meta({ id: 'Me' });

/** The body of PATCH /me: a new name, and/or a new password with the current one. */
export const updateMeBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    currentPassword: z.string().min(1).max(256).optional().describe('Required with newPassword'),
    newPassword: passwordField.optional().describe('Signs out your other sessions'),
  })
  .strict();

export const sessionSchema = z
  .object({
    id: uuid(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    current: z.boolean(),
  })
  .meta({ id: 'Session' });
