import { BadRequestException, ConflictException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { AuditTrail, createEnvelope, InvalidEventTypeError, isEventType, sampleFromSchema, SchemaRegistry, SchemaVersionStaleError, SchemaVersionTakenError, type CloudEvent, type RegisteredSchema, type SchemaHead } from '@app/events';
import type { RegisterSchemaDto } from './dto/register-schema.dto.js';
import { narrowingChanges } from './schema-compat.js';

/** What `POST /events/schemas` answers: the stored schema, and whether it was a breaking change. */
export interface SchemaRegistration extends RegisteredSchema {
  previousVersion: number | null;
  breaking: boolean;
  /** The narrowing changes against the previous version (empty unless `breaking`). */
  changes: string[];
}

/** What `POST /events/schemas/check` answers: what registering would do, and a sample event. */
export interface SchemaCheck {
  type: string;
  version: number;
  id: string;
  previousVersion: number | null;
  breaking: boolean;
  changes: string[];
  /** An event of the type whose data is generated from the schema (the webhook test sender's generator). */
  sample: CloudEvent;
}

/** Custom event types over the API: checks a new schema version, stores it in `event-schemas`, audits it. */
@Injectable()
export class SchemasService {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * What registering would do, without storing anything: the same refusals (400, 409) as `register`,
   * else the previous version, the narrowing changes, and a sample event generated from the schema.
   */
  async check(dto: RegisterSchemaDto): Promise<SchemaCheck> {
    const { head, changes } = await this.vet(dto);
    const previous = head.latest;
    const { type, version, schema } = dto;
    let data: unknown;
    try {
      data = sampleFromSchema(schema);
    } catch (err) {
      throw new BadRequestException(`schema: no sample event can be made from it: ${(err as Error).message}`);
    }
    const sample: CloudEvent = { ...createEnvelope(type, data, 'schema-editor'), dataschema: `mesh:schema:${type}:v${version}` };
    return { type, version, id: `mesh:schema:${type}:v${version}`, previousVersion: previous?.version ?? null, breaking: changes.length > 0, changes, sample };
  }

  async register(dto: RegisterSchemaDto): Promise<SchemaRegistration> {
    const { type, version, schema, by } = dto;
    const { head, changes } = await this.vet(dto);
    const previous = head.latest;
    // Stored only if the type's head is still the one vetted against: of racing registrations of a
    // type (same or different versions) one lands, the others are told which version to check against.
    const entry = await this.registry.registerNew(type, version, schema, head).catch((err: unknown) => {
      if (err instanceof SchemaVersionTakenError) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: err.message, latestVersion: err.version });
      if (err instanceof SchemaVersionStaleError) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: err.message, latestVersion: err.latest });
      throw err;
    });
    await this.audit.record({
      action: 'event_schema_registered',
      actor: by,
      target: { type: 'event-schema', id: `${type}.v${version}` },
      before: previous ? { version: previous.version, schema: previous.schema } : undefined,
      after: { version, schema },
      details: { eventType: type, breaking: changes.length > 0, changes },
    });
    return { ...entry, previousVersion: previous?.version ?? null, breaking: changes.length > 0, changes };
  }

  /** The checks a registration passes: the grammar, Ajv compiles it, versions only go up, breaking only when said. */
  private async vet({ type, version, schema, breaking = false }: RegisterSchemaDto): Promise<{ head: SchemaHead; changes: string[] }> {
    if (!isEventType(type)) throw new BadRequestException(`type: ${new InvalidEventTypeError(type).message}`);
    try {
      this.registry.assertCompiles(schema);
    } catch (err) {
      throw new BadRequestException(`schema does not compile as a JSON Schema: ${(err as Error).message}`);
    }
    const head = await this.head(type);
    const previous = head.latest;
    if (previous && version <= previous.version) {
      throw new ConflictException(`version ${version} of ${type}: versions only go up, the latest registered is ${previous.version}; send version ${previous.version + 1}`);
    }
    const changes = previous ? narrowingChanges(previous.schema, schema) : [];
    if (changes.length > 0 && !breaking) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `version ${version} of ${type} would refuse events valid under version ${previous!.version} (${changes.join('; ')}); send "breaking": true to register it anyway`,
        changes,
      });
    }
    return { head, changes };
  }

  /** Read fresh (not the cached listing): the check and the head's revision must be of one moment. */
  private async head(type: string): Promise<SchemaHead> {
    try {
      return await this.registry.head(type);
    } catch (err) {
      throw new ServiceUnavailableException(`the event-schemas bucket cannot be read, so the version cannot be checked: ${(err as Error).message}`);
    }
  }
}
