import type { ClientEvent, UserFacing, WireEvent } from './client-event.js';
import { pendingStore } from './pending-store.js';
import { type ClientSource, enabledSources, type LoggingToggles } from './toggles.js';

export type { ClientEvent, ClientLevel, UserFacing } from './client-event.js';
export type { LoggingToggle, LoggingToggles } from './toggles.js';

export const MAX_EVENTS_PER_BATCH = 10;
export const BATCH_INTERVAL_MS = 5_000;
const SESSION_KEY = 'mesh.sessionId';
/** Waits before resending kept batches, doubling after each failure up to the last. */
const RETRY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 60_000];
/** Unanswered sends in a row while online after which the kept batches are dropped (about two minutes of backoff). */
export const MAX_ONLINE_FAILURES = 8;

export interface ClientLoggerOptions {
  /** The event-store's base URL, e.g. `https://events.example.com`. */
  endpoint: string;
  /** The public client key (`pk_…`) created with `POST /events/client-keys` for this page's origin. */
  key: string;
  /** BATCH_EVENTS: off sends every event at once. */
  batchEvents?: boolean;
  maxEventsPerBatch?: number;
  batchIntervalMs?: number;
  /** ENABLE_CLIENT_LOGGING as a boolean: off makes every call but `logSystemEvent` a no-op. */
  enabled?: boolean;
  /** ENABLE_EVENT_LOGGING / ENABLE_CLIENT_LOGGING / ENABLE_SYSTEM_LOGGING, as booleans or env strings ('false', '0', 'off'). */
  toggles?: LoggingToggles;
  /** The signed-in user: events with `showToUser` are filed under them, so their feed shows them. */
  userId?: string;
  /**
   * Sends in a row without an answer while `navigator.onLine` is true after which the kept (already
   * retried) batches are dropped instead of retried again: a refusal without CORS (another origin, a
   * revoked key) reads to the page like a network failure, and would otherwise be resent forever.
   * Failures while offline do not count; any answer (429 and 5xx included) starts the count over.
   * Default {@link MAX_ONLINE_FAILURES}.
   */
  maxOnlineFailures?: number;
  /** Called with the events just dropped (given up after `maxOnlineFailures`, or past the 500 kept) and the total so far. */
  onDrop?: (dropped: number, total: number) => void;
}

/** Types the helpers publish; the client key must allow them (e.g. with the pattern `client.*`). */
export const CLIENT_TYPES = { error: 'client.error', userAction: 'client.user_action', apiFailed: 'client.api_failed', navigation: 'client.navigation', system: 'client.system' } as const;

function sessionId(): string {
  try {
    const known = sessionStorage.getItem(SESSION_KEY);
    if (known) return known;
    const id = crypto.randomUUID();
    sessionStorage.setItem(SESSION_KEY, id);
    return id;
  } catch {
    // Storage refused (privacy mode): the id lasts as long as the page.
    return crypto.randomUUID();
  }
}

const errorData = (error: unknown): Record<string, unknown> =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'NonError', message: String(error) };

/**
 * Batches a page's events to the event-store's `POST /events/client`: sent when
 * `maxEventsPerBatch` are queued or every `batchIntervalMs`, and by `navigator.sendBeacon` when the
 * page is hidden or closed, so the last batch survives the page. Never throws into the page.
 */
