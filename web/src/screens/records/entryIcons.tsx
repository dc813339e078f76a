import type { ReactNode } from 'react';
import { Icon, icons } from '../../ui/icons';
import type { EntryIcon } from './timelineEntry';

/** The small line pictures of timeline entries, one per kind. */
export const entryIcons: Record<EntryIcon, ReactNode> = {
  note: icons.note,
  call: icons.call,
  meeting: (
    <Icon>
      <rect x="2.5" y="3.5" width="11" height="10" rx="1.5" />
      <path d="M2.5 6.5h11M5.5 2v3M10.5 2v3" />
    </Icon>
  ),
  email: (
    <Icon>
      <rect x="2" y="3.5" width="12" height="9" rx="1.5" />
      <path d="m2.5 4.5 5.5 4 5.5-4" />
    </Icon>
  ),
  form: (
    <Icon>
      <rect x="2.5" y="2" width="11" height="12" rx="1.5" />
      <path d="M5 5h6M5 7.5h6M5 10.5h3" />
    </Icon>
  ),
  task: (
    <Icon>
      <rect x="2.5" y="2.5" width="11" height="11" rx="2" />
      <path d="m5.5 8 2 2 3-4" />
    </Icon>
  ),
  stage: (
    <Icon>
      <path d="M3 8h9M9 5l3 3-3 3" />
    </Icon>
  ),
  change: (
    <Icon>
      <circle cx="8" cy="8" r="1.5" />
    </Icon>
  ),
};
