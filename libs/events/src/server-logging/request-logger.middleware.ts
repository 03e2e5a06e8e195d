import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { InjectEventsService, type IEventsService } from '../publisher/events-service.port.js';
import type { ServerLoggingOptions } from './server-logging-env.js';
import { SERVER_LOGGING_OPTIONS } from './server-logging-options.js';
import { exceptionOf, isAggregatedRefusal } from './request-outcome.js';
import { routeOfUnrouted, type UnroutedRequest } from './unrouted-route.js';

/** The request events' types (DESIGN.md "Subjects": resource.action). */
export const REQUEST_EVENTS = { completed: 'http.request_completed', failed: 'http.request_failed', slow: 'http.request_slow' } as const;

/** Probes and scrapes: polled all day, so their successes are never published (their failures and slowness are). */
const PROBE_ROUTES = /^\/(?:health|metrics)(?:\/|$)/;

interface HttpResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

interface HttpRequest extends UnroutedRequest {
  route?: { path?: string };
}

/**
 * Publishes one event per HTTP request, once its answer is sent: `http.request_failed` for a status
 * of 400 or more (level error from 500, warn below; with the exception's class), `http.request_slow`
 * (warn) at or over `slowMs`, else `http.request_completed` for a `sampleRate` share. The route is
 * Nest's pattern (`/vendors/:id`), never the URL with its ids. Not published: requests that matched
 * no route (a scanner's probes would be one event each), successful /health and /metrics polls, and
 * API-key refusals, which AuthAttempts reports aggregated. A failure answered before routing (the
 * edge's body parser: 413, 415, malformed JSON) is published under the route it was sent to.
 *
 * A middleware, not an interceptor: a global interceptor also wraps every event handler of the
 * JetStream transport (it inherits the app's config), while middleware runs on Express only.
 * ServerLoggingModule runs it as the HTTP adapter's request hook, ahead of every app.use
 * middleware: mounted after the edge's body parser, it never saw that parser's refusals (Express
 * skips plain middleware once one passes an error on). The exception's class comes from the HTTP
 * exception filter (request-outcome.ts), which runs on errors only. The publish is not awaited and
 * its failure only logged: a full outbox or a down NATS costs the request nothing.
 * @example httpAdapter.setOnRequestHook((req, res, done) => logger.use(req, res, done)); // what ServerLoggingModule does when on
 */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware<HttpRequest, HttpResponse> {
  private readonly logger = new Logger(RequestLoggerMiddleware.name);

  constructor(
    @InjectEventsService() private readonly events: IEventsService,
    @Inject(SERVER_LOGGING_OPTIONS) private readonly options: ServerLoggingOptions,
  ) {}

  use(req: HttpRequest, res: HttpResponse, next: () => void): void {
    const started = performance.now();
    // On 'finish': the status Nest (or the exception filter) finally sent, and the whole time taken.
    res.once('finish', () => this.finished(req, res, performance.now() - started));
    next();
  }

  private finished(req: HttpRequest, res: HttpResponse, elapsedMs: number): void {
    // No route and a failure: refused before routing, or matched nothing (the lookup finds none).
    // Not for a 404, which the edge never answers before routing: a scanner's misses cost no lookup.
    const route = req.route?.path ?? (res.statusCode >= 400 && res.statusCode !== 404 ? routeOfUnrouted(req) : undefined);
    if (route === undefined || isAggregatedRefusal(req)) return;
    const data = { method: req.method, route, status: res.statusCode, durationMs: Math.round(elapsedMs * 100) / 100 };
    if (res.statusCode >= 400) {
      const exception = exceptionOf(res);
      this.publish(REQUEST_EVENTS.failed, { ...data, ...(exception ? { exception } : {}) }, res.statusCode >= 500 ? 'error' : 'warn');
    } else if (data.durationMs >= this.options.slowMs) this.publish(REQUEST_EVENTS.slow, data, 'warn');
    else if (!PROBE_ROUTES.test(route) && Math.random() < this.options.sampleRate) this.publish(REQUEST_EVENTS.completed, data, 'info');
  }

  private publish(type: string, data: Record<string, unknown>, level: 'info' | 'warn' | 'error'): void {
    this.events.publishEvent(type, data, { level, category: 'Http' }).catch((err: Error) => this.logger.warn(`${type} not published: ${err.message}`));
  }
}
