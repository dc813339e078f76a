import { NavLink } from 'react-router';

/** The sidebar's way into settings, at its foot. */
export function SettingsLink() {
  return (
    <NavLink className="nav-link sidebar-footer" to="/settings">
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
        <circle cx="8" cy="8" r="2" />
        <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
      </svg>
      Settings
    </NavLink>
  );
}
