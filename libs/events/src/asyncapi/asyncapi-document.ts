import { CLOUDEVENTS_CONTENT_TYPE, STREAM_DLQ, STREAM_REPLAY } from '../events.constants.js';
import { subjectForType } from '../envelope/event-type.js';

/** One event type of the mesh: seen in the store, registered in `event-schemas`, or both. */
export interface AsyncApiEventType {
  type: string;
  /** The latest registered JSON Schema of `data`, when a producer registered one. */
  schema?: Record<string, unknown> | null;
  version?: number;
  /** `mesh:schema:<type>:v<version>`, the envelope's `dataschema`. */
  schemaId?: string;
}

/**
 * One JetStream stream of the layout (DESIGN.md "Streams and consumers").
 * @example
 * const streams: AsyncApiStream[] = streamSpecs(config).map(({ name, subjects }) => ({ name, subjects: subjects ?? [] }));
 */
export interface AsyncApiStream {
  name: string;
  subjects: string[];
  maxAgeMs: number;
  replicas?: number;
}

export interface AsyncApiOptions {
  /** NATS URLs the document names as servers (`nats://host:port`). */
  servers?: string[];
  title?: string;
  version?: string;
}

/** Channel, message and operation keys allow `[A-Za-z0-9_-]` only, and event types have dots. */
const keyOf = (type: string) => type.replace(/\./g, '_');
const days = (ms: number) => `${Math.round((ms / 86_400_000) * 100) / 100} d`;

/** Keywords of a registered schema that only make sense at a document's root. */
function embeddable(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

const ENVELOPE = {
  type: 'object',
  description: 'CloudEvents 1.0 structured JSON envelope with the mesh extensions',
  required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data'],
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', minLength: 1, maxLength: 256, description: 'unique per event; UUID v7 from mesh producers' },
    source: { type: 'string', description: 'the publishing service' },
    type: { type: 'string', pattern: '^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$' },
    time: { type: 'string', format: 'date-time' },
    subject: { type: 'string', description: 'the resource id, where there is one' },
    datacontenttype: { type: 'string', const: 'application/json' },
    dataschema: { type: 'string', description: 'mesh:schema:<type>:v<version> when a schema is registered' },
    data: {},
    level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'] },
    resourcetype: { type: 'string' },
    resourceid: { type: 'string' },
    actor: { type: 'string' },
    audience: { type: 'string' },
    correlationid: { type: 'string' },
    causationid: { type: 'string', description: 'id of the event whose handling published this one' },
    traceparent: { type: 'string', description: 'W3C trace context' },
  },
};

const HEADERS = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': { type: 'string', description: 'the event id: JetStream drops a repeat inside the duplicate window' },
    'Content-Type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE },
  },
};

const DLQ_HEADERS = {
  type: 'object',
  properties: {
    'Mesh-Dlq-Consumer': { type: 'string' },
    'Mesh-Dlq-Reason': { type: 'string' },
    'Mesh-Original-Subject': { type: 'string' },
    'Mesh-Original-Stream-Seq': { type: 'string' },
    'Mesh-Deliveries': { type: 'string' },
    'Mesh-Error': { type: 'string', maxLength: 200 },
  },
};

function serverEntries(urls: string[]): Record<string, unknown> {
  return Object.fromEntries(
    urls.map((raw, i) => {
      const url = new URL(raw.includes('://') ? raw : `nats://${raw}`);
      return [`nats${i + 1}`, { host: url.host, protocol: 'nats', description: 'NATS JetStream (nats.js 3 clients)' }];
    }),
  );
}

/**
 * The mesh as an AsyncAPI 3.0 document: one channel per event type on `events.<type>` (its payload
 * the envelope with the registered schema as `data`), the dead-letter and replay channels, and the
 * streams (`x-streams`) that hold them.
 * @example const doc = buildAsyncApiDocument([{ type: 'vendor.created', schema, version: 1 }], streams, { servers: ['nats://127.0.0.1:4222'] });
 */
export function buildAsyncApiDocument(types: AsyncApiEventType[], streams: AsyncApiStream[], options: AsyncApiOptions = {}): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const sorted = [...types].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const used = new Set<string>();
  for (const t of sorted) {
    let key = keyOf(t.type);
    for (let n = 2; used.has(key); n++) key = `${keyOf(t.type)}_${n}`;
    used.add(key);
    const data = t.schema ? embeddable(t.schema) : { description: 'no schema registered for this type' };
    messages[key] = {
      name: t.type,
      title: t.type,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      headers: { $ref: '#/components/schemas/NatsHeaders' },
      payload: {
        allOf: [{ $ref: '#/components/schemas/CloudEventEnvelope' }, { type: 'object', properties: { type: { const: t.type }, data } }],
      },
      ...(t.schemaId ? { 'x-dataschema': t.schemaId, 'x-schema-version': t.version } : {}),
    };
    channels[key] = {
      address: subjectForType(t.type),
      title: t.type,
      messages: { [key]: { $ref: `#/components/messages/${key}` } },
      ...(t.schemaId ? {} : { description: 'seen in the event store; no JSON Schema registered' }),
    };
    operations[`publish_${key}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${key}` },
      messages: [{ $ref: `#/channels/${key}/messages/${key}` }],
      summary: `Publish ${t.type} (EventsService.publishEvent, POST /events, mesh publish)`,
    };
  }
  const perConsumer = { consumer: { description: 'the consumer app (its durable name)' }, type: { description: 'the event type, dots included' } };
  channels.deadLetters = {
    address: 'dlq.{consumer}.{type}',
    description: `${STREAM_DLQ}: events a consumer could not handle; the body is the original envelope`,
    parameters: perConsumer,
    messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
  };
  channels.replays = {
    address: 'replay.{consumer}.{type}',
    description: `${STREAM_REPLAY}: replays and redrives for one consumer app, read by its <consumer>-replay durable`,
    parameters: perConsumer,
    messages: { replayed: { $ref: '#/components/messages/replayed' } },
  };
  messages.deadLetter = { name: 'dead letter', contentType: CLOUDEVENTS_CONTENT_TYPE, headers: { $ref: '#/components/schemas/DeadLetterHeaders' }, payload: { $ref: '#/components/schemas/CloudEventEnvelope' } };
  messages.replayed = {
    name: 'replayed event',
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    headers: { type: 'object', properties: { 'Mesh-Replay': { type: 'string', enum: ['redrive', 'replay'] } } },
    payload: { $ref: '#/components/schemas/CloudEventEnvelope' },
  };
  operations.receiveDeadLetters = { action: 'receive', channel: { $ref: '#/channels/deadLetters' }, summary: 'mesh dlq, the console: list, redrive, purge' };
  operations.receiveReplays = { action: 'receive', channel: { $ref: '#/channels/replays' }, summary: 'each consumer app, through its <consumer>-replay durable' };

  return {
    asyncapi: '3.0.0',
    info: {
      title: options.title ?? 'Event mesh',
      version: options.version ?? '1.0.0',
      description: `Business events on NATS JetStream: subject events.<type>, CloudEvents JSON, one durable pull consumer per app. ${sorted.length} event type(s).`,
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    ...(options.servers?.length ? { servers: serverEntries(options.servers) } : {}),
    channels,
    operations,
    components: { messages, schemas: { CloudEventEnvelope: ENVELOPE, NatsHeaders: HEADERS, DeadLetterHeaders: DLQ_HEADERS } },
    'x-streams': streams.map((s) => ({ name: s.name, subjects: s.subjects, maxAge: days(s.maxAgeMs), ...(s.replicas ? { replicas: s.replicas } : {}) })),
  };
}
