import { escapeText, type Property, paramValue, renderLines, utcStamp } from '../../lib/content-lines.ts';
import type { FeedMeetingRow, FeedTaskRow } from './calendar-feed.repo.ts';

/** RFC 5545 PRIORITY: 1 is highest, 5 medium, 9 lowest. */
const priorities = { high: 1, normal: 5, low: 9 } as const;

const HOUR = 3_600_000;
const recordPaths = { contact: 'contacts', company: 'companies', deal: 'deals' } as const;

/** What a feed shows: whose it is, where links point, and the rows. */
export type CalendarInput = { name: string; publicUrl: string; tasks: FeedTaskRow[]; meetings: FeedMeetingRow[] };

/** A task as a VTODO: stable UID, DTSTAMP and LAST-MODIFIED from its last change, UTC times. */
function todo(t: FeedTaskRow, publicUrl: string): Property[] {
  const props: Property[] = [
    { name: 'UID', value: `task-${t.id}@rapport` },
    { name: 'DTSTAMP', value: utcStamp(t.updated_at) },
    { name: 'CREATED', value: utcStamp(t.created_at) },
    { name: 'LAST-MODIFIED', value: utcStamp(t.updated_at) },
    { name: 'SUMMARY', value: escapeText(t.title) },
  ];
  if (t.notes) props.push({ name: 'DESCRIPTION', value: escapeText(t.notes) });
  if (t.due_at) props.push({ name: 'DUE', value: utcStamp(t.due_at) });
  props.push({ name: 'PRIORITY', value: String(priorities[t.priority]) });
  props.push({ name: 'STATUS', value: t.status === 'completed' ? 'COMPLETED' : 'NEEDS-ACTION' });
  if (t.status === 'completed' && t.completed_at) props.push({ name: 'COMPLETED', value: utcStamp(t.completed_at) });
  const path = t.record_type ? recordPaths[t.record_type as keyof typeof recordPaths] : undefined;
  props.push({ name: 'URL', value: path && t.record_id ? `${publicUrl}/${path}/${t.record_id}` : `${publicUrl}/tasks` });
  return props;
}

/** A meeting as a VEVENT: one UID and DTSTAMP, DTSTART and DTEND (an hour when no end was given). */
function event(m: FeedMeetingRow): Property[] {
  const end = m.end_at && m.end_at > m.start_at ? m.end_at : new Date(m.start_at.getTime() + HOUR);
  const props: Property[] = [
    { name: 'UID', value: `meeting-${m.id}@rapport` },
    { name: 'DTSTAMP', value: utcStamp(m.updated_at) },
    { name: 'CREATED', value: utcStamp(m.created_at) },
    { name: 'LAST-MODIFIED', value: utcStamp(m.updated_at) },
    { name: 'DTSTART', value: utcStamp(m.start_at) },
    { name: 'DTEND', value: utcStamp(end) },
    { name: 'SUMMARY', value: escapeText(m.subject || 'Meeting') },
  ];
  if (m.body) props.push({ name: 'DESCRIPTION', value: escapeText(m.body) });
  if (m.meeting_location) props.push({ name: 'LOCATION', value: escapeText(m.meeting_location) });
  for (const a of m.meeting_attendees) {
    props.push({ name: 'ATTENDEE', params: { CN: a.name ? paramValue(a.name) : undefined }, value: `mailto:${a.email}` });
  }
  return props;
}

const component = (name: string, props: Property[]) => `BEGIN:${name}\r\n${renderLines(props)}END:${name}\r\n`;

/** The whole feed as one iCalendar object (RFC 5545): CRLF, folded at 75 octets, UTC times only. */
export function renderCalendar(input: CalendarInput): string {
  const head = renderLines([
    { name: 'VERSION', value: '2.0' },
    { name: 'PRODID', value: '-//Rapport//Rapport CRM//EN' },
    { name: 'CALSCALE', value: 'GREGORIAN' },
    { name: 'X-WR-CALNAME', value: escapeText(input.name) },
    { name: 'REFRESH-INTERVAL', params: { VALUE: 'DURATION' }, value: 'PT15M' },
    { name: 'X-PUBLISHED-TTL', value: 'PT15M' },
  ]);
  const body = [
    ...input.meetings.map((m) => component('VEVENT', event(m))),
    ...input.tasks.map((t) => component('VTODO', todo(t, input.publicUrl))),
  ].join('');
  return `BEGIN:VCALENDAR\r\n${head}${body}END:VCALENDAR\r\n`;
}
