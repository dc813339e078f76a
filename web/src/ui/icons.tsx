import type { ReactNode } from 'react';

/** A 16 px line picture in the app's stroke style; unlabelled ones are hidden from assistive tech. */
export function Icon({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      {children}
    </svg>
  );
}

/** The small line icons of the sidebar and toolbars. */
export const icons = {
  contacts: (
    <Icon>
      <circle cx="8" cy="5.5" r="2.5" />
      <path d="M3 13.5c.8-2.3 2.7-3.5 5-3.5s4.2 1.2 5 3.5" />
    </Icon>
  ),
  companies: (
    <Icon>
      <rect x="3" y="2.5" width="7" height="11" rx="1" />
      <path d="M10 6.5h3v7h-3M5.5 5.5h2M5.5 8h2M5.5 10.5h2" />
    </Icon>
  ),
  deals: (
    <Icon>
      <path d="M2.5 4.5h11M2.5 8h8M2.5 11.5h5" />
    </Icon>
  ),
  tasks: (
    <Icon>
      <rect x="2.5" y="2.5" width="11" height="11" rx="2" />
      <path d="m5.5 8 2 2 3-4" />
    </Icon>
  ),
  search: (
    <Icon>
      <circle cx="7" cy="7" r="4.5" />
      <path d="m10.5 10.5 3 3" />
    </Icon>
  ),
  bell: (
    <Icon>
      <path d="M4 11V7a4 4 0 0 1 8 0v4l1 1.5H3L4 11ZM6.5 14h3" />
    </Icon>
  ),
  menu: (
    <Icon>
      <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
    </Icon>
  ),
  note: (
    <Icon>
      <path d="M4 2.5h6l2.5 2.5v8.5H4zM6 7h4.5M6 9.5h4.5" />
    </Icon>
  ),
  call: (
    <Icon>
      <path d="M3.5 2.5h2.5l1 3-1.5 1a7 7 0 0 0 3.5 3.5l1-1.5 3 1v2.5a1.5 1.5 0 0 1-1.5 1.5A10 10 0 0 1 2 4a1.5 1.5 0 0 1 1.5-1.5Z" />
    </Icon>
  ),
  dot: (
    <Icon>
      <circle cx="8" cy="8" r="2" />
    </Icon>
  ),
  plus: (
    <Icon>
      <path d="M8 3v10M3 8h10" />
    </Icon>
  ),
  import: (
    <Icon>
      <path d="M8 2.5v7M5 6.5l3 3 3-3M2.5 10.5v2a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1v-2" />
    </Icon>
  ),
  duplicates: (
    <Icon>
      <rect x="2.5" y="4.5" width="7" height="9" rx="1" />
      <path d="M6.5 2.5h6a1 1 0 0 1 1 1v8" />
    </Icon>
  ),
};
