import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AcceptInvitation } from './screens/auth/AcceptInvitation';
import { ForgotPassword } from './screens/auth/ForgotPassword';
import { LogIn } from './screens/auth/LogIn';
import { ResetPassword } from './screens/auth/ResetPassword';
import { SignUp } from './screens/auth/SignUp';
import { ContactList } from './screens/contacts/ContactList';
import { ContactShow } from './screens/contacts/ContactShow';
import { DealShow } from './screens/deals/DealShow';
import { DealListScreen, DealsScreen } from './screens/deals/DealsScreen';
import { CompanyList } from './screens/lists/CompanyList';
import { CompanyShow } from './screens/lists/CompanyShow';
import { AppShell } from './screens/shell/AppShell';
import { TasksScreen } from './screens/tasks/TasksScreen';
import { signedInBefore, useMe } from './session';
import { ErrorState, Loading } from './ui/States';

/** The signed-in part of the app; without a session it sends a first visit to sign-up, a later one to log-in. */
function SignedIn() {
  const me = useMe();
  const location = useLocation();
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
        <Route path="*" element={<Navigate to="/contacts" replace />} />
      </Route>
    </Routes>
  );
}
