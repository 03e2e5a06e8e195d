import { Injectable, Logger } from '@nestjs/common';
import { RegisteredSchema, SchemaRegistry } from '@app/events';
import { EventCatalogueRepository, SeenTypeRow } from './event-catalogue.repository.js';

/** How long the catalogue waits for the `event-schemas` bucket before answering without schemas. */
const SCHEMA_LIST_TIMEOUT_MS = 3_000;

export interface CatalogueEntry {
  type: string;
  /** Events of this type in the store (0 for a type with a registered schema but no event yet). */
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The data of the latest event of this type. */
  example: unknown;
  exampleId: string | null;
  /** The latest registered version's JSON Schema, when a producer registered one. */
  schema: Omit<RegisteredSchema, 'type'> | null;
  schemaVersions: number[];
}

export interface EventCatalogue {
  types: CatalogueEntry[];
  /** False when the schemas could not be read (NATS unreachable): `types` then lists what the store saw, without schemas. */
  schemasAvailable: boolean;
  schemasError: string | null;
}

const fromRow = (row: SeenTypeRow): CatalogueEntry => ({
  type: row.type,
  count: Number(row.count),
  firstSeen: row.first_seen.toISOString(),
  lastSeen: row.last_seen.toISOString(),
  example: row.example,
  exampleId: row.example_id,
  schema: null,
  schemaVersions: [],
});

const unseen = (type: string): CatalogueEntry => ({ type, count: 0, firstSeen: null, lastSeen: null, example: null, exampleId: null, schema: null, schemaVersions: [] });

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The event catalogue: every type the store has seen, merged with the schemas producers registered. */
@Injectable()
export class EventCatalogueService {
  private readonly logger = new Logger(EventCatalogueService.name);

  constructor(
    private readonly catalogue: EventCatalogueRepository,
    private readonly registry: SchemaRegistry,
  ) {}

  async read(): Promise<EventCatalogue> {
    const [rows, schemas] = await Promise.all([this.catalogue.seenTypes(), this.schemas()]);
    const entries = new Map(rows.map((row) => [row.type, fromRow(row)]));
    // `list()` is sorted by type then version, so the last one set per type is its latest.
    for (const { type, version, id, schema } of 'list' in schemas ? schemas.list : []) {
      const entry = entries.get(type) ?? unseen(type);
      entry.schema = { version, id, schema };
      entry.schemaVersions.push(version);
      entries.set(type, entry);
    }
    const types = [...entries.values()].sort((a, b) => a.type.localeCompare(b.type));
    return 'list' in schemas ? { types, schemasAvailable: true, schemasError: null } : { types, schemasAvailable: false, schemasError: schemas.error };
  }

  private async schemas(): Promise<{ list: RegisteredSchema[] } | { error: string }> {
    try {
      return { list: await withTimeout(this.registry.list(), SCHEMA_LIST_TIMEOUT_MS, `the event-schemas bucket did not answer within ${SCHEMA_LIST_TIMEOUT_MS} ms`) };
    } catch (err) {
      const error = `schemas unavailable: ${(err as Error).message}`;
      this.logger.warn(`catalogue served without schemas: ${error}`);
      return { error };
    }
  }
}
