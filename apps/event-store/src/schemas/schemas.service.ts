import { BadRequestException, ConflictException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { AuditTrail, InvalidEventTypeError, isEventType, SchemaRegistry, SchemaVersionTakenError, type RegisteredSchema } from '@app/events';
import type { RegisterSchemaDto } from './dto/register-schema.dto.js';
import { narrowingChanges } from './schema-compat.js';

/** What `POST /events/schemas` answers: the stored schema, and whether it was a breaking change. */
export interface SchemaRegistration extends RegisteredSchema {
  previousVersion: number | null;
  breaking: boolean;
  /** The narrowing changes against the previous version (empty unless `breaking`). */
  changes: string[];
}

/** Custom event types over the API: checks a new schema version, stores it in `event-schemas`, audits it. */
@Injectable()
export class SchemasService {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly audit: AuditTrail,
  ) {}

  async register({ type, version, schema, breaking = false, by }: RegisterSchemaDto): Promise<SchemaRegistration> {
    if (!isEventType(type)) throw new BadRequestException(`type: ${new InvalidEventTypeError(type).message}`);
    try {
      this.registry.assertCompiles(schema);
    } catch (err) {
      throw new BadRequestException(`schema does not compile as a JSON Schema: ${(err as Error).message}`);
    }
    const previous = await this.latest(type);
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
    // The bucket's create decides a race for the same version: the loser is told, not overwritten.
    const entry = await this.registry.registerNew(type, version, schema).catch((err: unknown) => {
      throw err instanceof SchemaVersionTakenError ? new ConflictException(err.message) : err;
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

  private async latest(type: string): Promise<RegisteredSchema | undefined> {
    let all: RegisteredSchema[];
    try {
      all = await this.registry.list();
    } catch (err) {
      throw new ServiceUnavailableException(`the event-schemas bucket cannot be read, so the version cannot be checked: ${(err as Error).message}`);
    }
    return all.filter((s) => s.type === type).sort((a, b) => b.version - a.version)[0];
  }
}
