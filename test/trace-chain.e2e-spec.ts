import { Controller, Inject, INestApplication, Logger, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import request from 'supertest';
import {
  type CloudEvent,
  configureHttpEdge,
  connectEventConsumer,
  EVENTS_SERVICE,
  EventsModule,
  flushTracing,
  type IEventsService,
  MeshLogger,
  startTracing,
  stopTracing,
  traceIdOf,
} from '@app/events/internal';
import { ADMIN_KEYS, Collector, freePort, NatsServerHarness, OtlpReceiver, PHONES, type ReceivedSpan, TestDatabase, waitFor, writeRunLog } from '@app/testing';
import { startVendorService, type RunningVendorService } from '../apps/vendor-service/test/support.js';
import { API_KEY as DISPATCHER_KEY, dispatcherTestConfig, startDispatcher, type RunningDispatcher } from '../apps/webhook-dispatcher/test/support.js';
import { Receiver } from '../apps/webhook-dispatcher/test/receiver.js';
import { startSmsNotifier, testEventsConfig, type RunningSmsNotifier } from '../apps/sms-notifier/test/support.js';
import { TwilioStandIn } from '../apps/sms-notifier/test/twilio-stand-in.js';

// One story across four apps, with nothing passed by hand: a vendor created over HTTP →
// vendor.created → a handler that publishes vendor.onboarding_started → a webhook and an SMS
// (→ sms.sent). Correlation, causation and trace flow through the context the request and each
// handled event open; spans go to a local OTLP/HTTP JSON receiver.

const ADMIN = ADMIN_KEYS.traceChain;
const ACCOUNT = 'AC' + 'e5'.repeat(16);
const FOLLOW_UP = 'vendor.onboarding_started';
const REFRESH = { metricsRefreshMs: 200 };

interface VendorData {
  id: string;
  name: string;
  phone?: string;
}

/** The handler in the middle: publishes a follow-up without naming correlation, causation or trace. */
@Controller()
class OnboardingHandler {
  private readonly logger = new Logger('Onboarding');
  constructor(@Inject(EVENTS_SERVICE) private readonly events: IEventsService) {}

  @EventPattern('vendor.created')
  async start(@Payload() event: CloudEvent<VendorData>): Promise<void> {
    this.logger.log(`vendor ${event.data.id} created: starting its onboarding`);
    const { id, name, phone } = event.data;
    await this.events.publishEvent(FOLLOW_UP, { vendor: { id, name, phone, open: true } }, { resourceType: 'vendor', resourceId: id });
  }
}

describe('one trace from a click to the SMS (real nats-server and PostgreSQL, OTLP, webhook and Twilio stand-ins)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let otlp: OtlpReceiver;
  let twilioApi: TwilioStandIn;
  let hooks: Receiver;
  let vendors: RunningVendorService;
  let dispatcher: RunningDispatcher;
  let sms: RunningSmsNotifier;
  let onboarding: INestApplication;
  let nc: NatsConnection;
  const seen = new Collector<CloudEvent>();
  const logLines: string[] = [];

  beforeAll(async () => {
    otlp = await OtlpReceiver.start();
    expect(startTracing({ service: 'trace-chain', endpoint: otlp.url })).toBe(true);
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('trace_chain');
    twilioApi = await TwilioStandIn.start(ACCOUNT);
    hooks = await Receiver.start();
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.>', {
      callback: (err, msg) => {
        if (!err) seen.push(msg.json<CloudEvent>());
      },
    });
    await nc.flush();

    vendors = await startVendorService({ natsServers: [nats.url], databaseUrl: db.url, ...REFRESH });
    dispatcher = await startDispatcher(dispatcherTestConfig(nats, db, {}));
    sms = await startSmsNotifier(
      {
        events: { ...testEventsConfig(nats, db, ADMIN), ...REFRESH },
        sms: { provider: 'twilio', twilio: { accountSid: ACCOUNT, authToken: 'token', from: PHONES.twilioFrom, apiBaseUrl: twilioApi.url } },
      },
      await freePort(),
    );
    @Module({
      imports: [EventsModule.forConsumer({ service: 'onboarding', consumer: 'onboarding', config: { natsServers: [nats.url], databaseUrl: db.url, ...REFRESH } })],
      controllers: [OnboardingHandler],
    })
    class OnboardingModule {}
    // Created last: Nest's static Logger (the handler's) writes through the last app's logger.
    const destination = {
      write: (line: string) => {
        logLines.push(line);
        writeRunLog(line);
      },
    };
    const ref = await Test.createTestingModule({ imports: [OnboardingModule] }).compile();
    onboarding = configureHttpEdge(ref.createNestApplication({ logger: new MeshLogger({ app: 'onboarding', format: 'json', destination }) }));
    await connectEventConsumer(onboarding);
    await onboarding.init();

    const admin = { 'X-Api-Key': ADMIN };
    await request(dispatcher.url).post('/webhooks/subscriptions').set('X-Api-Key', DISPATCHER_KEY).send({ name: 'onboarding', url: hooks.url, eventTypes: [FOLLOW_UP] }).expect(201);
    await request(sms.url).put('/sms/templates/onboarding_welcome/en').set(admin).send({ body: 'Welcome aboard, {{vendor.name}}!', sampleData: { vendor: { name: 'Taco Stand' } } }).expect(201);
    await request(sms.url)
      .post('/sms/rules')
      .set(admin)
      .send({ name: 'onboarding-welcome', eventPattern: FOLLOW_UP, condition: 'vendor.open == true', phonePath: 'vendor.phone', templateKey: 'onboarding_welcome', defaultLocale: 'en' })
      .expect(201);
  });

  afterAll(async () => {
    await nc?.close();
    await onboarding?.close();
    await sms?.close();
    await dispatcher?.close();
    await vendors?.app.close();
    await stopTracing();
    await hooks?.close();
    await twilioApi?.close();
    await otlp?.close();
    await nats?.close();
    await db?.drop();
  });

  it('gives every event, span and log line of the story one correlation id and one trace', async () => {
    const created = (await request(vendors.url).post('/vendors').send({ name: 'Trace Tacos', phone: PHONES.traceChain }).expect(201)).body as VendorData;

    const byType = (type: string, pred: (e: CloudEvent) => boolean): Promise<CloudEvent> =>
      waitFor(() => seen.items.find((e) => e.type === type && pred(e)), { timeoutMs: 30_000, message: `no ${type} seen` }) as Promise<CloudEvent>;
    const vendorCreated = await byType('vendor.created', (e) => e.resourceid === created.id);
    const followUp = await byType(FOLLOW_UP, (e) => e.causationid === vendorCreated.id);
    const smsSent = await byType('sms.sent', (e) => e.causationid === followUp.id);
    const hook = await waitFor(() => hooks.delivered.items[0], { timeoutMs: 30_000, message: 'no webhook delivered' });

    // Correlation: the first event of the request names the story; causation links each step.
    expect(vendorCreated.correlationid).toBe(vendorCreated.id);
    expect(vendorCreated.causationid).toBeUndefined();
    expect(followUp).toMatchObject({ correlationid: vendorCreated.id, causationid: vendorCreated.id });
    expect(smsSent).toMatchObject({ correlationid: vendorCreated.id, causationid: followUp.id });
    const hookBody = JSON.parse(hook.body) as CloudEvent;
    expect(hookBody).toMatchObject({ id: followUp.id, correlationid: vendorCreated.id, causationid: vendorCreated.id });
    expect(twilioApi.to(PHONES.traceChain).map((r) => r.form.Body)).toEqual(['Welcome aboard, Trace Tacos!']);

    // One trace: every envelope carries it, and the exported spans form one tree.
    const traceId = traceIdOf(vendorCreated.traceparent);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const e of [followUp, smsSent]) expect(traceIdOf(e.traceparent)).toBe(traceId);
    const expected = ['POST /vendors', 'publish vendor.created', 'consume vendor.created', `publish ${FOLLOW_UP}`, `consume ${FOLLOW_UP}`, 'webhook.deliver', 'sms.send', 'publish sms.sent'];
    const spans: ReceivedSpan[] = await waitFor(
      async () => {
        await flushTracing();
        const mine = otlp.spans.items.filter((s) => s.traceId === traceId);
        // A child span ends (and is exported) before its parent: wait for the parents too, or a
        // busy machine shows a child whose parent is still on its way (a full run caught that).
        const have = new Set(mine.map((s) => s.spanId));
        const complete = mine.every((s) => !s.parentSpanId || have.has(s.parentSpanId));
        return complete && expected.every((name) => mine.some((s) => s.name === name)) ? mine : undefined;
      },
      { timeoutMs: 30_000, message: `spans missing from the trace (expected ${expected.join(', ')}, each with its parent)` },
    ) as ReceivedSpan[];
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(['POST /vendors']);
    for (const s of spans) if (s.parentSpanId) expect(ids.has(s.parentSpanId)).toBe(true);
    const one = (name: string) => spans.find((s) => s.name === name)!;
    // Each consumer span is the child of the span that published its event (the envelope's traceparent).
    // vendor.created is consumed by the onboarding handler, and by the dispatcher and sms-notifier (which do nothing with it).
    const createdConsumers = spans.filter((s) => s.name === 'consume vendor.created');
    for (const s of createdConsumers) expect(s.parentSpanId).toBe(one('publish vendor.created').spanId);
    expect(createdConsumers.map((s) => s.spanId)).toContain(one(`publish ${FOLLOW_UP}`).parentSpanId);
    const followUpConsumers = spans.filter((s) => s.name === `consume ${FOLLOW_UP}`);
    expect(followUpConsumers.length).toBeGreaterThanOrEqual(2); // webhook-dispatcher and sms-notifier
    for (const s of followUpConsumers) expect(s.parentSpanId).toBe(one(`publish ${FOLLOW_UP}`).spanId);
    expect(followUpConsumers.map((s) => s.spanId)).toContain(one('sms.send').parentSpanId);

    // Metrics: latency and lag without anyone calling /health/events.
    const metrics: string = await waitFor(
      async () => {
        const text = (await request(sms.url).get('/metrics').expect(200)).text;
        return /^mesh_consumer_pending\{consumer="sms-notifier"\} 0$/m.test(text) ? text : undefined;
      },
      { timeoutMs: 10_000, message: 'the lag gauge was never refreshed' },
    ) as string;
    const latencyCount = new RegExp(`^mesh_event_latency_seconds_count\\{consumer="sms-notifier",type="${FOLLOW_UP}"\\} (\\d+)$`, 'm').exec(metrics);
    expect(Number(latencyCount?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^mesh_dlq_depth\{consumer="sms-notifier"\} 0$/m);
    expect(metrics).toMatch(/^mesh_nats_connected\{service="sms-notifier"\} 1$/m);
    expect(metrics).toMatch(/^mesh_outbox_depth\{service="sms-notifier"\} \d+$/m);

    // Logs: JSON lines; the handler's line carries the trace, its event and the correlation.
    expect(logLines.length).toBeGreaterThan(0);
    const parsed = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = parsed.find((l) => String(l.msg).includes(`vendor ${created.id} created`));
    expect(line).toMatchObject({ app: 'onboarding', level: 'info', context: 'Onboarding', trace_id: traceId, event_id: vendorCreated.id, correlation_id: vendorCreated.id });
    expect(logLines.join('\n')).not.toContain(PHONES.traceChain);
  });

  it('continues the caller’s correlation id and trace from X-Correlation-Id and traceparent', async () => {
    const caller = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const created = (
      await request(vendors.url).post('/vendors').set('X-Correlation-Id', 'checkout-77').set('traceparent', caller).send({ name: 'Called Cart' }).expect(201)
    ).body as VendorData;
    const vendorCreated = (await waitFor(() => seen.items.find((e) => e.type === 'vendor.created' && e.resourceid === created.id), {
      timeoutMs: 30_000,
      message: 'no vendor.created seen',
    })) as CloudEvent;
    const followUp = (await waitFor(() => seen.items.find((e) => e.type === FOLLOW_UP && e.causationid === vendorCreated.id), {
      timeoutMs: 30_000,
      message: `no ${FOLLOW_UP} seen`,
    })) as CloudEvent;
    expect(vendorCreated.correlationid).toBe('checkout-77');
    expect(followUp.correlationid).toBe('checkout-77');
    for (const e of [vendorCreated, followUp]) expect(traceIdOf(e.traceparent)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
