import { Inject, Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { type Observable, tap } from 'rxjs';
import { InjectEventsService, type IEventsService } from '../publisher/events-service.port.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { SERVER_LOGGING_OPTIONS } from './server-logging-options.js';

/** The request events' types (DESIGN.md "Subjects": resource.action). */
export const REQUEST_EVENTS = { completed: 'http.request_completed', failed: 'http.request_failed', slow: 'http.request_slow' } as const;

interface HttpResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

interface HttpRequest {
  method: string;
  route?: { path?: string };
}

/**
 * Publishes one event per HTTP request, once its answer is sent: `http.request_failed` for a status
 * of 400 or more (level error from 500, warn below; with the exception's class), `http.request_slow`
 * (warn) at or over `slowMs`, else `http.request_completed` for a `sampleRate` share. The route is Nest's pattern (`/vendors/:id`), never the URL with its ids.
 * The publish is not awaited and its failure only logged: a full outbox or a down NATS costs the
 * request nothing.
 * @example app.useGlobalInterceptors(new RequestLoggerInterceptor(events, { enabled: true, sampleRate: 1, slowMs: 1000 }))
 */
@Injectable()
export class RequestLoggerInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RequestLoggerInterceptor.name);

  constructor(
    @InjectEventsService() private readonly events: IEventsService,
    @Inject(SERVER_LOGGING_OPTIONS) private readonly options: ServerLoggingOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.enabled || context.getType() !== 'http') return next.handle();
    const started = performance.now();
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    let exception: string | undefined;
    // On 'finish': the status Nest (or the exception filter) finally sent, and the whole time taken.
    res.once('finish', () => {
      const data = { method: req.method, route: req.route?.path ?? 'unmatched', status: res.statusCode, durationMs: Math.round((performance.now() - started) * 100) / 100 };
      if (res.statusCode >= 400) this.publish(REQUEST_EVENTS.failed, { ...data, ...(exception ? { exception } : {}) }, res.statusCode >= 500 ? 'error' : 'warn');
      else if (data.durationMs >= this.options.slowMs) this.publish(REQUEST_EVENTS.slow, data, 'warn');
      else if (Math.random() < this.options.sampleRate) this.publish(REQUEST_EVENTS.completed, data, 'info');
    });
    return next.handle().pipe(
      tap({
        error: (err: unknown) => {
          exception = err instanceof Error ? err.constructor.name : typeof err;
        },
      }),
    );
  }

  private publish(type: string, data: Record<string, unknown>, level: 'info' | 'warn' | 'error'): void {
    this.events.publishEvent(type, data, { level, category: 'Http' }).catch((err: Error) => this.logger.warn(`${type} not published: ${err.message}`));
  }
}
