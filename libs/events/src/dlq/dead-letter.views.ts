/** What the dead-letter store answers with, free of runtime dependencies (the console's browser code imports these as types). */

import type { CloudEvent } from '../envelope/cloud-event.types.js';

/**
 * Which dead letters an operation covers; both optional, combined with AND.
 * @example await store.count({ consumer: 'search-sync', type: 'vendor.*' })
 */
export interface DeadLetterFilter {
  /** The consumer app that failed them (`search-sync`). */
  consumer?: string;
  /** Event type or NATS-style pattern (`vendor.created`, `vendor.*`, `order.>`). */
  type?: string;
}

/**
 * One message of `EVENTS_DLQ`, with the `Mesh-*` headers read out and the envelope decoded.
 * @example
 * const letter: StoredDeadLetter = await store.show(42); // letter.reason, letter.envelope?.id
 */
export interface StoredDeadLetter {
  /** Sequence in `EVENTS_DLQ`: what `show`, `redrive` and the CLI take. */
  seq: number;
  subject: string;
  consumer: string;
  type: string;
  /** `non_retryable`, `max_deliveries`, `invalid_envelope`. */
  reason: string;
  error: string;
  originalSubject: string;
  originalSeq?: number;
  deliveries?: number;
  /** When it was dead-lettered (the DLQ message's time). */
  time: string;
  headers: Record<string, string>;
  /** The original body as text, byte for byte. */
  body: string;
  /** The body as an envelope, when it is a JSON object (an invalid envelope is still shown as `body`). */
  envelope?: CloudEvent;
}

/**
 * One dead letter sent back to the consumer that failed it, and where it went.
 * @example const { consumer, type } = await store.redrive(42);
 */
export interface RedriveResult {
  dlqSeq: number;
  consumer: string;
  type: string;
  /** Sequence of the copy in `EVENTS_REPLAY`. */
  replaySeq: number;
}

export interface RedriveFailure {
  dlqSeq: number;
  error: string;
}

/**
 * The outcome of a bulk redrive: what went back, what could not, and why.
 * @example
 * const { redriven, failed } = await store.redriveAll({ consumer: 'search-sync' });
 */
export interface RedriveReport {
  redriven: RedriveResult[];
  failed: RedriveFailure[];
}
