import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { EVENTS_CONFIG, type CloudEvent, type EventsConfig } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';

const REQUEST_TIMEOUT_MS = 5_000;

/** The event-store's query API (EVENT_STORE_URL), read with the mesh's admin key when one is set. */
@Injectable()
export class StoredEventsClient {
  constructor(
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    @Inject(EVENTS_CONFIG) private readonly events: EventsConfig,
  ) {}

  /** The newest stored event of exactly this type; undefined when none is stored or EVENT_STORE_URL is unset. */
  async latest(type: string): Promise<CloudEvent | undefined> {
    const base = this.config.eventStoreUrl;
    if (!base) return undefined;
    const unavailable = (why: string) => new ServiceUnavailableException(`the event-store at ${base} (EVENT_STORE_URL) ${why}; send data, or retry`);
    let res: Response;
    try {
      res = await fetch(`${base}/events?${new URLSearchParams({ type, limit: '1' })}`, {
        headers: { accept: 'application/json', ...(this.events.adminApiKey ? { 'x-api-key': this.events.adminApiKey } : {}) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      throw unavailable(`is unreachable (${cause})`);
    }
    if (!res.ok) throw unavailable(`answered ${res.status} to GET /events`);
    const page = (await res.json()) as { items: CloudEvent[] };
    return page.items[0];
  }
}
