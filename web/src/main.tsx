import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { earlyAnswer, setCsrfToken } from './api/client';
import { forgetEarlyRequests, readEarlyAnswers } from './api/early';
import { ApiError } from './api/problem';
import { type Me, meKey } from './session';
import { ToastProvider } from './ui/Toast';
import './styles/tokens.css';
import './styles/app.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx will answer the same the second time; only failures of the server or network are retried.
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

/**
 * Renders the app once the early /me has answered (index.html asked for it, and for the opened
 * list's first page, before this script ran: api/early.ts). With those answers in hand the first
 * render shows the signed-in screen and its rows at once; until then the page shows index.html's
 * loading state. (Not a top-level await: that would keep the bundler from putting the modules the
 * lazy screens share with this one into this chunk, and the first screen would need more files.)
 */
async function start(): Promise<void> {
  const meStatus = await readEarlyAnswers();
  const me = earlyAnswer<Me>('GET', '/api/v1/me');
  if (me) {
    setCsrfToken(me.csrfToken);
    queryClient.setQueryData(meKey, me);
  } else if (meStatus === 401) {
    forgetEarlyRequests();
    queryClient.setQueryData(meKey, null);
  }
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <ToastProvider>
            <App />
          </ToastProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}

void start();
