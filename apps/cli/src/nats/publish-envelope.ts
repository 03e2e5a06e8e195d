import { headers as natsHeaders } from '@nats-io/transport-node';
import type { PubAck } from '@nats-io/jetstream';
import { type CloudEvent, CLOUDEVENTS_CONTENT_TYPE, HEADER, subjectForType } from '../mesh-events.js';
import type { Session } from './connect.js';

/**
 * Publishes a built event to `events.<type>` as EventsService does (CloudEvents content type,
 * `Nats-Msg-Id` from its id, so a retry is deduplicated); resolves on JetStream's ack.
 * @example await publishEnvelope(session, createEnvelope('audit.dead_letters_redriven', data, 'mesh-cli'));
 */
export function publishEnvelope({ jsm }: Session, event: CloudEvent): Promise<PubAck> {
  const headers = natsHeaders();
  headers.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
  return jsm.jetstream().publish(subjectForType(event.type), JSON.stringify(event), { msgID: event.id, headers });
}
