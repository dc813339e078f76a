import type { ReactNode } from 'react';
import type { EntryIcon } from './timelineEntry';

function Glyph({ children }: { children: ReactNode }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

/** The small line pictures of timeline entries, one per kind. */
export const entryIcons: Record<EntryIcon, ReactNode> = {
  note: (
    <Glyph>
      <path d="M4 2.5h5.5L12 5v8.5H4z" />
      <path d="M6 7.5h4M6 10h4" />
    </Glyph>
  ),
  call: (
    <Glyph>
      <path d="M3.5 2.5h2.5l1 3-1.5 1a7 7 0 0 0 4 4l1-1.5 3 1v2.5a1 1 0 0 1-1 1A10.5 10.5 0 0 1 2.5 3.5a1 1 0 0 1 1-1Z" />
    </Glyph>
  ),
  meeting: (
    <Glyph>
      <rect x="2.5" y="3.5" width="11" height="10" rx="1.5" />
      <path d="M2.5 6.5h11M5.5 2v3M10.5 2v3" />
    </Glyph>
  ),
  email: (
    <Glyph>
      <rect x="2" y="3.5" width="12" height="9" rx="1.5" />
      <path d="m2.5 4.5 5.5 4 5.5-4" />
    </Glyph>
  ),
  task: (
    <Glyph>
      <rect x="2.5" y="2.5" width="11" height="11" rx="2" />
      <path d="m5.5 8 2 2 3-4" />
    </Glyph>
  ),
  stage: (
    <Glyph>
      <path d="M3 8h9M9 5l3 3-3 3" />
    </Glyph>
  ),
  change: (
    <Glyph>
      <circle cx="8" cy="8" r="1.5" />
    </Glyph>
  ),
};
