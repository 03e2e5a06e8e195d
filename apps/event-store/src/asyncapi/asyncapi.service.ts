import { Inject, Injectable } from '@nestjs/common';
import { buildAsyncApiDocument, EVENTS_CONFIG, type AsyncApiStream, type EventsConfig, streamSpecs } from '@app/events';
import { EventCatalogueService } from '../query/event-catalogue.service.js';

/**
 * The mesh's AsyncAPI 3 document: the event catalogue (types the store has seen and the schemas
 * registered in `event-schemas`) over the stream layout this deployment provisions.
 */
@Injectable()
export class AsyncApiService {
  constructor(
    private readonly catalogue: EventCatalogueService,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
  ) {}

  async document(): Promise<Record<string, unknown>> {
    const { types } = await this.catalogue.read();
    const streams: AsyncApiStream[] = streamSpecs(this.config).map((s) => ({
      name: s.name,
      subjects: s.subjects ?? [],
      // JetStream counts max_age in nanoseconds.
      maxAgeMs: Number(s.max_age ?? 0) / 1e6,
      replicas: s.num_replicas,
    }));
    const eventTypes = types.map((t) => ({ type: t.type, schema: t.schema?.schema ?? null, version: t.schema?.version, schemaId: t.schema?.id }));
    return buildAsyncApiDocument(eventTypes, streams, { servers: this.config.natsServers });
  }
}
