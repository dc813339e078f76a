import { useEffect } from 'react';
import { useNavigate } from 'react-router';

/**
 * Moves a record page opened on a merged record to its survivor. The API answers 301 for a
 * merged id and the browser follows it, so the record loaded for `urlId` carries the survivor's
 * id; the address then changes to the survivor's (replacing the old one in history).
 */
export function useFollowMerged(path: '/contacts' | '/companies', urlId: string, loadedId: string | undefined): void {
  const navigate = useNavigate();
  useEffect(() => {
    if (loadedId && loadedId !== urlId) navigate(`${path}/${loadedId}`, { replace: true });
  }, [path, urlId, loadedId, navigate]);
}
