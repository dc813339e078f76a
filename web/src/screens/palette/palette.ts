import type { components } from '../../api/schema';

export type SearchHit = components['schemas']['SearchHit'];

/** What a quick action does when chosen: go somewhere, or open a creation dialog. */
export type ActionEffect = { kind: 'go'; to: string } | { kind: 'dialog'; dialog: 'contact' | 'deal' };

/** One row of the palette: a quick action or a search hit, with where choosing it leads. */
export type PaletteItem = {
  id: string;
  group: string;
  label: string;
  detail: string | null;
  effect: ActionEffect;
};

const quickActions: PaletteItem[] = [
  { id: 'action-new-contact', group: 'Actions', label: 'New contact', detail: null, effect: { kind: 'dialog', dialog: 'contact' } },
  { id: 'action-new-deal', group: 'Actions', label: 'New deal', detail: null, effect: { kind: 'dialog', dialog: 'deal' } },
  { id: 'action-go-contacts', group: 'Actions', label: 'Go to contacts', detail: null, effect: { kind: 'go', to: '/contacts' } },
  { id: 'action-go-companies', group: 'Actions', label: 'Go to companies', detail: null, effect: { kind: 'go', to: '/companies' } },
  { id: 'action-go-deals', group: 'Actions', label: 'Go to deals', detail: null, effect: { kind: 'go', to: '/deals' } },
  { id: 'action-go-tasks', group: 'Actions', label: 'Go to tasks', detail: null, effect: { kind: 'go', to: '/tasks' } },
];

/** The quick actions whose words all start a word of the query's ("new c", "go deals"); all of them for an empty query. */
export function matchingActions(query: string): PaletteItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return quickActions;
  return quickActions.filter((action) => {
    const labelWords = action.label.toLowerCase().split(' ');
    return words.every((word) => labelWords.some((labelWord) => labelWord.startsWith(word)));
  });
}

const recordPaths: Record<string, string> = { contact: '/contacts', company: '/companies', deal: '/deals' };
const groupNames: Record<SearchHit['type'], string> = {
  contact: 'Contacts',
  company: 'Companies',
  deal: 'Deals',
  activity: 'Activities',
};

/** Where a hit opens: its record page; an activity opens the first record it is linked to (none: no page). */
export function hitPath(hit: SearchHit): string | null {
  if (hit.type !== 'activity') return `${recordPaths[hit.type]}/${hit.id}`;
  const link = hit.links.find((l) => recordPaths[l.type]);
  return link ? `${recordPaths[link.type]}/${link.id}` : null;
}

/** A search hit as a palette row; an activity's detail names its kind, snippet and linked records. */
export function hitItem(hit: SearchHit): PaletteItem | null {
  const to = hitPath(hit);
  if (!to) return null;
  let detail = hit.snippet;
  if (hit.type === 'activity') {
    const linked = hit.links.map((l) => l.name).join(', ');
    detail = [hit.activityKind, hit.snippet, linked ? `with ${linked}` : null].filter(Boolean).join(' · ');
  }
  return {
    id: `hit-${hit.type}-${hit.id}`,
    group: groupNames[hit.type],
    label: hit.title,
    detail: detail || null,
    effect: { kind: 'go', to },
  };
}

/** The rows for a query: matching quick actions first, then the hits grouped by type in ranked order of each group's best hit. */
export function paletteItems(query: string, hits: readonly SearchHit[]): PaletteItem[] {
  const groups = new Map<string, PaletteItem[]>();
  for (const hit of hits) {
    const item = hitItem(hit);
    if (!item) continue;
    const group = groups.get(item.group) ?? [];
    group.push(item);
    groups.set(item.group, group);
  }
  return [...matchingActions(query), ...[...groups.values()].flat()];
}
