import { createContext, type ReactNode, useContext } from 'react';
import type { ClientLogger } from '../client-logger.js';

const LoggerContext = createContext<ClientLogger | null>(null);

/**
 * Gives the components below it one `ClientLogger` (made once, outside React, so a re-render never
 * makes a second one with its own timer and session).
 * @example <ClientLoggerProvider logger={logger}><App /></ClientLoggerProvider>
 */
export function ClientLoggerProvider({ logger, children }: { logger: ClientLogger; children?: ReactNode }) {
  return <LoggerContext.Provider value={logger}>{children}</LoggerContext.Provider>;
}

/** The provider's logger; throws outside a provider, where events would otherwise vanish unseen. */
export function useClientLogger(): ClientLogger {
  const logger = useContext(LoggerContext);
  if (!logger) throw new Error('useClientLogger: no <ClientLoggerProvider logger={…}> above this component');
  return logger;
}

export { LoggerContext };
