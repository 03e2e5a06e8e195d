import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { EventsService, NatsConnectionManager } from '@app/events';
import { LIVE_MAX_PER_SECOND, LiveRate } from './live-rate.js';

/** Every this often an idle stream gets a `heartbeat`, so proxies keep it open and the page knows it is alive. */
export const HEARTBEAT_MS = 15_000;

/**
 * A live, non-durable tail of the bus as server-sent events: `ready` once the NATS subscription is
 * registered at the server, then one `event` per envelope (at most LIVE_MAX_PER_SECOND a second;
 * a `skipped` event counts the rest once a second), and `heartbeat`s. Unsubscribes when the
 * browser goes away.
 */
@Injectable()
export class LiveTailService {
  constructor(
    private readonly events: EventsService,
    private readonly nats: NatsConnectionManager,
  ) {}

  tail(pattern: string): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      const rate = new LiveRate();
      const subscription = this.events.subscribeToEventType(pattern, (_message, event) => {
        if (rate.take()) subscriber.next({ type: 'event', id: event.id, data: event });
      });
      const skipped = setInterval(() => {
        const count = rate.drain();
        if (count > 0) subscriber.next({ type: 'skipped', data: { count, maxPerSecond: LIVE_MAX_PER_SECOND } });
      }, 1_000);
      const ready = () => subscriber.next({ type: 'ready', data: { pattern, connected: this.nats.isConnected } });
      // The SUB must have reached the server before the page says "live", or the first events could be missed.
      const nc = this.nats.connection;
      if (nc && this.nats.isConnected) nc.flush().then(ready, ready);
      else ready();
      const heartbeat = setInterval(
        () => subscriber.next({ type: 'heartbeat', data: { time: new Date().toISOString(), connected: this.nats.isConnected } }),
        HEARTBEAT_MS,
      );
      return () => {
        clearInterval(heartbeat);
        clearInterval(skipped);
        subscription.unsubscribe();
      };
    });
  }
}
