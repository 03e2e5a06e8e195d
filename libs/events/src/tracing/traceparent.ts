import { type SpanContext, TraceFlags } from '@opentelemetry/api';

/** The W3C header name, in NATS headers as in HTTP. */
export const TRACEPARENT_HEADER = 'traceparent';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = '0'.repeat(32);
const INVALID_SPAN = '0'.repeat(16);

/** W3C `traceparent` (version 00) of a span context. */
export const formatTraceparent = (sc: SpanContext): string =>
  `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;

/** The remote span context a `traceparent` names, or undefined when it is absent or malformed. */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = value ? TRACEPARENT.exec(value) : null;
  if (!m || m[1] === INVALID_TRACE || m[2] === INVALID_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** The trace id of a `traceparent`, for log lines. */
export const traceIdOf = (traceparent: string | undefined): string | undefined => (traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined);
