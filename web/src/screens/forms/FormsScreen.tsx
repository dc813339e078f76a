import { Navigate, Route, Routes } from 'react-router';
import { FormEditor } from './FormEditor';
import { FormList } from './FormList';
import './forms.css';

/** Lead-capture forms: the list, and one form's builder, share codes and submissions. */
export function FormsScreen() {
  return (
    <Routes>
      <Route index element={<FormList />} />
      <Route path=":id" element={<FormEditor />} />
      <Route path="*" element={<Navigate to="/forms" replace />} />
    </Routes>
  );
}
