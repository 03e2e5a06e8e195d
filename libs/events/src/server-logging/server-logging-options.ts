import type { EventsConfig } from '../config/events-config.js';
import { serverLoggingFromEnv, type ServerLoggingOptions } from './server-logging-env.js';

/** Injection token of the resolved {@link ServerLoggingOptions}. */
export const SERVER_LOGGING_OPTIONS = Symbol('SERVER_LOGGING_OPTIONS');

/** The environment's switches with `overrides` on top, off whenever ENABLE_EVENT_LOGGING (the master switch) is. */
export function resolveServerLogging(events: EventsConfig, overrides: Partial<ServerLoggingOptions> = {}): ServerLoggingOptions {
  const options = { ...serverLoggingFromEnv(), ...overrides };
  return { ...options, enabled: options.enabled && events.enableEventLogging };
}
