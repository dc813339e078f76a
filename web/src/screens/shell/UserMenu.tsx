import { useNavigate } from 'react-router';
import { errorMessage } from '../../api/problem';
import { type Me, useSignOut } from '../../session';
import { useToast } from '../../ui/Toast';
import { usePopover } from '../../ui/usePopover';

/** The initials of a name, for avatars. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** The signed-in person: who they are, their role here, and logging out. */
export function UserMenu({ me }: { me: Me }) {
  const { open, setOpen, anchor } = usePopover();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <div className="popover-anchor" ref={anchor}>
      <button
        type="button"
        className="btn btn-ghost btn-icon"
        aria-label={`Account: ${me.user.name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span className="avatar" aria-hidden="true">
          {initials(me.user.name)}
        </span>
      </button>
      {open ? (
        <div className="popover" role="menu">
          <div className="menu-caption">
            <strong>{me.user.name}</strong>
            <br />
            {me.user.email} · {me.role.replace('_', ' ')}
          </div>
          <button
            type="button"
            className="menu-item"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              navigate('/settings/profile');
            }}
          >
            Profile and settings
          </button>
          <button
            type="button"
            className="menu-item"
            role="menuitem"
            onClick={() =>
              signOut().then(
                () => navigate('/login', { replace: true }),
                (err) => toast(errorMessage(err), 'error'),
              )
            }
          >
            Log out
          </button>
        </div>
      ) : null}
    </div>
  );
}
