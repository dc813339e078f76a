import { useCallback, useState } from 'react';
import { ApiError, errorMessage, fieldErrors, networkProblem, type Problem } from '../api/problem';

/**
 * Runs a form's action, keeping whether it is running and the problem it failed with, so
 * the form can show each field's error beside it (`errors.email`) and the rest above.
 */
export function useFormAction<A>(action: (input: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = useCallback(
    async (input: A) => {
      setBusy(true);
      setProblem(null);
      try {
        await action(input);
      } catch (err) {
        setProblem(err instanceof ApiError ? err.problem : networkProblem(0, errorMessage(err)));
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  const errors = fieldErrors(problem);
  // A problem without field errors (wrong password, expired link) is shown above the form.
  const message = problem && Object.keys(errors).length === 0 ? problem.detail || problem.title : null;
  return { run, busy, problem, errors, message };
}
