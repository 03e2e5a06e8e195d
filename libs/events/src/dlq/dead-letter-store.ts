import type { JetStreamClient, JetStreamManager, MsgRequest, StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { CLOUDEVENTS_CONTENT_TYPE, HEADER, replaySubject, STREAM_DLQ } from '../events.constants.js';
import type { CloudEvent } from '../envelope/cloud-event.js';
import { normalizePattern, typeFromSubject } from '../envelope/event-type.js';
import type { DeadLetterFilter, StoredDeadLetter, RedriveResult, RedriveReport } from './dead-letter.views.js';
export type { DeadLetterFilter, StoredDeadLetter, RedriveResult, RedriveFailure, RedriveReport } from './dead-letter.views.js';

/** Called after each letter of a bulk operation: how many are done out of how many. */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * No message with that sequence in `EVENTS_DLQ` (already redriven or purged); a 404 at an HTTP edge.
 * @example
 * try { await store.show(seq); } catch (err) { if (err instanceof DeadLetterNotFoundError) throw new NotFoundException(err.message); throw err; }
 */
export class DeadLetterNotFoundError extends Error {
  constructor(readonly seq: number) {
    super(`EVENTS_DLQ has no message #${seq}; list them with "mesh dlq ls"`);
    this.name = 'DeadLetterNotFoundError';
  }
}

const CONSUMER_NAME = /^[a-z0-9_-]+$/;
const DEFAULT_LIST_LIMIT = 50;
/** Sequences looked at in the first backward step of `list`; each further step doubles it. */
const FIRST_WINDOW = 256;

/** The DLQ subject filter for `filter`: `dlq.<consumer|*>.<type|>>`. Throws a readable error on a bad name or pattern. */
export function deadLetterSubject(filter: DeadLetterFilter = {}): string {
  if (filter.consumer !== undefined && !CONSUMER_NAME.test(filter.consumer)) {
    throw new Error(`Invalid consumer name ${JSON.stringify(filter.consumer)}: use the app's durable name, e.g. search-sync`);
  }
  return `dlq.${filter.consumer ?? '*'}.${filter.type === undefined ? '>' : normalizePattern(filter.type)}`;
}

function headersOf(msg: StoredMsg): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of msg.header ?? []) out[key] = values.join(', ');
  return out;
}

const intOrUndefined = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export function toStoredDeadLetter(msg: StoredMsg): StoredDeadLetter {
  const headers = headersOf(msg);
  const [, subjectConsumer = ''] = msg.subject.split('.');
  const consumer = headers[HEADER.dlqConsumer] || subjectConsumer;
  const originalSubject = headers[HEADER.originalSubject] || msg.subject.replace(`dlq.${consumer}.`, 'events.');
  const body = msg.string();
  let envelope: CloudEvent | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) envelope = parsed as CloudEvent;
  } catch {
    // Not JSON (an `invalid_envelope` letter): `body` carries it as it came.
  }
  return {
    seq: msg.seq,
    subject: msg.subject,
    consumer,
    type: typeFromSubject(originalSubject),
    reason: headers[HEADER.dlqReason] ?? '',
    error: headers[HEADER.error] ?? '',
    originalSubject,
    originalSeq: intOrUndefined(headers[HEADER.originalSeq]),
    deliveries: intOrUndefined(headers[HEADER.deliveries]),
    time: msg.time.toISOString(),
    headers,
    body,
    envelope,
  };
}

/**
 * Reads and operates on the dead-letter stream `EVENTS_DLQ` from a bare JetStreamManager, without
 * Nest: the `mesh` CLI and the console use it directly, `ReplayService.redrive` through the app's
 * connection. Reads go through the stream's message-get API, so nothing here creates consumer state.
 * @example
 * const letters = new DeadLetterStore(await jetstreamManager(nc));
 * const newest = await letters.list({ consumer: 'search-sync', limit: 20 });
 * await letters.redrive(newest[0].seq);
 */
export class DeadLetterStore {
  private readonly js: JetStreamClient;

  constructor(
    private readonly jsm: JetStreamManager,
    js?: JetStreamClient,
  ) {
    this.js = js ?? jsm.jetstream();
  }

  /** How many dead letters match, from the stream's per-subject counts (one request). */
  async count(filter: DeadLetterFilter = {}): Promise<number> {
    const subjects = await this.countsBySubject(deadLetterSubject(filter));
    return Object.values(subjects).reduce((a, b) => a + b, 0);
  }

  /** Depth per consumer app over the whole DLQ. */
  async depthByConsumer(): Promise<Record<string, number>> {
    const depth: Record<string, number> = {};
    for (const [subject, n] of Object.entries(await this.countsBySubject('dlq.>'))) {
      const consumer = subject.split('.')[1];
      depth[consumer] = (depth[consumer] ?? 0) + n;
    }
    return depth;
  }

