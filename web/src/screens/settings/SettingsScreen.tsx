import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { TopBar } from '../shell/AppShell';
import { ApiKeysSettings } from './ApiKeysSettings';
import { CustomFieldsSettings } from './CustomFieldsSettings';
import { DataPanel } from './DataPanel';
import { MembersSettings } from './MembersSettings';
import { PipelinesSettings } from './PipelinesSettings';
import { ProfileSettings } from './ProfileSettings';
import { WebhooksSettings } from './WebhooksSettings';
import { WorkspaceSettings } from './WorkspaceSettings';
import './settings.css';

/** The settings pages, in the order of the sub-navigation. */
const sections = [
  { path: 'profile', label: 'Profile', element: <ProfileSettings /> },
  { path: 'workspace', label: 'Workspace', element: <WorkspaceSettings /> },
  { path: 'members', label: 'Members', element: <MembersSettings /> },
  { path: 'api-keys', label: 'API keys', element: <ApiKeysSettings /> },
  { path: 'webhooks', label: 'Webhooks', element: <WebhooksSettings /> },
  { path: 'custom-fields', label: 'Custom fields', element: <CustomFieldsSettings /> },
  { path: 'pipelines', label: 'Pipelines', element: <PipelinesSettings /> },
  { path: 'data', label: 'Data', element: <DataPanel /> },
] as const;

/** On a phone the sub-navigation is a select at the top of the page. */
function SectionSelect() {
  const location = useLocation();
  const navigate = useNavigate();
  const current = sections.find((s) => location.pathname.startsWith(`/settings/${s.path}`))?.path ?? 'profile';
  return (
    <div className="settings-select">
      <label className="visually-hidden" htmlFor="settings-section-select">
        Settings section
      </label>
      <select
        id="settings-section-select"
        className="select"
        value={current}
        onChange={(event) => navigate(`/settings/${event.target.value}`)}
      >
        {sections.map((s) => (
          <option key={s.path} value={s.path}>
            {s.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Settings: the profile, the workspace's defaults, people, API keys, custom fields and pipelines. */
export function SettingsScreen() {
  return (
    <>
      <TopBar title="Settings" />
      <div className="content">
        <div className="settings">
          <nav className="settings-nav" aria-label="Settings">
            {sections.map((s) => (
              <NavLink key={s.path} className="settings-nav-link" to={`/settings/${s.path}`}>
                {s.label}
              </NavLink>
            ))}
          </nav>
          <SectionSelect />
          <div className="settings-body">
            <Routes>
              <Route index element={<Navigate to="profile" replace />} />
              {sections.map((s) => (
                <Route key={s.path} path={s.path} element={s.element} />
              ))}
              <Route path="*" element={<Navigate to="profile" replace />} />
            </Routes>
          </div>
        </div>
      </div>
    </>
  );
}
