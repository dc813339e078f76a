import { Link, useLocation } from 'react-router';
import { useFirstScreenShown } from '../shell/firstScreen';
import type { ListObjectType } from './fields';
import { useSavedViews } from './lists.api';

/**
 * The saved views of an object as sidebar links under its list, shared ones marked as such.
 * `alsoAt` names other screens of the same records (the deals list beside the board): there the
 * links open the view on the screen already shown.
 */
export function SavedViewLinks({ objectType, path, alsoAt = [] }: { objectType: ListObjectType; path: string; alsoAt?: string[] }) {
  // The sidebar's links wait for the first screen: its rows come first.
  const views = useSavedViews(objectType, useFirstScreenShown());
  const location = useLocation();
  const here = alsoAt.includes(location.pathname) ? location.pathname : path;
  const openId = location.pathname === here ? new URLSearchParams(location.search).get('view') : null;
  if (!views.data || views.data.length === 0) return null;
  return (
    <ul className="view-links" aria-label={`Saved views of ${path.slice(1)}`}>
      {views.data.map((v) => (
        <li key={v.id}>
          <Link className="nav-link view-link" to={`${here}?view=${v.id}`} aria-current={v.id === openId ? 'page' : undefined}>
            <span className="view-link-name">{v.name}</span>
            {v.visibility === 'workspace' ? <span className="view-link-shared">Shared</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}
