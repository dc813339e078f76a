/** Tomorrow at 9:00 in the browser's time zone, the usual "snooze" target. */
export function tomorrowMorning(now = new Date()): Date {
  const at = new Date(now);
  at.setDate(at.getDate() + 1);
  at.setHours(9, 0, 0, 0);
  return at;
}

/** A week from today at 9:00 local time. */
export function nextWeekMorning(now = new Date()): Date {
  const at = new Date(now);
  at.setDate(at.getDate() + 7);
  at.setHours(9, 0, 0, 0);
  return at;
}

/** A datetime-local value ("2026-03-04T09:00") as an ISO instant, or null when empty. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
