import { createContext, type ReactNode, Suspense, useContext, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import type { Me } from '../../session';
import { Icon, icons } from '../../ui/icons';
import { Loading } from '../../ui/States';
import { SavedViewLinks } from '../lists/SavedViewLinks';
import { PaletteProvider, useOpenPalette } from '../palette/CommandPalette';
import { SettingsLink } from '../settings/SettingsLink';
import { FIRST_SCREEN_FALLBACK_MS, markFirstScreenShown } from './firstScreen';
import { NotificationsBell } from './NotificationsBell';
import { UserMenu } from './UserMenu';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

/** The sidebar picture of forms: a card with lines and a button. */
const formIcon = (
  <Icon>
    <rect x="2.5" y="2" width="11" height="12" rx="1.5" />
    <path d="M5 5h6M5 7.5h6M5 10.5h3" />
  </Icon>
);

const NavContext = createContext<{ me: Me; toggleNav: () => void } | null>(null);

function useShell() {
  const shell = useContext(NavContext);
  if (!shell) throw new Error('useShell outside AppShell');
  return shell;
}

/** The signed-in frame: the sidebar with the areas and the workspace, and the screen beside it. */
export function AppShell({ me }: { me: Me }) {
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  // On a phone the sidebar is a drawer; following a link closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every route change on purpose
  useEffect(() => setNavOpen(false), [location.pathname]);
  // Lists say when their rows are shown; for other screens the shell says so after a moment.
  useEffect(() => {
    const timer = setTimeout(markFirstScreenShown, FIRST_SCREEN_FALLBACK_MS);
    return () => clearTimeout(timer);
  }, []);

  return (
    <NavContext.Provider value={{ me, toggleNav: () => setNavOpen((open) => !open) }}>
      <PaletteProvider>
        <div className="shell" data-nav-open={navOpen}>
          <nav className="sidebar" aria-label="Main">
            <WorkspaceSwitcher me={me} />
            <div className="sidebar-section">Records</div>
            <NavLink className="nav-link" to="/contacts">
              {icons.contacts} Contacts
            </NavLink>
            <SavedViewLinks objectType="contact" path="/contacts" />
            <NavLink className="nav-link" to="/companies">
              {icons.companies} Companies
            </NavLink>
            <SavedViewLinks objectType="company" path="/companies" />
            <NavLink className="nav-link" to="/deals">
              {icons.deals} Deals
            </NavLink>
            <SavedViewLinks objectType="deal" path="/deals" alsoAt={['/deals/list']} />
            <NavLink className="nav-link" to="/tasks">
              {icons.tasks} Tasks
            </NavLink>
            <NavLink className="nav-link" to="/duplicates">
              {icons.duplicates} Duplicates
            </NavLink>
            <NavLink className="nav-link" to="/imports">
              {icons.import} Imports
            </NavLink>
            <NavLink className="nav-link" to="/forms">
              {formIcon} Forms
            </NavLink>
            <SettingsLink />
          </nav>
          <div className="main">
            {/* Screens loaded as their own chunks show the loading state in place, inside the shell. */}
            <Suspense fallback={<Loading />}>
              <Outlet />
            </Suspense>
          </div>
        </div>
      </PaletteProvider>
    </NavContext.Provider>
  );
}

/** The bar atop each screen: its title, its own actions, then notifications and the user menu. */
export function TopBar({ title, children }: { title: ReactNode; children?: ReactNode }) {
  const { me, toggleNav } = useShell();
  const openPalette = useOpenPalette();
  return (
    <header className="topbar">
      <button type="button" className="btn btn-ghost btn-icon menu-toggle" aria-label="Open navigation" onClick={toggleNav}>
        {icons.menu}
      </button>
      <h1 className="topbar-title">{title}</h1>
      <div className="topbar-actions">
        {children}
        <button
          type="button"
          className="btn btn-ghost topbar-search"
          aria-label="Search (Ctrl+K)"
          aria-keyshortcuts="Control+K Meta+K"
          onClick={openPalette}
        >
          {icons.search} <kbd className="palette-kbd">⌘K</kbd>
        </button>
        <NotificationsBell />
        <UserMenu me={me} />
      </div>
    </header>
  );
}
