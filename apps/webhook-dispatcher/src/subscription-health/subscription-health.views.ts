/** Per-subscription health as the API shows it, decorator-free: the console's browser code imports it with `import type`. */

/** The last failed attempt in a window. */
export interface HealthLastError {
  at: string;
  deliveryId: string;
  /** The endpoint's status; null for a timeout or a connection error. */
  status: number | null;
  error: string | null;
}

/**
 * One window (the last hour, the last day) of a subscription's attempt log. A batch request counts
 * once per delivery it carries (each has its line in the log).
 */
export interface HealthWindow {
  attempts: number;
  /** Answered 2xx. */
  succeeded: number;
  failed: number;
  /** succeeded ÷ attempts, 0–1; null without attempts. */
  successRate: number | null;
  /** Median and 95th percentile of the attempts' durations (an observed duration, not interpolated); null without attempts. */
  p50Ms: number | null;
  p95Ms: number | null;
  lastError: HealthLastError | null;
  /** Fifo deliveries given up in the window (see `orderingGap`). */
  orderingGaps: number;
}

/** `GET /webhooks/subscriptions/:id/health`, and each item of `GET /webhooks/health`. */
export interface SubscriptionHealthView {
  subscriptionId: string;
  name: string;
  active: boolean;
  hour: HealthWindow;
  day: HealthWindow;
  /** Deliveries not settled now: pending (due or scheduled), paused (waiting while it is disabled), and how long the oldest due one has waited. */
  backlog: { pending: number; paused: number; oldestDueSeconds: number | null };
}
