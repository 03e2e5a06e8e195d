import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { tracingState } from './mesh-tracer.js';

let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  service: string;
  /** OTLP/HTTP base URL (`/v1/traces` is added); `OTEL_EXPORTER_OTLP_ENDPOINT` by default. */
  endpoint?: string;
}

/**
 * Starts the OpenTelemetry SDK (spans batched to an OTLP/HTTP JSON endpoint, the async-hooks
 * context manager, W3C propagation) when an endpoint is configured. Without one nothing is
 * registered and every span helper stays a plain call. Once per process; returns whether on.
 */
export function startTracing(options: TracingOptions): boolean {
  const endpoint = options.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (provider) return true;
  if (!endpoint) return false;
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME || options.service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 })],
  });
  provider.register();
  tracingState.enabled = true;
  return true;
}

/** Sends the spans still batched and stops the SDK (on shutdown). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  if (!p) return;
  provider = undefined;
  tracingState.enabled = false;
  await p.shutdown();
  // Unregistered too, so that a later start in the same process (test suites in one worker) can register again.
  trace.disable();
  context.disable();
  propagation.disable();
}

/** Sends the spans batched so far without stopping (tests, before reading the collector). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}
