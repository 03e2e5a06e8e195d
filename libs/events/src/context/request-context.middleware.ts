import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { runInMeshContext } from './mesh-context.js';
import { endSpan, tracingState } from '../tracing/mesh-tracer.js';
import { formatTraceparent, parseTraceparent, TRACEPARENT_HEADER } from '../tracing/traceparent.js';

/** A caller's correlation id, when it sends one; the first event published in the request otherwise. */
export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[\w.:-]{1,200}$/;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

const proceed = (next: () => void): void => next();

/**
 * Opens the mesh context of one HTTP request: events published while handling it share one
 * correlation id (the caller's `X-Correlation-Id`, else the first event's id) and continue the
 * caller's `traceparent`. With tracing on, a server span covers the request until the response ends.
 */
export function requestContext() {
  return function meshRequestContext(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const sent = header(req, CORRELATION_HEADER);
    const correlationid = sent && CORRELATION_ID.test(sent) ? sent : undefined;
    const incoming = header(req, TRACEPARENT_HEADER);
    if (!tracingState.enabled) {
      const traceparent = parseTraceparent(incoming) ? incoming : undefined;
      runInMeshContext({ correlationid, traceparent }, proceed, next, undefined, undefined);
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const route = (req.url ?? '/').split('?')[0];
    const span = trace.getTracer('@app/events').startSpan(
      `${req.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': route } },
      parent,
    );
    res.once('finish', () => {
      // Named by the matched route once known (`/vendors/:id`, not each id): spans group by route.
      const matched = (req as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } }).route?.path;
      if (typeof matched === 'string') {
        const name = `${(req as { baseUrl?: string }).baseUrl ?? ''}${matched}`;
        span.updateName(`${req.method} ${name}`);
        span.setAttribute('http.route', name);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      endSpan(span, res.statusCode >= 500 ? new Error(`HTTP ${res.statusCode}`) : undefined);
    });
    const ctx = { correlationid, traceparent: formatTraceparent(span.spanContext()) };
    context.with(trace.setSpan(parent, span), () => runInMeshContext(ctx, proceed, next, undefined, undefined));
  };
}