export class ClientLogger {
  private queue: WireEvent[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly url: string;
  private readonly session = sessionId();
  private readonly max: number;
  /** The page's fetch as it was, so a wrapper installed later never sees (or logs) the logger's own calls. */
  private readonly send = fetch.bind(globalThis);
  private readonly onHide = () => {
    if (document.visibilityState === 'hidden') this.flush(true);
  };
  private readonly onPageHide = () => this.flush(true);
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sends in a row without an answer while the browser reported itself online. */
  private onlineFailures = 0;
  private dropped = 0;
  /** Back online: what was kept is sent at once, not at the end of a backoff grown while offline. */
  private readonly onOnline = () => {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retries = 0;
    this.scheduleRetry(0);
  };
  private readonly sources: Record<ClientSource, boolean>;

  constructor(private readonly options: ClientLoggerOptions) {
    this.url = `${options.endpoint.replace(/\/$/, '')}/events/client?key=${encodeURIComponent(options.key)}`;
    this.max = options.maxEventsPerBatch ?? MAX_EVENTS_PER_BATCH;
    this.sources = enabledSources(options.toggles, options.enabled !== false);
    // Every source off: no timer, no page listener, nothing sent (not even what an earlier page kept).
    if (!this.sources.client && !this.sources.system) return;
    this.timer = setInterval(() => this.flush(), options.batchIntervalMs ?? BATCH_INTERVAL_MS);
    document.addEventListener('visibilitychange', this.onHide);
    addEventListener('pagehide', this.onPageHide);
    addEventListener('online', this.onOnline);
    // What an earlier page (or this one before a reload) could not send.
    this.scheduleRetry(0);
  }

  get sessionId(): string {
    return this.session;
  }

  /** Events given up so far: dropped after `maxOnlineFailures` unanswered sends in a row while online, or past the 500 kept. */
  get droppedEvents(): number {
    return this.dropped;
  }

  /** Whether a source is on (ENABLE_EVENT_LOGGING and its own switch). */
  isEnabled(source: ClientSource = 'client'): boolean {
    return this.sources[source];
  }

  logEvent(event: ClientEvent): void {
    this.push(event, 'client');
  }

  /** An error, with `{ showToUser: true, userMessage }` when the user should read about it in their own words. */
  logError(error: unknown, context?: Record<string, unknown>, user?: UserFacing): void {
    this.logEvent({ type: CLIENT_TYPES.error, level: 'error', data: { ...errorData(error), ...context }, ...user });
  }

  /** The app's own state (`client.system`, category System), e.g. a new version loaded; ENABLE_SYSTEM_LOGGING switches it off. */
  logSystemEvent(event: string, details?: Record<string, unknown>): void {
    this.push({ type: CLIENT_TYPES.system, category: 'System', data: { event, ...details } }, 'system');
  }

  logUserAction(action: string, details?: Record<string, unknown>): void {
    this.logEvent({ type: CLIENT_TYPES.userAction, data: { action, ...details } });
  }

  private push({ showToUser, ...event }: ClientEvent, source: ClientSource): void {
    if (!this.sources[source]) return;
    const wire: WireEvent = { ...event, data: event.data ?? {}, id: crypto.randomUUID(), time: new Date().toISOString(), sessionId: this.session, url: location.href, userAgent: navigator.userAgent };
    if (showToUser) {
      wire.audience = event.audience ? `${event.audience},user` : 'user,admin';
      if (this.options.userId && !event.resourceType) Object.assign(wire, { resourceType: 'user', resourceId: this.options.userId });
    }
    this.queue.push(wire);
    if (this.options.batchEvents === false || this.queue.length >= this.max) this.flush();
  }

  /**
   * Sends what is queued; `leaving` uses a beacon, which the browser delivers after the page is gone.
   * A batch the ingest could not take (offline, 429, 5xx) is kept in localStorage (bounded) and
   * resent with backoff, also after a reload.
   */
  flush(leaving = false): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.max);
      // A string body goes as text/plain: no preflight, which a beacon could not wait for.
      const body = JSON.stringify({ events: batch });
      if (leaving && navigator.sendBeacon(this.url, body)) continue;
      void this.post(batch, body, false);
    }
  }

  /** `retried`: the batch was kept before (taken back from the store), so it has failed at least once. */
  private async post(batch: WireEvent[], body: string, retried: boolean): Promise<void> {
    let retry: boolean;
    let unanswered = false;
    try {
      const res = await this.send(this.url, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'text/plain' } });
      // Another 4xx would be refused again: the answer names the problem, resending cannot fix it.
      retry = res.status === 429 || res.status >= 500;
      // Answered (even 429 or 5xx): the ingest is there and took the key, so what is kept will go in time.
      this.onlineFailures = 0;
    } catch {
      retry = unanswered = true;
    }
    if (!retry) {
      this.retries = 0;
      return;
    }
    // Only a send without an answer counts, and only while online: offline, the failure says nothing
    // about the ingest, and the logger keeps retrying for as long as that lasts.
    if (unanswered && navigator.onLine && ++this.onlineFailures >= (this.options.maxOnlineFailures ?? MAX_ONLINE_FAILURES)) {
      this.onlineFailures = 0;
      // Online and unanswered again and again: most likely refused without CORS (a revoked key,
      // another origin). The oldest go: everything kept, and this batch if it was one of them; a batch
      // failing for the first time still gets its retries.
      this.drop(pendingStore.take().length + (retried ? batch.length : 0));
      if (retried) return;
    }
    this.drop(pendingStore.keep(batch));
    this.scheduleRetry(RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]);
  }

  private drop(count: number): void {
    if (count === 0) return;
    this.dropped += count;
    try {
      this.options.onDrop?.(count, this.dropped);
    } catch (err) {
      // The page's callback must not stop the logger: its error is rethrown on a task of its own, where the page sees it.
      setTimeout(() => {
        throw err;
      });
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const pending = pendingStore.take();
      for (let i = 0; i < pending.length; i += this.max) {
        const batch = pending.slice(i, i + this.max);
        void this.post(batch, JSON.stringify({ events: batch }), true);
      }
    }, delayMs);
  }

  /** Logs `error` events and unhandled promise rejections; returns the undo. */
  installGlobalHandlers(): () => void {
    const onError = (e: ErrorEvent) => this.logError(e.error ?? e.message, { source: e.filename, line: e.lineno, column: e.colno });
    const onRejection = (e: PromiseRejectionEvent) => this.logError(e.reason, { unhandledRejection: true });
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onRejection);
    return () => {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
    };
  }

  /**
   * Logs each navigation of a single-page app (`history.pushState`/`replaceState` and back/forward) as
   * `client.navigation` with the path it left and the one it reached; returns the undo.
   */
  installNavigationHook(): () => void {
    let from = location.pathname + location.search;
    const changed = () => {
      const to = location.pathname + location.search;
      if (to === from) return;
      this.logEvent({ type: CLIENT_TYPES.navigation, data: { from, to } });
      from = to;
    };
    const { pushState, replaceState } = history;
    history.pushState = function (...args: Parameters<History['pushState']>) {
      pushState.apply(this, args);
      changed();
    };
    history.replaceState = function (...args: Parameters<History['replaceState']>) {
      replaceState.apply(this, args);
      changed();
    };
    addEventListener('popstate', changed);
    return () => {
      history.pushState = pushState;
      history.replaceState = replaceState;
      removeEventListener('popstate', changed);
    };
  }

  /** `fetch` that logs a failed call (an error status or a network error) with its timing; its own ingest calls excepted. */
  wrapFetch(inner: typeof fetch = fetch): typeof fetch {
    return async (input, init) => {
      const started = performance.now();
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      const target = input instanceof Request ? input.url : String(input);
      try {
        const res = await inner(input, init);
        if (!res.ok) this.apiFailed(method, target, started, { status: res.status });
        return res;
      } catch (err) {
        this.apiFailed(method, target, started, { error: errorData(err).message });
        throw err;
      }
    };
  }

  /** Stops the timer and the page hooks, sending what is queued. */
  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    document.removeEventListener('visibilitychange', this.onHide);
    removeEventListener('pagehide', this.onPageHide);
    removeEventListener('online', this.onOnline);
    this.flush();
  }

  private apiFailed(method: string, target: string, started: number, outcome: Record<string, unknown>): void {
    this.logEvent({ type: CLIENT_TYPES.apiFailed, level: 'error', data: { method, url: target, durationMs: Math.round(performance.now() - started), ...outcome } });
  }
}

/** @example const logger = createClientLogger({ endpoint: 'https://events.example.com', key: 'pk_…' }); logger.installGlobalHandlers(); */
export const createClientLogger = (options: ClientLoggerOptions): ClientLogger => new ClientLogger(options);
