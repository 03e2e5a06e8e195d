// Injection tokens and the shared names of DESIGN.md "Streams and consumers".

/**
 * Injection token of the app's resolved {@link EventsConfig}.
 * @example constructor(@Inject(EVENTS_CONFIG) private readonly config: EventsConfig) {}
 */
export const EVENTS_CONFIG = Symbol('EVENTS_CONFIG');
/**
 * Injection token of the {@link IEventsService} port (the design's `'EventsService'`); inject it with {@link InjectEventsService}.
 * @example
 * { provide: EVENTS_SERVICE, useClass: InMemoryEventsService } // a unit test's override
 */
export const EVENTS_SERVICE = 'EventsService';

/**
 * The stream of every event (`events.>`).
 * @example const { state } = await nats.jetStreamManager().streams.info(STREAM_EVENTS);
 */
export const STREAM_EVENTS = 'EVENTS';
/**
 * The dead-letter stream (`dlq.<consumer>.<type>`).
 * @example const { state } = await nats.jetStreamManager().streams.info(STREAM_DLQ);
 */
export const STREAM_DLQ = 'EVENTS_DLQ';
/**
 * The replay stream (`replay.<consumer>.<type>`), read by each app's `<consumer>-replay` durable.
 * @example
 * await nats.jetStreamManager().consumers.info(STREAM_REPLAY, replayDurable('event-store'))
 */
export const STREAM_REPLAY = 'EVENTS_REPLAY';
export const SCHEMA_BUCKET = 'event-schemas';
/**
 * One entry per type (key: the type), holding its newest registered schema: `registerNew` moves it
 * with a revision check, so registrations of one type are decided one at a time. A bucket of its
 * own, so no reader of `event-schemas` (watch, listings, CLI, AsyncAPI) ever sees a head.
 */
export const SCHEMA_HEAD_BUCKET = 'event-schema-heads';

/**
 * The NATS header names of DESIGN.md "Headers" (dedup id, content type, the `Mesh-*` dead-letter headers).
 * @example const reason = msg.headers?.get(HEADER.dlqReason);
 */
export const HEADER = {
  msgId: 'Nats-Msg-Id',
  contentType: 'Content-Type',
  dlqConsumer: 'Mesh-Dlq-Consumer',
  dlqReason: 'Mesh-Dlq-Reason',
  originalSubject: 'Mesh-Original-Subject',
  originalSeq: 'Mesh-Original-Stream-Seq',
  deliveries: 'Mesh-Deliveries',
  error: 'Mesh-Error',
  replay: 'Mesh-Replay',
} as const;

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export const dlqSubject = (consumer: string, type: string) => `dlq.${consumer}.${type}`;
export const replaySubject = (consumer: string, type: string) => `replay.${consumer}.${type}`;
/**
 * The durable that reads one consumer app's replays (`<consumer>-replay`).
 * @example await jsm.consumers.info(STREAM_REPLAY, replayDurable('search-sync'))
 */
export const replayDurable = (consumer: string) => `${consumer}-replay`;

/**
 * A consumer app's durable name (`search-sync`): one subject token, so `dlq.<consumer>.>` stays exact.
 * @example
 * if (!CONSUMER_NAME.test(name)) throw new BadRequestException(`consumer must be ${CONSUMER_NAME_RULE}`);
 */
export const CONSUMER_NAME = /^[a-z0-9_-]+$/;
/**
 * {@link CONSUMER_NAME} in words, for validation messages.
 * @example
 * class ReplayBody { @Matches(CONSUMER_NAME, { message: `consumer must be ${CONSUMER_NAME_RULE}` }) consumer!: string; }
 */
export const CONSUMER_NAME_RULE = "a consumer app's durable name: lowercase letters, digits, _ or -, e.g. search-sync";
