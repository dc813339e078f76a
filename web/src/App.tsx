import { lazy, type ReactNode, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AcceptInvitation } from './screens/auth/AcceptInvitation';
import { ForgotPassword } from './screens/auth/ForgotPassword';
import { LogIn } from './screens/auth/LogIn';
import { ResetPassword } from './screens/auth/ResetPassword';
import { SignUp } from './screens/auth/SignUp';
import { ContactList } from './screens/contacts/ContactList';
import { CompanyList } from './screens/lists/CompanyList';
import { AppShell } from './screens/shell/AppShell';
import { useFirstScreenShown } from './screens/shell/firstScreen';
import { signedInBefore, useMe } from './session';
import { ErrorState, Loading } from './ui/States';

/**
 * The screens past the first one load as their own chunks, so the first list paints sooner; once
 * the app is idle they are fetched ahead, so moving to them later is still instant.
 */
const screenChunks = {
  deals: () => import('./screens/deals/DealsScreen'),
  contact: () => import('./screens/contacts/ContactShow'),
  deal: () => import('./screens/deals/DealShow'),
  company: () => import('./screens/companies/CompanyShow'),
  tasks: () => import('./screens/tasks/TasksScreen'),
  settings: () => import('./screens/settings/SettingsScreen'),
  duplicates: () => import('./screens/duplicates/DuplicatesScreen'),
  imports: () => import('./screens/imports/ImportsScreen'),
  forms: () => import('./screens/forms/FormsScreen'),
};

const DealsScreen = lazy(async () => ({ default: (await screenChunks.deals()).DealsScreen }));
const DealListScreen = lazy(async () => ({ default: (await screenChunks.deals()).DealListScreen }));
const ContactShow = lazy(async () => ({ default: (await screenChunks.contact()).ContactShow }));
const DealShow = lazy(async () => ({ default: (await screenChunks.deal()).DealShow }));
const CompanyShow = lazy(async () => ({ default: (await screenChunks.company()).CompanyShow }));
const TasksScreen = lazy(async () => ({ default: (await screenChunks.tasks()).TasksScreen }));
const SettingsScreen = lazy(async () => ({ default: (await screenChunks.settings()).SettingsScreen }));
const DuplicatesScreen = lazy(async () => ({ default: (await screenChunks.duplicates()).DuplicatesScreen }));
const ImportsScreen = lazy(async () => ({ default: (await screenChunks.imports()).ImportsScreen }));
const FormsScreen = lazy(async () => ({ default: (await screenChunks.forms()).FormsScreen }));

/** Fetches every screen's chunk once the first screen is shown and the browser is idle. */
function usePrefetchScreens() {
  const shown = useFirstScreenShown();
  useEffect(() => {
    if (!shown) return;
    const prefetch = () => {
      for (const load of Object.values(screenChunks)) void load();
    };
    if ('requestIdleCallback' in window) {
      const handle = window.requestIdleCallback(prefetch, { timeout: 3000 });
      return () => window.cancelIdleCallback(handle);
    }
    const timer = setTimeout(prefetch, 1500);
    return () => clearTimeout(timer);
  }, [shown]);
}

/** The signed-in part of the app; without a session it sends a first visit to sign-up, a later one to log-in. */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
  usePrefetchScreens();
  if (me.isPending) return <Loading label="Opening Rapport…" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  if (!me.data) {
    return <Navigate to={signedInBefore() ? '/login' : '/signup'} replace state={{ from: location.pathname + location.search }} />;
  }
  return <AppShell me={me.data} />;
}

/** Signed-out screens; someone already signed in goes straight to the app. */
function SignedOut({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.data) return <Navigate to="/contacts" replace />;
  return children;
}

/** Every route of the app. */
export function App() {
  return (
    <Routes>
      <Route
        path="/signup"
        element={
          <SignedOut>
            <SignUp />
          </SignedOut>
        }
      />
      <Route
        path="/login"
        element={
          <SignedOut>
            <LogIn />
          </SignedOut>
        }
      />
      <Route path="/forgot-password" element={<ForgotPassword />} />
      <Route path="/reset-password" element={<ResetPassword />} />
      <Route path="/invitations/:token" element={<AcceptInvitation />} />
      <Route path="/invite/:token" element={<AcceptInvitation />} />
      <Route element={<SignedIn />}>
        <Route index element={<Navigate to="/contacts" replace />} />
        <Route path="/contacts" element={<ContactList />} />
        <Route path="/contacts/:id" element={<ContactShow />} />
        <Route path="/companies" element={<CompanyList />} />
        <Route path="/companies/:id" element={<CompanyShow />} />
        <Route path="/deals" element={<DealsScreen />} />
        <Route path="/deals/list" element={<DealListScreen />} />
        <Route path="/deals/:id" element={<DealShow />} />
        <Route path="/tasks" element={<TasksScreen />} />
        <Route path="/settings/*" element={<SettingsScreen />} />
        <Route path="/duplicates" element={<DuplicatesScreen />} />
        <Route path="/imports/*" element={<ImportsScreen />} />
        <Route path="/forms/*" element={<FormsScreen />} />
        <Route path="*" element={<Navigate to="/contacts" replace />} />
      </Route>
    </Routes>
  );
}
