import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { ClientLogger } from '../client-logger.js';
import type { UserFacing } from '../client-event.js';
import { LoggerContext } from './client-logger-context.js';

/** What replaces the failed subtree: a node, or a function of the error and a `reset` that renders the children again. */
export type BoundaryFallback = ReactNode | ((error: unknown, reset: () => void) => ReactNode);

export interface ClientErrorBoundaryProps extends UserFacing {
  children?: ReactNode;
  fallback?: BoundaryFallback;
  /** Names this boundary in the event (`data.boundary`), when a page has several. */
  name?: string;
  /** The logger to use; by default the nearest `ClientLoggerProvider`'s. */
  logger?: ClientLogger;
}

interface State {
  failed: boolean;
  error: unknown;
}

/**
 * React's error boundary for the mesh: an error thrown while rendering below it is logged as
 * `client.error` with React's component stack (and `showToUser` / `userMessage` when given), and
 * `fallback` is shown in place of the subtree. A class component: React has no hook for this.
 * @example <ClientErrorBoundary fallback={<p>Something went wrong</p>} userMessage="The cart could not be shown" showToUser><Cart /></ClientErrorBoundary>
 */
export class ClientErrorBoundary extends Component<ClientErrorBoundaryProps, State> {
  static override contextType = LoggerContext;
  declare context: ClientLogger | null;
  override state: State = { failed: false, error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const logger = this.props.logger ?? this.context;
    const { showToUser, userMessage, name } = this.props;
    const context = { componentStack: info.componentStack ?? undefined, ...(name ? { boundary: name } : {}) };
    // Without a logger the error is still React's to report (it logs caught errors to the console).
    logger?.logError(error, context, { showToUser, userMessage });
  }

  private readonly reset = () => this.setState({ failed: false, error: undefined });

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const { fallback = null } = this.props;
    return typeof fallback === 'function' ? fallback(this.state.error, this.reset) : fallback;
  }
}
