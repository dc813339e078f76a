import type { z } from 'zod';
import type { MemberRow } from './members.repo.ts';
import type { memberSchema } from './members.schema.ts';

/** A membership as the API shows it. */
export function presentMember(m: MemberRow): z.infer<typeof memberSchema> {
  return {
    id: m.id,
    userId: m.user_id,
    name: m.name,
    email: m.email,
    role: m.role,
    createdAt: m.created_at.toISOString(),
    updatedAt: m.updated_at.toISOString(),
  };
}
