import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectEventsService, type IEventsService } from '../publisher/events-service.port.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { SERVER_LOGGING_OPTIONS } from './server-logging-options.js';
import { AuthRefusals, type AuthRefusal, type RefusedRequest } from './auth-refusals.js';

export { AUTH_FAILED_EVENT, type AuthRefusal, type RefusedRequest } from './auth-refusals.js';

/**
 * The API-key guard's refusals as aggregated `http.auth_failed` events (AuthRefusals), when
 * ENABLE_SERVER_LOGGING is on, published through the app's EventsService (so through its outbox
 * when NATS is down).
 */
@Injectable()
export class AuthAttempts implements OnModuleDestroy {
  private readonly logger = new Logger(AuthAttempts.name);
  private readonly refusals: AuthRefusals;

  constructor(
    @InjectEventsService() private readonly events: IEventsService,
    @Inject(SERVER_LOGGING_OPTIONS) private readonly options: ServerLoggingOptions,
  ) {
    this.refusals = new AuthRefusals((type, data, publishOptions) => this.events.publishEvent(type, data, publishOptions), (line) => this.logger.warn(line), options.authWindowMs);
  }

  refused(req: RefusedRequest, reason: AuthRefusal): void {
    if (this.options.enabled) this.refusals.refused(req, reason);
  }

  onModuleDestroy(): void {
    this.refusals.flush();
  }
}
