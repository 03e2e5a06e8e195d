import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, request, session } from './api.js';
import { ErrorBox, Loading } from './components/Status.js';
import { useAsync, useHashRoute } from './hooks.js';
import { AuditPage } from './pages/AuditPage.js';
import { CataloguePage } from './pages/CataloguePage.js';
import { DeadLettersPage } from './pages/DeadLettersPage.js';
import { ErrorsPage } from './pages/ErrorsPage.js';
import { EventsPage } from './pages/EventsPage.js';
import { HealthPage } from './pages/HealthPage.js';
import { LivePage } from './pages/LivePage.js';
import { NotificationsPage } from './pages/NotificationsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { ReplaysPage } from './pages/ReplaysPage.js';
import { StatsPage } from './pages/StatsPage.js';
import { UserErrorsPage } from './pages/UserErrorsPage.js';
import { WebhooksPage } from './pages/WebhooksPage.js';
import type { SessionInfo } from './types.js';

const PAGES = [
  { route: 'overview', label: 'Overview', Page: OverviewPage },
  { route: 'events', label: 'Events', Page: EventsPage },
  { route: 'live', label: 'Live', Page: LivePage },
  { route: 'stats', label: 'Stats', Page: StatsPage },
  { route: 'errors', label: 'Errors', Page: ErrorsPage },
  { route: 'user-errors', label: 'User errors', Page: UserErrorsPage },
  { route: 'webhooks', label: 'Webhooks', Page: WebhooksPage },
  { route: 'notifications', label: 'Notifications', Page: NotificationsPage },
  { route: 'dead-letters', label: 'Dead letters', Page: DeadLettersPage },
  { route: 'replays', label: 'Replays', Page: ReplaysPage },
  { route: 'catalogue', label: 'Catalogue', Page: CataloguePage },
  { route: 'audit', label: 'Audit', Page: AuditPage },
  { route: 'health', label: 'Health', Page: HealthPage },
] as const;

export function App() {
  const info = useAsync((signal) => request<SessionInfo>('/api/session', { signal }), []);
  const [hasKey, setHasKey] = useState(() => session.key !== null);

  if (info.status === 'error') return <Shell><ErrorBox error={info.error} onRetry={info.reload} title="The console's backend does not answer" /></Shell>;
  if (!info.data) return <Shell><Loading what="the console" /></Shell>;
  if (info.data.adminKeyConfigured && !hasKey) return <Shell><KeyGate onAccepted={() => setHasKey(true)} /></Shell>;
  return (
    <Pages
      adminKeyConfigured={info.data.adminKeyConfigured}
      onForget={() => {
        session.key = null;
        setHasKey(false);
      }}
    />
  );
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Event mesh</span>
      </header>
      <main className="gate">{children}</main>
    </div>
  );
}

/** Asks for the admin key once; it is checked by the console and kept for this browser session. */
function KeyGate({ onAccepted }: { onAccepted: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    session.key = key.trim();
    try {
      await request('/api/session', { method: 'POST' });
      onAccepted();
    } catch (err) {
      session.key = null;
      setError(err instanceof ApiError && err.status === 403 ? 'Wrong key: that is not the mesh’s ADMIN_API_KEY. Try again.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card key-gate" onSubmit={(e) => void submit(e)} aria-label="Admin key">
      <h1>Admin API key</h1>
      <p className="muted">The mesh’s ADMIN_API_KEY. It is kept in this browser tab’s session only and sent as X-Api-Key.</p>
      <label>
        Key
        <input name="apiKey" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} autoFocus required />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy || key.trim() === ''}>
        {busy ? 'Checking…' : 'Open the console'}
      </button>
    </form>
  );
}

function Pages({ adminKeyConfigured, onForget }: { adminKeyConfigured: boolean; onForget: () => void }) {
  const [route, go] = useHashRoute('overview');
  const current = PAGES.find((p) => p.route === route) ?? PAGES[0];
  const { Page } = current;
  // On a phone the nav scrolls sideways: keep the current page's tab in view.
  useEffect(() => {
    document.querySelector('.nav a.active')?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [current]);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Event mesh</span>
        <nav className="nav" aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.route} href={`#/${p.route}`} className={p === current ? 'active' : ''} aria-current={p === current ? 'page' : undefined} onClick={() => go(p.route)}>
              {p.label}
            </a>
          ))}
        </nav>
        {adminKeyConfigured && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onForget} title="Forget the admin key in this tab">
            Sign out
          </button>
        )}
      </header>
      {!adminKeyConfigured && (
        <p className="banner">ADMIN_API_KEY is not set on the mesh: pages are open, and the apps refuse admin actions (resolve, replay, redrive, webhooks) until it is.</p>
      )}
      <main>
        <h1 className="page-title">{current.label}</h1>
        <Page />
      </main>
    </div>
  );
}
