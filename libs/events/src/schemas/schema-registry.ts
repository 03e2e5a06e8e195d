import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import { Kvm, KV } from '@nats-io/kv';
import { assertEventType } from '../envelope/event-type.js';
import { NatsConnectionManager, NatsNotReadyError } from '../nats/nats-connection.js';
import { EVENTS_CONFIG, SCHEMA_BUCKET, SCHEMA_HEAD_BUCKET } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { assertMatches, createAjv } from './schema-check.js';
import { SchemaVersionTakenError } from './schema-version-taken.error.js';
import { SchemaVersionStaleError } from './schema-version-stale.error.js';
import { createOnce, isWrongLastSequence, readHead, schemaKey, type SchemaHead } from './schema-heads.js';

/**
 * A JSON Schema registered for one version of an event type.
 * @example
 * const { type, version } = await schemas.register('order.created', 1, { type: 'object', required: ['orderId'] });
 */
export interface RegisteredSchema {
  type: string;
  version: number;
  /** `mesh:schema:<type>:v<version>`, the envelope's `dataschema`. */
  id: string;
  schema: Record<string, unknown>;
}

/**
 * JSON Schemas per event type and version. Validation runs in-process (compiled with Ajv).
 * Registrations are written to the `event-schemas` KV bucket, and the bucket is watched, so a schema
 * any producer registered also applies here (the event store's HTTP ingest validates with it).
 * @example
 * await schemas.register('order.created', 1, orderCreatedSchema); const problem = schemas.validate('order.created', data);
 */
@Injectable()
export class SchemaRegistry {
  private readonly logger = new Logger(SchemaRegistry.name);
  private readonly ajv = createAjv();
  private readonly schemas = new Map<string, RegisteredSchema & { validate: ValidateFunction }>();
  private readonly latest = new Map<string, number>();
  private bucket?: Promise<KV>;
  private headBucket?: Promise<KV>;
  private watching = false;
  /** The bucket's listing, kept while the watch runs: any change it sees (from any producer) drops it. */
  private listed?: Promise<RegisteredSchema[]>;

  constructor(
    private readonly nats: NatsConnectionManager,
    @Inject(EVENTS_CONFIG) private readonly config: EventsConfig,
  ) {
    nats.onConnected(async () => {
      // Registrations made before NATS was reachable are written once it is.
      await this.syncToBucket();
      if (!this.watching) void this.watchBucket();
    });
  }

  /**
   * Registers the JSON Schema of one version of an event type; `publishEvent` validates against it.
   * A plain put for an app's own types at start-up: no checks, no head moved (`registerNew` still
   * sees it, as it reads the bucket too).
   * @example await registry.register('vendor.created', 1, { type: 'object', required: ['id', 'name'] })
   */
  async register(type: string, version: number, schema: Record<string, unknown>): Promise<RegisteredSchema> {
    assertEventType(type);
    if (!Number.isInteger(version) || version < 1) throw new Error(`Schema version for ${type} must be a positive integer, got ${version}`);
    const entry: RegisteredSchema = { type, version, id: `mesh:schema:${type}:v${version}`, schema };
    this.add(entry);
    if (this.nats.isConnected) await this.put(entry);
    this.forgetListing();
    return entry;
  }

  /**
   * The newest schema of `type` and the revision of its head entry (`event-schema-heads`): what a
   * registration is checked against before `registerNew(…, head)`. Needs NATS.
   * @example const { latest } = await registry.head('invoice.issued'); // latest?.version: 2
   */
  async head(type: string): Promise<SchemaHead> {
    assertEventType(type);
    if (!this.nats.isConnected) throw new NatsNotReadyError('connection');
    const { rolledForward, ...head } = await readHead(await this.heads(), await this.kv(), type);
    if (rolledForward !== undefined) this.logger.warn(`stored ${type} v${rolledForward} from its head: the registration that claimed it stopped before storing it`);
    return head;
  }

  /**
   * Registers a version above every stored one, decided one registration at a time per type: the
   * type's head entry moves to this version only if it still has the revision of `after` (the head
   * the caller checked the schema against; read now when omitted), else nothing is stored and it
   * throws `SchemaVersionTakenError` (another registration took this version) or
   * `SchemaVersionStaleError` (another version landed meanwhile; check against its `latest`).
   * Then the schema is created under `<type>.v<version>`. Applied here only once stored; needs NATS.
   * @example await registry.registerNew('invoice.issued', 2, invoiceV2) // SchemaVersionTakenError if v2 exists
   */
  async registerNew(type: string, version: number, schema: Record<string, unknown>, after?: SchemaHead): Promise<RegisteredSchema> {
    assertEventType(type);
    if (!Number.isInteger(version) || version < 1) throw new Error(`Schema version for ${type} must be a positive integer, got ${version}`);
    if (after && after.type !== type) throw new Error(`registerNew(${type}) was given the head of ${after.type}`);
    const head = after ?? (await this.head(type));
    const latest = head.latest?.version ?? 0;
    if (version <= latest) throw version === latest ? new SchemaVersionTakenError(type, version) : new SchemaVersionStaleError(type, version, latest);
    const entry: RegisteredSchema = { type, version, id: `mesh:schema:${type}:v${version}`, schema };
    const value = JSON.stringify(entry);
    const heads = await this.heads();
    let claimed: number;
    try {
      claimed = head.revision ? await heads.update(type, value, head.revision) : await heads.create(type, value);
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      const now = await heads.get(type);
      const nowVersion = now?.operation === 'PUT' ? now.json<RegisteredSchema>().version : 0;
      throw nowVersion === version ? new SchemaVersionTakenError(type, version) : new SchemaVersionStaleError(type, version, nowVersion);
    }
    const kv = await this.kv();
    if ((await createOnce(kv, schemaKey(entry), value)) === 'other') {
      // A version registered in code (a put, which moves no head) took the key first: the head follows what is stored.
      const stored = await kv.get(schemaKey(entry));
      // A later registration moving the head meanwhile is newer still, and stands.
      if (stored?.operation === 'PUT') await heads.update(type, stored.string(), claimed).catch((err: unknown) => { if (!isWrongLastSequence(err)) throw err; });
      throw new SchemaVersionTakenError(type, version);
    }
    this.add(entry);
    this.forgetListing();
    return entry;
  }

