import { useNavigate } from 'react-router';
import { type Me, useSwitchWorkspace } from '../../session';

/** The current workspace; with several, a select to act in another. */
export function WorkspaceSwitcher({ me }: { me: Me }) {
  const switchWorkspace = useSwitchWorkspace();
  const navigate = useNavigate();
  const initial = me.workspace.name.slice(0, 1).toUpperCase();
  return (
    <div className="workspace-switcher">
      <span className="logo" aria-hidden="true">
        {initial}
      </span>
      {me.workspaces.length > 1 ? (
        <>
          <label htmlFor="workspace-switcher" className="visually-hidden">
            Workspace
          </label>
          <select
            id="workspace-switcher"
            className="select"
            value={me.workspace.id}
            onChange={(event) => {
              switchWorkspace(event.target.value);
              navigate('/contacts');
            }}
          >
            {me.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </>
      ) : (
        <strong className="topbar-title">{me.workspace.name}</strong>
      )}
    </div>
  );
}
