import type { JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';

/**
 * A test producer's publish that behaves as a mesh producer does: a publish whose PubAck did not
 * come back in time (a restarting or overloaded server) is sent again with the same `msgID`, which
 * JetStream dedupes, so a slow machine does not fail a test that is not about publishing.
 */
export async function publishWithRetry(
  js: JetStreamClient,
  subject: string,
  payload: string | Uint8Array,
  opts: Partial<JetStreamPublishOptions> & { msgID: string },
  attempts = 6,
): Promise<PubAck> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await js.publish(subject, payload, opts);
    } catch (err) {
      // By name: the suite's module registry may hold another copy of the client's error classes.
      if (attempt >= attempts || (err as Error).name !== 'TimeoutError') throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}
