import { type Ctx, systemActor } from '../../context.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { hashToken, randomToken } from '../../lib/tokens.ts';
import { contactWriteEnv, planContact } from '../contacts/contacts.plan.ts';
import { findContactRow } from '../contacts/contacts.repo.ts';
import type { ContactWrite } from '../contacts/contacts.schema.ts';
import { applyContactWrites } from '../contacts/contacts.write.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { type ConfirmationRow, findConfirmation, insertConfirmation, markConfirmed } from './forms.confirm.repo.ts';
import { type FormRow, findForm } from './forms.repo.ts';

/** How long an emailed double opt-in link works. */
export const CONFIRMATION_TTL_DAYS = 7;

/** A confirmation email to send once the submission has committed: the address and the link's secret. */
export type PendingConfirmation = { email: string; token: string };

/** Where an emailed link points: the confirm page beside the form's hosted page. */
export function confirmationUrl(publicUrl: string, publicId: string, token: string): string {
  return `${publicUrl}/f/${publicId}/confirm/${token}`;
}

/** Stores a new single-use link for a submission's pending consent; returns its token (only the hash is kept). */
export async function createConfirmation(
  tx: Queryable,
  form: FormRow,
  s: { contactId: string; submissionId: string; email: string },
): Promise<PendingConfirmation> {
  const token = randomToken(32);
  await insertConfirmation(tx, {
    workspaceId: form.workspace_id,
    id: newId(),
    tokenHash: hashToken(token),
    formId: form.id,
    contactId: s.contactId,
    submissionId: s.submissionId,
    textVersion: form.consent.textVersion,
    ttlDays: CONFIRMATION_TTL_DAYS,
  });
  return { email: s.email, token };
}

/**
 * Emails the confirmation link. Sent after the submission committed (the mail server is not part
 * of the transaction); a failure is logged and answered 503, so the visitor knows to try again.
 */
export async function sendConfirmationMail(deps: Deps, form: FormRow, pending: PendingConfirmation): Promise<void> {
  const workspace = await findWorkspace(deps.db, form.workspace_id);
  const sender = workspace?.name ?? form.name;
  const url = confirmationUrl(deps.config.publicUrl, form.public_id, pending.token);
  try {
    await deps.mailer.send({
      to: pending.email,
      subject: `Please confirm your subscription to ${sender}`,
      text: [
        `You asked to receive email from ${sender} through the form "${form.name}", agreeing to:`,
        '',
        `  ${form.consent.text}`,
        '',
        `Confirm your subscription: ${url}`,
        '',
        `The link works for ${CONFIRMATION_TTL_DAYS} days. If you did not ask for this, ignore this email: you will not be subscribed unless you confirm.`,
        '',
      ].join('\n'),
    });
  } catch (err) {
    deps.log.error({ err, formId: form.id }, 'double opt-in confirmation email not sent');
    throw new AppError('unavailable', 'We could not send the confirmation email just now; please try again in a few minutes');
  }
}

/** What an emailed link can still do: confirm, or nothing because it was used or has expired. */
type LinkState = 'ready' | 'used' | 'expired';

const stateOf = (c: ConfirmationRow): LinkState => (c.confirmed_at ? 'used' : c.expired ? 'expired' : 'ready');

const unknownLink = () =>
  new AppError('not_found', 'This confirmation link is not valid. Check that it was copied whole, or fill in the form again.', [
    { field: 'body.token', message: 'Unknown link', code: 'link_unknown' },
  ]);

/** The refusal for a link that cannot confirm any more, with a stable code per reason. */
function closedLink(state: Exclude<LinkState, 'ready'> | 'withdrawn'): AppError {
  const reasons = {
    used: 'This link was used already: the subscription it confirms is confirmed.',
    expired: `This link has expired (links work for ${CONFIRMATION_TTL_DAYS} days). Fill in the form again to get a new one.`,
    withdrawn: 'The subscription this link would confirm was withdrawn since. Fill in the form again to subscribe.',
  };
  return new AppError('gone', reasons[state], [{ field: 'body.token', message: reasons[state], code: `link_${state}` }]);
}

/** The link of `token` on the form `publicId`, and its form; a token of another form is as unknown as a made-up one. */
async function linkOf(db: Queryable, publicId: string, token: string, lock: boolean) {
  const confirmation = await findConfirmation(db, hashToken(token), lock);
  const form = confirmation && (await findForm(db, confirmation.workspace_id, confirmation.form_id));
  if (!confirmation || !form || form.public_id !== publicId) throw unknownLink();
  return { confirmation, form };
}

/** Checks a link for the confirm page without changing anything (mail scanners open links before people do). */
export async function readConfirmationLink(db: Database, publicId: string, token: string): Promise<{ form: FormRow }> {
  const { confirmation, form } = await linkOf(db, publicId, token, false);
  const state = stateOf(confirmation);
  if (state !== 'ready') throw closedLink(state);
  return { form };
}

/**
 * Confirms a pending email consent from its link, once: the contact's email consent becomes
 * `subscribed` through the contacts write path (consent history with method `form`, the form as
 * source and the text version agreed to; audit, `contact.updated` event, timeline), and the link
 * is spent. A contact subscribed meanwhile (another link) just spends it; one who unsubscribed
 * since is refused, as a withdrawal outranks an older request.
 */
export async function confirmConsent(
  db: Database,
  publicId: string,
  token: string,
  meta: { ip: string | null },
): Promise<{ form: FormRow; channels: 'email'[] }> {
  return db.transaction(async (tx) => {
    const { confirmation, form } = await linkOf(tx, publicId, token, true);
    const state = stateOf(confirmation);
    if (state !== 'ready') throw closedLink(state);
    const contact = await findContactRow(tx, confirmation.workspace_id, confirmation.contact_id, true);
    if (!contact || contact.deleted_at || contact.merged_into) throw unknownLink();
    const consentState = contact.consent.email?.state ?? 'never_subscribed';
    if (consentState !== 'pending' && consentState !== 'subscribed') throw closedLink('withdrawn');
    if (consentState === 'pending') {
      const ctx: Ctx = { workspaceId: confirmation.workspace_id, actor: systemActor, role: 'owner', tx };
      const input: ContactWrite = {
        consent: {
          email: {
            state: 'subscribed',
            method: 'form',
            source: `form ${form.id}; confirmed from the emailed link; ip ${meta.ip ?? '-'}`,
            textVersion: confirmation.text_version ?? undefined,
          },
        },
      };
      const plan = planContact(ctx, await contactWriteEnv(ctx, [input]), input, contact);
      await applyContactWrites(ctx, [{ id: contact.id, plan, current: contact }]);
    }
    await markConfirmed(tx, confirmation.workspace_id, confirmation.id, meta.ip);
    return { form, channels: ['email'] };
  });
}
