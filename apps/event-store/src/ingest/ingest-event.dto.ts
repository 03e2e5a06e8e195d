import { IsIn, IsNotEmpty, IsOptional, IsRFC3339, IsString, MaxLength } from 'class-validator';
import { audienceProblem, categoryProblem, EVENT_LEVELS, isEventType, USER_MESSAGE_MAX, validationRule as rule } from '@app/events';
import type { EventLevel } from '@app/events';

/** The library's type rule (DESIGN.md "Subjects"), with its wording. */
const IsEventType = rule(
  'isEventType',
  (v) => isEventType(v),
  '$property must be lowercase "resource.action" tokens of [a-z0-9_-] joined by dots, e.g. "vendor.created"',
);
/** Any JSON value, null included; only a missing key is refused. */
const IsPresent = rule('isPresent', (v) => v !== undefined, '$property is required (any JSON value, e.g. {})');
const IsAudience = rule('isAudience', (v) => audienceProblem(v) === undefined, `$property ${'must be one or more of user, admin, superadmin, all, comma-separated (e.g. "user,admin")'}`);
const IsCategory = rule('isCategory', (v) => categoryProblem(v) === undefined, '$property must be one capitalised word of letters and digits, e.g. Notification, Error, Info');
const IsGiven = rule('isGiven', (v) => v !== undefined && v !== null, '$property is required');

const text = (max: number) => [IsOptional(), IsString(), IsNotEmpty(), MaxLength(max)];
const apply = (decorators: PropertyDecorator[]): PropertyDecorator => (target, property) => decorators.forEach((d) => d(target, property));

/** One event of `POST /events` or of `POST /events/batch`'s `events`, validated on its own. */
export class IngestEventDto {
  // Decorators register bottom-up and the first failure is reported: "is required" before the rule.
  @IsEventType() @MaxLength(255) @IsString() @IsGiven()
  type!: string;

  @IsPresent()
  data!: unknown;

  /**
   * Any CloudEvents id (UUID, NUID, ULID, `order-42`), as the store keeps any. Reuse it on retries:
   * JetStream drops a repeat within its duplicate window.
   */
  @apply(text(256)) id?: string;

  /** `http-ingest` when absent. */
  @apply(text(200)) source?: string;
  @apply(text(500)) subject?: string;

  @IsOptional() @IsRFC3339({ message: '$property must be an RFC 3339 timestamp with its offset, e.g. 2025-03-01T10:00:00Z' })
  time?: string;

  @IsOptional() @IsIn(EVENT_LEVELS, { message: `$property must be one of ${EVENT_LEVELS.join(', ')}` })
  level?: EventLevel;

  @apply(text(200)) resourceType?: string;
  @apply(text(500)) resourceId?: string;
  @apply(text(200)) actor?: string;
  /** One or more of user, admin, superadmin, all, comma-separated. */
  @IsOptional() @IsAudience() @IsString() audience?: string;
  @IsOptional() @IsCategory() category?: string;
  /** A sentence for the end user, shown in the user feed. */
  @apply(text(USER_MESSAGE_MAX)) userMessage?: string;
  @apply(text(200)) correlationId?: string;
  @apply(text(200)) causationId?: string;
}

/** The fields an ingested event may have, in the order errors are reported. */
export const INGEST_EVENT_FIELDS = [
  'type', 'data', 'id', 'source', 'subject', 'time', 'level',
  'resourceType', 'resourceId', 'actor', 'audience', 'category', 'userMessage', 'correlationId', 'causationId',
] as const satisfies readonly (keyof IngestEventDto)[];
