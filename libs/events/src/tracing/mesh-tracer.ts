import { type Attributes, context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { CloudEvent } from '../envelope/cloud-event.js';
import { runInMeshContext } from '../context/mesh-context.js';
import { formatTraceparent, parseTraceparent, TRACEPARENT_HEADER } from './traceparent.js';

/** A delivered message, read for its headers only when tracing is on (nats.js decodes them lazily). */
export interface HeaderSource {
  readonly headers?: { get(name: string): string };
}

/**
 * Whether spans are made. Set once by {@link startTracing} (tracing-sdk.ts) when an OTLP endpoint
 * is configured; while false the publisher and transport test this flag and make no span object.
 */
export const tracingState = { enabled: false };

const tracer = () => trace.getTracer('@app/events');

/** Ends a span, marking it failed with the error when there is one. */
export function endSpan(span: Span | undefined, err?: unknown): void {
  if (!span) return;
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  }
  span.end();
}

/**
 * A producer span for one publish (child of the request's or handled event's span), whose
 * `traceparent` replaces the envelope's so that the consumer's span is its child.
 * Undefined while tracing is off.
 */
export function startPublishSpan(event: CloudEvent, subject: string, via: 'direct' | 'outbox'): Span | undefined {
  if (!tracingState.enabled) return undefined;
  const span = tracer().startSpan(`publish ${event.type}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': via === 'outbox' ? 'create' : 'send',
      'messaging.destination.name': subject,
      'messaging.message.id': event.id,
      'mesh.correlation_id': event.correlationid ?? '',
      'mesh.via': via,
    },
  });
  event.traceparent = formatTraceparent(span.spanContext());
  return span;
}

/** What the transport runs for one delivery: its arguments passed through, so no closure per message. */
export type Handle<A, C> = (a: A, event: CloudEvent, c: C) => Promise<void>;

/**
 * Runs `fn(a, event, c)` as the handling of `event`: inside its mesh context (what it publishes
 * inherits correlation, causation and trace) and, with tracing on, a consumer span whose parent is
 * the producer's span named by `traceparent` (the envelope's, else the message's NATS header).
 */
export function handleInContext<A, C>(event: CloudEvent, subject: string, msg: HeaderSource, fn: Handle<A, C>, a: A, c: C): Promise<void> {
  if (!tracingState.enabled) return runInMeshContext(event, fn, a, event, c);
  return handleTraced(event, subject, msg, fn, a, c);
}

async function handleTraced<A, C>(event: CloudEvent, subject: string, msg: HeaderSource, fn: Handle<A, C>, a: A, c: C): Promise<void> {
  const producer = parseTraceparent(event.traceparent ?? msg.headers?.get(TRACEPARENT_HEADER));
  const parent = producer ? trace.setSpanContext(ROOT_CONTEXT, producer) : ROOT_CONTEXT;
  const span = tracer().startSpan(
    `consume ${event.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': subject,
        'messaging.message.id': event.id,
        'mesh.correlation_id': event.correlationid ?? event.id,
      },
      links: producer ? [{ context: producer }] : [],
    },
    parent,
  );
  const ctx = { id: event.id, correlationid: event.correlationid ?? event.id, traceparent: formatTraceparent(span.spanContext()) };
  try {
    await context.with(trace.setSpan(parent, span), () => runInMeshContext(ctx, fn, a, event, c));
    endSpan(span);
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}

/**
 * Runs `work` in a span named `name` when tracing is on, and as a plain call otherwise. For the
 * apps' own steps: store write, webhook delivery, SMS send, search sync. The span is a child of the
 * current request's or event's span; work done outside one (a webhook worker's later attempt)
 * names its event's `traceparent` through `parent`, read only when tracing is on.
 * @example await withSpan('webhook.deliver', { 'url.full': url }, () => this.post(url, body), () => event.traceparent);
 */
export function withSpan<R>(name: string, attributes: Attributes, work: () => Promise<R>, parent?: () => string | undefined): Promise<R> {
  if (!tracingState.enabled) return work();
  let ctx = context.active();
  if (parent && !trace.getSpan(ctx)) {
    const remote = parseTraceparent(parent());
    if (remote) ctx = trace.setSpanContext(ctx, remote);
  }
  return tracer().startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, ctx, async (span) => {
    try {
      const result = await work();
      endSpan(span);
      return result;
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  });
}

/**
 * The `traceparent` of an envelope kept as JSON text (a stored webhook body), undefined when unreadable.
 * @example
 * const parent = traceparentOfJson(delivery.body); // then withSpan('webhook.deliver', attrs, send, parent)
 */
export function traceparentOfJson(json: string): string | undefined {
  try {
    const tp = (JSON.parse(json) as { traceparent?: unknown }).traceparent;
    return typeof tp === 'string' ? tp : undefined;
  } catch {
    return undefined; // not an envelope: the span starts its own trace
  }
}
