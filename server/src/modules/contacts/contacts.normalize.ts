import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import type { FieldError } from '../../lib/errors.ts';
import type { EmailEntry, PhoneEntry } from './contacts.repo.ts';

const emailCheck = z.email();

/** Lower-cases and trims an email; undefined when it is not a valid address. */
export function normaliseEmail(raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  return emailCheck.safeParse(e).success ? e : undefined;
}

/** Parses a phone number to E.164 using the workspace's default region for national numbers. */
export function normalisePhone(raw: string, region: string): string | undefined {
  const p = parsePhoneNumberFromString(raw.trim(), region as CountryCode);
  return p?.isValid() ? p.number : undefined;
}

/**
 * Builds the email list from the `email` shorthand and/or `emails`: normalised, validated,
 * de-duplicated, exactly one primary (the shorthand, else the flagged one, else the first).
 */
export function buildEmails(
  shorthand: string | null | undefined,
  list: { address: string; label?: string; primary?: boolean }[] | undefined,
  current: EmailEntry[],
  errors: FieldError[],
): EmailEntry[] {
  let entries: EmailEntry[] = list
    ? list.flatMap((e, i) => {
        const address = normaliseEmail(e.address);
        if (!address) {
          errors.push({ field: `body.emails[${i}].address`, message: 'Not a valid email address' });
          return [];
        }
        return [{ address, label: e.label ?? null, primary: e.primary ?? false }];
      })
    : current.map((e) => ({ ...e }));
  if (shorthand === null) entries = entries.filter((e) => !e.primary);
  else if (shorthand !== undefined) {
    const address = normaliseEmail(shorthand);
    if (!address) errors.push({ field: 'body.email', message: 'Not a valid email address' });
    else {
      entries = entries.filter((e) => e.address !== address).map((e) => ({ ...e, primary: false }));
      entries.unshift({ address, label: null, primary: true });
    }
  }
  const seen = new Set<string>();
  entries = entries.filter((e) => !seen.has(e.address) && seen.add(e.address));
  const primary = entries.findIndex((e) => e.primary);
  return entries.map((e, i) => ({ ...e, primary: i === (primary === -1 ? 0 : primary) }));
}

/** The same for phones: parsed to E.164 (raw input kept), de-duplicated, one primary. */
export function buildPhones(
  shorthand: string | null | undefined,
  list: { number: string; label?: string; primary?: boolean }[] | undefined,
  current: PhoneEntry[],
  region: string,
  errors: FieldError[],
): PhoneEntry[] {
  let entries: PhoneEntry[] = list
    ? list.flatMap((p, i) => {
        const number = normalisePhone(p.number, region);
        if (!number) {
          errors.push({ field: `body.phones[${i}].number`, message: `Not a valid phone number (default region ${region})` });
          return [];
        }
        return [{ number, raw: p.number, label: p.label ?? null, primary: p.primary ?? false }];
      })
    : current.map((p) => ({ ...p }));
  if (shorthand === null) entries = entries.filter((p) => !p.primary);
  else if (shorthand !== undefined) {
    const number = normalisePhone(shorthand, region);
    if (!number) errors.push({ field: 'body.phone', message: `Not a valid phone number (default region ${region})` });
    else {
      entries = entries.filter((p) => p.number !== number).map((p) => ({ ...p, primary: false }));
      entries.unshift({ number, raw: shorthand, label: null, primary: true });
    }
  }
  const seen = new Set<string>();
  entries = entries.filter((p) => !seen.has(p.number) && seen.add(p.number));
  const primary = entries.findIndex((p) => p.primary);
  return entries.map((p, i) => ({ ...p, primary: i === (primary === -1 ? 0 : primary) }));
}

/** Drops null and empty values from a small object of optional strings (address, UTM). */
export function compactObject(
  current: Record<string, string | null>,
  patch: Record<string, string | null | undefined> | undefined,
): Record<string, string | null> {
  if (!patch) return current;
  const out: Record<string, string | null> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null || v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}