  /**
   * Throws when `schema` is not a JSON Schema Ajv can compile (the message says what is wrong);
   * lets an API refuse it before anything is stored.
   * @example registry.assertCompiles({ type: 'object', required: ['id'] })
   */
  assertCompiles(schema: Record<string, unknown>): void {
    this.ajv.compile(schema);
    // Compiling caches the schema by its $id; registering compiles it again.
    if (typeof schema.$id === 'string') this.ajv.removeSchema(schema.$id);
  }

  private add(entry: RegisteredSchema): void {
    const validate = this.ajv.compile(entry.schema);
    this.schemas.set(`${entry.type}.v${entry.version}`, { ...entry, validate });
    this.latest.set(entry.type, Math.max(entry.version, this.latest.get(entry.type) ?? 0));
  }

  /** Applies schemas registered by other apps; the watch follows reconnects until the connection closes. */
  private async watchBucket(): Promise<void> {
    this.watching = true;
    try {
      for await (const entry of await (await this.kv()).watch()) {
        this.forgetListing();
        if (entry.operation !== 'PUT' || this.schemas.has(entry.key)) continue;
        const schema = entry.json<RegisteredSchema>();
        try {
          this.add(schema);
        } catch (err) {
          this.logger.warn(`ignoring schema ${entry.key} from the bucket, it does not compile: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      this.logger.warn(`stopped watching ${SCHEMA_BUCKET}: ${(err as Error).message}`);
    } finally {
      this.watching = false;
      this.forgetListing();
    }
  }

  /** Validates `data` against the registered schema; returns its id, or undefined when the type has none. */
  validate(type: string, data: unknown, version?: number): string | undefined {
    const v = version ?? this.latest.get(type);
    if (v === undefined) return undefined;
    const entry = this.schemas.get(`${type}.v${v}`);
    if (!entry) throw new Error(`No schema v${v} is registered for ${type}; register it or omit schemaVersion`);
    assertMatches(entry.validate, type, entry.id, data);
    return entry.id;
  }

  /**
   * Every schema in the shared bucket, from all producers. Listing the bucket costs a round trip per
   * key, so the answer is kept until the watch reports a change (the catalogue asks on every call).
   */
  list(): Promise<RegisteredSchema[]> {
    if (!this.watching || !this.nats.isConnected) {
      // Without the watch, nothing would tell a change: ask the bucket (which says when it cannot answer).
      this.forgetListing();
      return this.listBucket();
    }
    if (!this.listed) {
      const listing = this.listBucket();
      this.listed = listing;
      // A failed listing is not kept (a change seen meanwhile has already dropped it).
      listing.catch(() => this.listed === listing && this.forgetListing());
    }
    return this.listed;
  }

  private forgetListing(): void {
    this.listed = undefined;
  }

  private async listBucket(): Promise<RegisteredSchema[]> {
    const kv = await this.kv();
    const result: RegisteredSchema[] = [];
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') result.push(entry.json<RegisteredSchema>());
    }
    return result.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  }

  private kv(): Promise<KV> {
    const nc = this.nats.connection;
    if (!nc) return Promise.reject(new Error('NATS is not connected; schemas cannot be listed'));
    this.bucket ??= new Kvm(nc).create(SCHEMA_BUCKET, { history: 5, replicas: this.config.streamReplicas });
    this.bucket.catch(() => (this.bucket = undefined));
    return this.bucket;
  }

  private heads(): Promise<KV> {
    const nc = this.nats.connection;
    if (!nc) return Promise.reject(new NatsNotReadyError('connection'));
    // One entry per type, only the newest matters: no history.
    this.headBucket ??= new Kvm(nc).create(SCHEMA_HEAD_BUCKET, { history: 1, replicas: this.config.streamReplicas });
    this.headBucket.catch(() => (this.headBucket = undefined));
    return this.headBucket;
  }

  private async put(entry: RegisteredSchema): Promise<void> {
    const kv = await this.kv();
    const { type, version, id, schema } = entry;
    await kv.put(`${type}.v${version}`, JSON.stringify({ type, version, id, schema }));
  }

  private async syncToBucket(): Promise<void> {
    for (const entry of this.schemas.values()) {
      await this.put(entry).catch((err: Error) => this.logger.warn(`schema ${entry.id} not stored yet: ${err.message}`));
    }
  }
}
