/** The React binding of libs/client-logger: a separate bundle, so the core stays framework-free. */
export { ClientLoggerProvider, useClientLogger } from './client-logger-context.js';
export { ClientErrorBoundary, type BoundaryFallback, type ClientErrorBoundaryProps } from './client-error-boundary.js';
