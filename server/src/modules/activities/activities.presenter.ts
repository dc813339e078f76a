import type { ActivityRow } from './activities.repo.ts';
import type { ActivityLink } from './activities.schema.ts';

/** An activity as the API shows it: the fields of its kind grouped under `call`, `email` or `meeting`. */
export function activityView(r: ActivityRow, links: ActivityLink[]) {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    bodyHtml: r.body_html,
    occurredAt: r.occurred_at.toISOString(),
    ownerId: r.owner_id,
    links,
    call: r.kind === 'call' ? { direction: r.call_direction, durationSeconds: r.call_duration_seconds, outcome: r.call_outcome } : null,
    email: r.kind === 'email' ? { from: r.email_from, to: r.email_to, cc: r.email_cc } : null,
    meeting:
      r.kind === 'meeting'
        ? {
            startAt: r.meeting_start_at?.toISOString() ?? null,
            endAt: r.meeting_end_at?.toISOString() ?? null,
            location: r.meeting_location,
            attendees: r.meeting_attendees.map((a) => ({ email: a.email, name: a.name ?? null, contactId: a.contactId ?? null })),
          }
        : null,
    formSubmission: r.kind === 'form_submission' ? r.form_submission : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type ActivityView = ReturnType<typeof activityView>;

/** The fields an audit diff compares (not timestamps or the rendered HTML, which follows the body). */
export function activityAuditFields(view: ActivityView): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, id: _id, bodyHtml: _h, ...rest } = view;
  return rest;
}

/** What an activity's timeline entries carry: its kind, subject and the start of its text. */
export function activitySummary(r: Pick<ActivityRow, 'kind' | 'subject' | 'body'>): Record<string, unknown> {
  return { kind: r.kind, subject: r.subject, snippet: snippetOf(r.body) };
}

/** The first 200 characters of a text as plain text on one line: Markdown marks dropped, links as their text. */
export function snippetOf(body: string | null): string | null {
  if (!body) return null;
  const flat = body
    .replace(/!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, '$1')
    .replace(/^\s*(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat || null;
}
