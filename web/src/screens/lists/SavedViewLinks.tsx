import { Link, useLocation } from 'react-router';
import type { ListObjectType } from './fields';
import { useSavedViews } from './lists.api';

/** The saved views of an object as sidebar links under its list, shared ones marked as such. */
export function SavedViewLinks({ objectType, path }: { objectType: ListObjectType; path: string }) {
  const views = useSavedViews(objectType);
  const location = useLocation();
  const openId = location.pathname === path ? new URLSearchParams(location.search).get('view') : null;
  if (!views.data || views.data.length === 0) return null;
  return (
    <ul className="view-links" aria-label={`Saved views of ${path.slice(1)}`}>
      {views.data.map((v) => (
        <li key={v.id}>
          <Link className="nav-link view-link" to={`${path}?view=${v.id}`} aria-current={v.id === openId ? 'page' : undefined}>
            <span className="view-link-name">{v.name}</span>
            {v.visibility === 'workspace' ? <span className="view-link-shared">Shared</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}
