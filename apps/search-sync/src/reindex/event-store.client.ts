import { Inject, Injectable } from '@nestjs/common';
import { EVENTS_CONFIG, type CloudEvent, type EventsConfig } from '@app/events';
import { SEARCH_SYNC_CONFIG, type SearchSyncConfig } from '../config/search-sync-env.js';

interface EventPage {
  items: CloudEvent[];
  nextCursor: string | null;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** The event-store's query API (`EVENT_STORE_URL`), read with the mesh's admin key when one is set. */
@Injectable()
export class EventStoreClient {
  constructor(
    @Inject(SEARCH_SYNC_CONFIG) private readonly config: SearchSyncConfig,
    @Inject(EVENTS_CONFIG) private readonly events: EventsConfig,
  ) {}

  get baseUrl(): string {
    return this.config.eventStoreUrl;
  }

  private async get(path: string): Promise<Response> {
    const url = `${this.config.eventStoreUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.events.adminApiKey ? { 'x-api-key': this.events.adminApiKey } : {}) },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new Error(`event-store at ${this.config.eventStoreUrl} (EVENT_STORE_URL) is unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
    if (!res.ok && res.status !== 404) {
      const body = (await res.text()).slice(0, 300);
      throw new Error(`event-store answered ${res.status} to GET ${path}: ${body}`);
    }
    return res;
  }

  /** Every stored event of one type, newest first, a page at a time (keyset cursor). */
  async *pages(type: string, limit: number): AsyncGenerator<CloudEvent[]> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ type, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const page = (await (await this.get(`/events?${query}`)).json()) as EventPage;
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** One stored event, or undefined when the store does not have it (yet). */
  async byId(id: string): Promise<CloudEvent | undefined> {
    const res = await this.get(`/events/${encodeURIComponent(id)}`);
    return res.status === 404 ? undefined : ((await res.json()) as CloudEvent);
  }

  /** Throws, naming EVENT_STORE_URL, when the store does not answer. */
  async check(): Promise<void> {
    await this.get('/events?limit=1');
  }
}
