import type { PublishOptions } from '../envelope/cloud-event.js';
import { FailureAggregator, type FailureReport } from '../http/failure-aggregator.js';
import { noteAggregatedRefusal } from './request-outcome.js';

/** Type of the aggregated refusals of the API-key guard (and of the MCP server's bearer check). */
export const AUTH_FAILED_EVENT = 'http.auth_failed';

/** Why a request was refused: no key sent, a wrong one, or admin routes off (no ADMIN_API_KEY). */
export type AuthRefusal = 'missing_key' | 'wrong_key' | 'admin_disabled';

interface AuthFailure {
  method: string;
  route: string;
  reason: AuthRefusal;
  remote: string;
}

export interface RefusedRequest {
  method?: string;
  ip?: string;
  route?: { path?: string };
  socket?: { remoteAddress?: string };
}

/** How the events leave: EventsService's publishEvent in the Nest apps, a JetStream publish in the MCP server. */
export type PublishAuthFailed = (type: string, data: Record<string, unknown>, options: PublishOptions) => Promise<unknown>;

/**
 * Refused credentials as `http.auth_failed` (warn, audience admin, category Security): the first
 * per source address and route at once, then one per window with the count, as
 * `sms.signature_verification_failure` does. Never the key itself. Nest-free, so that the MCP
 * server, a plain Node program, reports its refused bearer tokens as the apps' guard (AuthAttempts) does.
 * @example const refusals = new AuthRefusals(publish, (line) => console.warn(line)); refusals.refused(req, 'wrong_key');
 */
export class AuthRefusals {
  private readonly failures: FailureAggregator<AuthFailure>;

  constructor(
    private readonly publish: PublishAuthFailed,
    private readonly log: (line: string) => void,
    windowMs?: number,
  ) {
    this.failures = new FailureAggregator<AuthFailure>((r) => this.report(r), { windowMs });
  }

  refused(req: RefusedRequest, reason: AuthRefusal): void {
    // Counted here: the request logger publishes no http.request_failed of its own for it.
    noteAggregatedRefusal(req);
    const remote = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const method = req.method ?? 'unknown';
    // The route's pattern, never the URL with its ids or query.
    const route = req.route?.path ?? 'unmatched';
    this.failures.record(`${remote} ${method} ${route}`, { method, route, reason, remote });
  }

  /** Reports the open windows' counts (on shutdown). */
  flush(): void {
    this.failures.flush();
  }

  private report(r: FailureReport<AuthFailure>): void {
    this.log(`refused ${r.count} ${r.details.method} ${r.details.route} request(s) from ${r.details.remote}: ${r.details.reason}`);
    this.publish(AUTH_FAILED_EVENT, FailureAggregator.eventData(r), { level: 'warn', audience: 'admin', category: 'Security' }).catch((err: Error) =>
      this.log(`${AUTH_FAILED_EVENT} not published: ${err.message}`),
    );
  }
}
