import type { CloudEvent, EventMessage, IEventsService } from '@app/events';
import { Collector } from './wait.js';

export interface ContractSubject {
  events: IEventsService;
  /** The `source` its events carry and the `service` its health names. */
  service: string;
  close(): Promise<void>;
}

interface Received {
  message: EventMessage;
  event: CloudEvent;
}

/**
 * The one contract every {@link IEventsService} keeps (DESIGN.md "EventsService"), run against
 * the JetStream implementation (real nats-server) and the in-memory one, and against yours.
 * "Not delivered" is shown without waiting: a later matching event arrives after it would have.
 * @example
 * eventsServiceContract('InMemoryEventsService', async () => ({ events: new InMemoryEventsService('svc'), service: 'svc', close: async () => {} }));
 */
export function eventsServiceContract(name: string, start: () => Promise<ContractSubject>): void {
  describe(`IEventsService contract: ${name}`, () => {
    let subject: ContractSubject;
    let events: IEventsService;

    beforeAll(async () => {
      subject = await start();
      events = subject.events;
    });

    afterAll(async () => {
      await subject?.close();
    });

    const listen = (pattern?: string) => {
      const got = new Collector<Received>();
      const push = (message: EventMessage, event: CloudEvent) => got.push({ message, event });
      const sub = pattern === undefined ? events.subscribeToEvents(push) : events.subscribeToEventType(pattern, push);
      return { got, sub };
    };

    it('publishes an envelope every subscriber sees as the original EventMessage and the CloudEvent', async () => {
      const { got, sub } = listen();
      try {
        const data = { id: 'v1', name: 'Taco Stand', at: new Date('2025-01-01T00:00:00Z') };
        const result = await events.publishEvent('contract.created', data, { subject: 'v1', resourceType: 'vendor', extensions: { changedfields: 'name' } });
        expect(result).toMatchObject({ queued: false, duplicate: false });
        expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
        const [{ message, event }] = await got.waitForCount(1);
        // What a subscriber gets went through JSON, as on the wire: the Date is its ISO text.
        expect(message).toEqual({ type: 'contract.created', data: { id: 'v1', name: 'Taco Stand', at: '2025-01-01T00:00:00.000Z' }, timestamp: event.time, messageId: result.id });
        expect(event).toMatchObject({
          specversion: '1.0', id: result.id, source: subject.service, type: 'contract.created', subject: 'v1', resourceid: 'v1',
          resourcetype: 'vendor', datacontenttype: 'application/json', level: 'info', changedfields: 'name',
        });
      } finally {
        sub.unsubscribe();
      }
    });

    it('delivers by type pattern: `*` one token, `>` the rest, nothing else', async () => {
      const exact = listen('contract.pattern_hit');
      const star = listen('contract.*');
      const tail = listen('contract.>');
      try {
        await events.publishEvent('contract.deep.hit', { n: 1 });
        await events.publishEvent('other.pattern_hit', { n: 2 });
        await events.publishEvent('contract.pattern_hit', { n: 3 });
        expect((await exact.got.waitForCount(1)).map((r) => r.message.data)).toEqual([{ n: 3 }]);
        expect((await star.got.waitForCount(1)).map((r) => r.message.data)).toEqual([{ n: 3 }]);
        expect((await tail.got.waitForCount(2)).map((r) => r.message.data)).toEqual([{ n: 1 }, { n: 3 }]);
      } finally {
        [exact, star, tail].forEach((l) => l.sub.unsubscribe());
      }
    });

    it('stops delivering to a subscription once unsubscribed', async () => {
      const gone = listen('contract.unsub');
      const stays = listen('contract.unsub');
      try {
        await events.publishEvent('contract.unsub', { n: 1 });
        await gone.got.waitForCount(1);
        gone.sub.unsubscribe();
        await events.publishEvent('contract.unsub', { n: 2 });
        await stays.got.waitForCount(2);
        expect(gone.got.items.map((r) => r.message.data)).toEqual([{ n: 1 }]);
      } finally {
        stays.sub.unsubscribe();
      }
    });

    it('keeps delivering to the others when one subscriber throws, and the publisher never sees it', async () => {
      const failing = events.subscribeToEventType('contract.throws', () => {
        throw new Error('test: provoked subscriber failure');
      });
      const { got, sub } = listen('contract.throws');
      try {
        await expect(events.publishEvent('contract.throws', { n: 1 })).resolves.toMatchObject({ queued: false });
        await events.publishEvent('contract.throws', { n: 2 });
        expect((await got.waitForCount(2)).map((r) => r.message.data)).toEqual([{ n: 1 }, { n: 2 }]);
      } finally {
        failing.unsubscribe();
        sub.unsubscribe();
      }
    });

    it('dedupes by event id: a second publish with the same id reports the first; live subscribers see both', async () => {
      const { got, sub } = listen('contract.deduped');
      try {
        const first = await events.publishEvent('contract.deduped', { n: 1 });
        const again = await events.publishEvent('contract.deduped', { n: 1 }, { id: first.id });
        expect(again).toMatchObject({ id: first.id, queued: false, duplicate: true, seq: first.seq });
        const next = await events.publishEvent('contract.deduped', { n: 2 });
        expect(next.seq).toBeGreaterThan(first.seq!);
        // The live view is of publishes (core NATS), not of the stream, which kept one copy.
        expect((await got.waitForCount(3)).map((r) => r.event.id)).toEqual([first.id, first.id, next.id]);
      } finally {
        sub.unsubscribe();
      }
    });

    it('refuses an invalid type, an invalid pattern and data PostgreSQL cannot store, naming the problem', async () => {
      await expect(events.publishEvent('Vendor Created', {})).rejects.toThrow(/Invalid event type "Vendor Created"/);
      expect(() => events.subscribeToEventType('vendor', () => undefined)).toThrow(/Invalid event pattern "vendor"/);
      await expect(events.publishEvent('contract.unstorable', { note: 'a\u0000b' })).rejects.toThrow(/note/);
    });

    it('reports its health: up, named, with nothing waiting to be published', async () => {
      const health = await events.healthCheck();
      expect(health).toMatchObject({ status: 'up', service: subject.service, failedEventsCount: 0, nats: { connected: true } });
      expect(Date.parse(health.timestamp)).not.toBeNaN();
    });
  });
}
