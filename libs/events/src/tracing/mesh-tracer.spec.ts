import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createEnvelope, type CloudEvent } from '../envelope/cloud-event.js';
import { applyMeshContext } from '../context/mesh-context.js';
import { endSpan, handleInContext, startPublishSpan, tracingState, withSpan } from './mesh-tracer.js';
import { parseTraceparent } from './traceparent.js';

const UPSTREAM = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Publishes a follow-up from inside the handled event, as a handler would. */
async function publishFollowUp(out: CloudEvent[], event: CloudEvent): Promise<void> {
  await Promise.resolve();
  const next = createEnvelope('vendor.welcomed', {}, 'test');
  applyMeshContext(next);
  out.push(next);
  expect(event.type).toBe('vendor.created');
}

describe('mesh tracer, tracing off', () => {
  it('makes no span and passes the handled event’s traceparent on unchanged', async () => {
    expect(tracingState.enabled).toBe(false);
    const event = createEnvelope('vendor.created', {}, 'test', { traceparent: UPSTREAM });
    expect(startPublishSpan(event, 'events.vendor.created', 'direct')).toBeUndefined();
    expect(event.traceparent).toBe(UPSTREAM);
    const out: CloudEvent[] = [];
    await handleInContext(event, 'events.vendor.created', {}, publishFollowUp, out, undefined);
    expect(out[0]).toMatchObject({ traceparent: UPSTREAM, causationid: event.id, correlationid: event.id });
    await expect(withSpan('sms.send', {}, () => Promise.resolve(42))).resolves.toBe(42);
  });
});

describe('mesh tracer, tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => {
    provider.register();
    tracingState.enabled = true;
  });
  afterAll(async () => {
    tracingState.enabled = false;
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => exporter.reset());

  it('chains publish → consume → publish → app span in one trace, each the child of the one before', async () => {
    const first = createEnvelope('vendor.created', {}, 'test');
    const publish = startPublishSpan(first, 'events.vendor.created', 'direct')!;
    endSpan(publish);
    expect(parseTraceparent(first.traceparent)?.spanId).toBe(publish.spanContext().spanId);

    const out: CloudEvent[] = [];
    await handleInContext(first, 'events.vendor.created', {}, async (sink: CloudEvent[], event) => {
      await publishFollowUp(sink, event);
      const span = startPublishSpan(sink[0]!, 'events.vendor.welcomed', 'outbox');
      endSpan(span);
      await withSpan('webhook.deliver', { 'mesh.event_id': event.id }, () => Promise.resolve());
    }, out, undefined);

    const spans = exporter.getFinishedSpans();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['consume vendor.created', 'publish vendor.created', 'publish vendor.welcomed', 'webhook.deliver']);
    const traceId = publish.spanContext().traceId;
    for (const s of spans) expect(s.spanContext().traceId).toBe(traceId);
    const consume = byName['consume vendor.created']!;
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(byName['publish vendor.welcomed']!.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(byName['webhook.deliver']!.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(parseTraceparent(out[0]!.traceparent)?.spanId).toBe(byName['publish vendor.welcomed']!.spanContext().spanId);
  });

  it('takes the NATS header’s traceparent when the envelope has none, and marks a failed handler', async () => {
    const event = createEnvelope('vendor.created', {}, 'test');
    const msg = { headers: { get: (name: string) => (name === 'traceparent' ? UPSTREAM : '') } };
    const failing = () => Promise.reject(new Error('boom'));
    await expect(handleInContext(event, 'events.vendor.created', msg, failing, undefined, undefined)).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'boom' });
  });

  it('parents a span made outside any context on the traceparent it is given', async () => {
    await withSpan('webhook.deliver', {}, () => Promise.resolve(), () => UPSTREAM);
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });
});
