/** The plan's logging switches, by their environment names, so a page can pass its env as is. */
export type LoggingToggle = 'ENABLE_EVENT_LOGGING' | 'ENABLE_CLIENT_LOGGING' | 'ENABLE_SERVER_LOGGING' | 'ENABLE_SYSTEM_LOGGING';
export type LoggingToggles = Partial<Record<LoggingToggle, boolean | string | undefined>>;

/** Where a page's event comes from: what it logs itself (`client`) or the app's own state (`system`). */
export type ClientSource = 'client' | 'system';

const OFF = new Set(['false', '0', 'off', 'no']);
/** Unset means on, as on the server: a switch only ever turns a source off. */
const on = (value: boolean | string | undefined): boolean => (typeof value === 'string' ? !OFF.has(value.trim().toLowerCase()) : value !== false);

/**
 * Which sources a page logs. ENABLE_EVENT_LOGGING off silences all; ENABLE_CLIENT_LOGGING the page's
 * own events (actions, errors, navigation, failed calls); ENABLE_SYSTEM_LOGGING `logSystemEvent`.
 * ENABLE_SERVER_LOGGING concerns the server's request logger only: a page has no server requests.
 */
export function enabledSources(toggles: LoggingToggles = {}, clientEnabled = true): Record<ClientSource, boolean> {
  const all = on(toggles.ENABLE_EVENT_LOGGING);
  return { client: all && clientEnabled && on(toggles.ENABLE_CLIENT_LOGGING), system: all && on(toggles.ENABLE_SYSTEM_LOGGING) };
}
