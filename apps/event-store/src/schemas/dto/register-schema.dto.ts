import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';

/** Body of `POST /events/schemas`: one version of an event type's JSON Schema. */
export class RegisterSchemaDto {
  /** The event type, `resource.action` (checked against the mesh's grammar by the service). */
  @IsString() @IsNotEmpty() @MaxLength(200) type!: string;
  /** Above every version already registered for the type. */
  @IsInt({ message: 'version must be a whole number, above the latest registered for the type (1 for a new type)' })
  @Min(1)
  version!: number;
  /** The JSON Schema of the event's `data`. */
  @IsObject({ message: 'schema must be a JSON Schema object, e.g. {"type":"object","required":["id"]}' }) schema!: Record<string, unknown>;
  /** Register even though the new version would refuse events the previous one accepted. */
  @IsOptional() @IsBoolean() breaking?: boolean;
  /** Who registers it (the audit event's actor); `admin-api` by default. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) by?: string;
}