  /**
   * The newest `limit` (default 50) dead letters matching `filter`, newest first. Steps backward
   * through the stream in growing windows, so a short list of a long DLQ reads little of it.
   */
  async list(filter: DeadLetterFilter & { limit?: number } = {}): Promise<StoredDeadLetter[]> {
    const subject = deadLetterSubject(filter);
    const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
    const { state } = await this.jsm.streams.info(STREAM_DLQ);
    const total = state.messages === 0 ? 0 : await this.count(filter);
    const found: StoredMsg[] = [];
    let end = state.last_seq;
    let window = Math.max(FIRST_WINDOW, limit * 2);
    while (found.length < Math.min(limit, total) && end >= state.first_seq) {
      const start = Math.max(state.first_seq, end - window + 1);
      const chunk: StoredMsg[] = [];
      for await (const msg of this.scan(subject, start, end)) chunk.push(msg);
      found.push(...chunk.reverse());
      end = start - 1;
      window *= 2;
    }
    return found.slice(0, limit).map(toStoredDeadLetter);
  }

  /** One dead letter by its DLQ sequence. */
  async show(seq: number): Promise<StoredDeadLetter> {
    return toStoredDeadLetter(await this.get(seq));
  }

  /**
   * Re-delivers a dead letter to the consumer that failed it, and to no other: the original bytes
   * go to `replay.<consumer>.<type>` (read only by `<consumer>-replay`) with `Mesh-Replay: redrive`,
   * then the letter is removed from the DLQ. The publish id makes a repeated redrive of one letter
   * count once inside the duplicate window.
   */
  async redrive(seq: number): Promise<RedriveResult> {
    const stored = await this.get(seq);
    const consumer = stored.header?.get(HEADER.dlqConsumer);
    if (!consumer) throw new Error(`EVENTS_DLQ #${seq} has no ${HEADER.dlqConsumer} header; it was not dead-lettered by the mesh`);
    const type = typeFromSubject(stored.header.get(HEADER.originalSubject) || stored.subject.replace(`dlq.${consumer}.`, 'events.'));
    const headers = natsHeaders();
    headers.set(HEADER.contentType, CLOUDEVENTS_CONTENT_TYPE);
    headers.set(HEADER.replay, 'redrive');
    const ack = await this.js.publish(replaySubject(consumer, type), stored.data, { msgID: `redrive:${seq}`, headers });
    await this.jsm.streams.deleteMessage(STREAM_DLQ, seq, false);
    return { dlqSeq: seq, consumer, type, replaySeq: ack.seq };
  }

  /** Redrives each sequence in turn; one that cannot be redriven is reported and the rest go on. */
  async redriveMany(seqs: number[], onProgress?: ProgressCallback): Promise<RedriveReport> {
    const report: RedriveReport = { redriven: [], failed: [] };
    for (const seq of seqs) {
      try {
        report.redriven.push(await this.redrive(seq));
      } catch (err) {
        report.failed.push({ dlqSeq: seq, error: (err as Error).message });
      }
      onProgress?.(report.redriven.length + report.failed.length, seqs.length);
    }
    return report;
  }

  /**
   * Redrives every letter matching `filter` that is in the DLQ now, oldest first. Letters that fail
   * again while this runs land after the starting point and are left for the next run.
   */
  async redriveAll(filter: DeadLetterFilter, onProgress?: ProgressCallback): Promise<RedriveReport> {
    const subject = deadLetterSubject(filter);
    const { state } = await this.jsm.streams.info(STREAM_DLQ);
    const seqs: number[] = [];
    if (state.messages > 0) for await (const msg of this.scan(subject, state.first_seq, state.last_seq)) seqs.push(msg.seq);
    return this.redriveMany(seqs, onProgress);
  }

  /** Removes the matching dead letters (all of them without a filter); returns how many. */
  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const subject = deadLetterSubject(filter);
    const { purged } = await this.jsm.streams.purge(STREAM_DLQ, subject === 'dlq.*.>' ? undefined : { filter: subject });
    return purged;
  }

  private async get(seq: number): Promise<StoredMsg> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`Invalid DLQ sequence ${JSON.stringify(seq)}: use a positive integer from "mesh dlq ls"`);
    const stored = await this.jsm.streams.getMessage(STREAM_DLQ, { seq });
    if (!stored) throw new DeadLetterNotFoundError(seq);
    return stored;
  }

  /** Matching messages with `from <= seq <= to`, in order; one message-get per message. */
  private async *scan(subject: string, from: number, to: number): AsyncGenerator<StoredMsg> {
    for (let seq = from; seq <= to; ) {
      // nats-server 2.9+ answers `next_by_subj` on STREAM.MSG.GET; the client types list it only for direct get.
      const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const msg = await this.jsm.streams.getMessage(STREAM_DLQ, query);
      if (!msg || msg.seq > to) return;
      yield msg;
      seq = msg.seq + 1;
    }
  }

  private async countsBySubject(subjectsFilter: string): Promise<Record<string, number>> {
    const info = await this.jsm.streams.info(STREAM_DLQ, { subjects_filter: subjectsFilter });
    return info.state.subjects ?? {};
  }
}
