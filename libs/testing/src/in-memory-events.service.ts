import {
  assertEventSize, assertStorable, createEnvelope, DEFAULT_EVENT_MAX_BYTES, matchesPattern, normalizePattern, toEventMessage,
  type CloudEvent, type EventCallback, type EventsHealth, type EventSubscription, type IEventsService, type PublishOptions, type PublishResult,
} from '@app/events/internal';

interface Subscriber {
  pattern: string;
  callback: EventCallback;
}

/**
 * An {@link IEventsService} in memory, for users' unit tests: bind it with
 * `{ provide: EVENTS_SERVICE, useClass: InMemoryEventsService }`. It keeps the JetStream one's
 * contract (type rule, size and storable-data checks, dedupe by id, pattern matching, asynchronous
 * delivery of a JSON copy of every publish) and lets a test read what was published.
 * @example
 * const events = ref.get<InMemoryEventsService>(EVENTS_SERVICE);
 * expect(events.published.map((e) => e.type)).toEqual(['vendor.created']);
 */
export class InMemoryEventsService implements IEventsService {
  /** Every accepted event, in publish order (duplicates left out, as the stream leaves them out). */
  readonly published: CloudEvent[] = [];
  private readonly seqById = new Map<string, number>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    readonly service = 'in-memory',
    private readonly maxBytes = DEFAULT_EVENT_MAX_BYTES,
  ) {}

  publishEvent<T>(type: string, data: T, options: PublishOptions = {}): Promise<PublishResult> {
    try {
      const event = createEnvelope(type, data, this.service, options);
      const payload = JSON.stringify(event);
      assertEventSize(payload, this.maxBytes);
      assertStorable(payload, event);
      // Live subscribers see every publish, a duplicate too, as core NATS subscribers do.
      this.deliver(payload);
      const seen = this.seqById.get(event.id);
      if (seen !== undefined) return Promise.resolve({ id: event.id, queued: false, seq: seen, duplicate: true });
      this.published.push(event);
      const seq = this.published.length;
      this.seqById.set(event.id, seq);
      return Promise.resolve({ id: event.id, queued: false, seq, duplicate: false });
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  subscribeToEvents(callback: EventCallback): EventSubscription {
    return this.subscribeToEventType('>', callback);
  }

  subscribeToEventType(pattern: string, callback: EventCallback): EventSubscription {
    const subscriber = { pattern: normalizePattern(pattern), callback };
    this.subscribers.add(subscriber);
    return { unsubscribe: () => this.subscribers.delete(subscriber) };
  }

  healthCheck(): Promise<EventsHealth> {
    return Promise.resolve({
      status: 'up',
      service: this.service,
      nats: { connected: true, server: 'in-memory' },
      failedEventsCount: 0,
      timestamp: new Date().toISOString(),
    });
  }

  /**
   * Each subscriber gets its own parsed copy after the publish resolves, as from the wire; a
   * failing subscriber is reported and does not reach the publisher or the other subscribers.
   */
  private deliver(payload: string): void {
    const type = (JSON.parse(payload) as CloudEvent).type;
    for (const s of [...this.subscribers].filter((sub) => matchesPattern(type, sub.pattern))) {
      setImmediate(() => {
        if (!this.subscribers.has(s)) return;
        const event = JSON.parse(payload) as CloudEvent;
        Promise.resolve()
          .then(() => s.callback(toEventMessage(event), event))
          .catch((err: Error) => process.emitWarning(`subscriber of ${s.pattern} failed on ${event.id}: ${err.message}`));
      });
    }
  }
}
