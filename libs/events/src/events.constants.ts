/** Injection tokens and the shared names of DESIGN.md "Streams and consumers". */
export const EVENTS_CONFIG = Symbol('EVENTS_CONFIG');
export const EVENTS_SERVICE = 'EventsService';

export const STREAM_EVENTS = 'EVENTS';
export const STREAM_DLQ = 'EVENTS_DLQ';
export const STREAM_REPLAY = 'EVENTS_REPLAY';
export const SCHEMA_BUCKET = 'event-schemas';

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
export const replayDurable = (consumer: string) => `${consumer}-replay`;

/** A consumer app's durable name (`search-sync`): one subject token, so `dlq.<consumer>.>` stays exact. */
export const CONSUMER_NAME = /^[a-z0-9_-]+$/;
export const CONSUMER_NAME_RULE = "a consumer app's durable name: lowercase letters, digits, _ or -, e.g. search-sync";
