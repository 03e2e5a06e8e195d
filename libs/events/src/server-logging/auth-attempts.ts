import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { FailureAggregator, type FailureReport } from '../http/failure-aggregator.js';
import { InjectEventsService, type IEventsService } from '../publisher/events-service.port.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { SERVER_LOGGING_OPTIONS } from './server-logging-options.js';
import { noteAggregatedRefusal } from './request-outcome.js';

/** Type of the aggregated refusals of the API-key guard. */
export const AUTH_FAILED_EVENT = 'http.auth_failed';

/** Why the guard refused: no key sent, a wrong one, or admin routes off (no ADMIN_API_KEY). */
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

/**
 * The API-key guard's refusals as `http.auth_failed` (warn, audience admin, category Security), when
 * ENABLE_SERVER_LOGGING is on: the first per source address and route at once, then one per window
 * with the count, as `sms.signature_verification_failure` does. Never the key itself.
 */
@Injectable()
export class AuthAttempts implements OnModuleDestroy {
  private readonly logger = new Logger(AuthAttempts.name);
  private readonly failures: FailureAggregator<AuthFailure>;

  constructor(
    @InjectEventsService() private readonly events: IEventsService,
    @Inject(SERVER_LOGGING_OPTIONS) private readonly options: ServerLoggingOptions,
  ) {
    this.failures = new FailureAggregator<AuthFailure>((r) => this.publish(r), { windowMs: options.authWindowMs });
  }

  refused(req: RefusedRequest, reason: AuthRefusal): void {
    if (!this.options.enabled) return;
    // Counted here: the request logger publishes no http.request_failed of its own for it.
    noteAggregatedRefusal(req);
    const remote = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const method = req.method ?? 'unknown';
    // Nest's route pattern, never the URL with its ids or query.
    const route = req.route?.path ?? 'unmatched';
    this.failures.record(`${remote} ${method} ${route}`, { method, route, reason, remote });
  }

  onModuleDestroy(): void {
    this.failures.flush();
  }

  private publish(r: FailureReport<AuthFailure>): void {
    this.logger.warn(`refused ${r.count} ${r.details.method} ${r.details.route} request(s) from ${r.details.remote}: ${r.details.reason}`);
    this.events
      .publishEvent(AUTH_FAILED_EVENT, FailureAggregator.eventData(r), { level: 'warn', audience: 'admin', category: 'Security' })
      .catch((err: Error) => this.logger.warn(`${AUTH_FAILED_EVENT} not published: ${err.message}`));
  }
}
