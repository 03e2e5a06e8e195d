/**
 * The public API of the event mesh library (`@app/events`): what an app needs to publish, consume,
 * dead-letter and replay events, and to serve its HTTP edge the mesh's way. Named exports only, so
 * a new export is a visible line in review (`public-api.spec.ts` pins the list). The library's
 * tests, the apps' tests and `@app/testing` reach the internals through `@app/events/internal`.
 */

// Modules and their options
export { EventsModule, type EventsModuleAsyncOptions } from './events.module.js';
export type { EventsModuleOptions, EventsProducerOptions, EventsConsumerOptions } from './events-module-options.js';
export { EventsDatabaseModule } from './database/events-database.module.js';
export type { MeshDatabaseOptions } from './database/mesh-data-source.js';
export { pgPoolOf } from './database/mesh-data-source.js';
export { EventsHealthModule, type EventsHealthModuleOptions } from './health/events-health.module.js';
export type { EventsHealthContributor } from './health/events-health-contributor.js';
export { NatsConnectionManager, NatsNotReadyError } from './nats/nats-connection.js';

// Configuration
export { EVENTS_CONFIG, EVENTS_SERVICE, CONSUMER_NAME, CONSUMER_NAME_RULE } from './events.constants.js';
export type { EventsConfig } from './config/events-config.js';
export { validateEnv } from './config/events-env.js';
export { validationRule } from './config/env-validators.js';
export { toInt, toBool } from './config/env-transforms.js';
export { parseDuration, parseDurationList } from './config/duration.js';

// The envelope and the contract's names (DESIGN.md)
export { createEnvelope, type PublishOptions, type EventMessage } from './envelope/cloud-event.js';
export { EVENT_LEVELS, type EventLevel, type CloudEvent } from './envelope/cloud-event.types.js';
export { HEADER, STREAM_EVENTS, STREAM_REPLAY, STREAM_DLQ, replayDurable } from './events.constants.js';
export { isEventType, normalizePattern, matchesPattern, subjectForType, InvalidEventTypeError } from './envelope/event-type.js';
export { EventTooLargeError } from './envelope/event-size.js';
export { UnstorableDataError } from './envelope/jsonb-storable.js';
export { uuidv7 } from './envelope/uuid-v7.js';

// Publishing and subscribing
export { EventsService } from './publisher/events.service.js';
export {
  InjectEventsService,
  type IEventsService,
  type EventCallback,
  type EventSubscription,
  type EventsHealth,
} from './publisher/events-service.port.js';
export type { PublishResult } from './publisher/publish-result.js';
export { SchemaRegistry, type RegisteredSchema } from './schemas/schema-registry.js';
export { SchemaValidationError } from './schemas/schema-validation.error.js';
export { SchemaVersionTakenError } from './schemas/schema-version-taken.error.js';
export { SchemaVersionStaleError } from './schemas/schema-version-stale.error.js';
export type { SchemaHead } from './schemas/schema-heads.js';

// Consuming: the transport, the handler's context and its errors
export { connectEventConsumer } from './transport/connect-event-consumer.js';
export { JetStreamServer } from './transport/jetstream.server.js';
export { JetStreamContext } from './transport/jetstream.context.js';
export { EventBatchPattern, type EventBatchOptions } from './transport/event-batch-pattern.js';
export { JetStreamBatch } from './transport/jetstream-batch.js';
export { NonRetryableError, RetryLaterError } from './transport/handler-errors.js';
export { ConcurrencyGate } from './transport/concurrency-gate.js';
export { GroupCommit } from './group-commit/group-commit.js';
export type { GroupCommitOptions, BatchReport } from './group-commit/group-commit.options.js';
export { ItemFailure, GroupCommitClosedError, type ItemResult } from './group-commit/item-result.js';
export { groupCommitMetrics } from './group-commit/group-commit.metrics.js';

// Dead letters, replay, status
export { DeadLetterStore, DeadLetterNotFoundError } from './dlq/dead-letter-store.js';
export type { DeadLetterFilter, StoredDeadLetter, RedriveResult, RedriveReport } from './dlq/dead-letter.views.js';
export { ReplayService } from './replay/replay.service.js';
export { meshStatus } from './status/mesh-status.js';
export type { MeshStatus } from './status/mesh-status.views.js';
export { MetricsService } from './metrics/metrics.service.js';

// PostgreSQL: notifications, data errors, limits shared by replicas
export { PgListener } from './database/pg-listener.js';
export { isPostgresDataError } from './database/pg-errors.js';
export { sharedRateLimiter, takeAll, takeUpTo, type SharedRateLimitOptions } from './rate-limit/shared-rate-limit.js';

// The HTTP edge
export { configureHttpEdge, type HttpEdgeOptions } from './http/http-edge.js';
export { ApiKey, ApiKeyGuard } from './http/api-key.guard.js';
export { edgeError } from './http/edge-error.js';
export { StrictInt, StrictIntPipe, MAX_OFFSET } from './http/edge-validation.js';
export { UuidPipe } from './http/uuid.pipe.js';
export type { CspDirectives } from './http/security-headers.js';
export { FailureAggregator } from './http/failure-aggregator.js';
export { listenHost } from './http/listen-host.js';

// Observability: the context events inherit, spans, structured logs
export { currentMeshContext, type MeshContext } from './context/mesh-context.js';
export { withSpan, traceparentOfJson } from './tracing/mesh-tracer.js';
export { MeshLogger } from './logging/mesh-logger.js';
export { startObservability } from './logging/start-observability.js';

// Sentences and masking: the envelope's audience and category, logic-less templates, masked numbers
export {
  AUDIENCES,
  type Audience,
  CATEGORY_RULE,
  KNOWN_CATEGORIES,
  USER_MESSAGE_MAX,
  audienceProblem,
  audiencesOf,
  categoryProblem,
} from './envelope/audience.js';
export { TemplateError, type TemplateToken, parseTemplate, missingPlaceholders, renderTemplate } from './text/mustache-template.js';
export { maskPhone, redactPhones, maskedCopy } from './text/masking.js';

// Admin actions and the catalogue: the audit trail, the AsyncAPI document
export { AuditTrail, AuditTrailModule } from './audit/audit-trail.js';
export type { AuditEntry, AuditTarget } from './audit/audit-entry.js';
export { AuditExempt } from './audit/audit-exempt.js';
export { auditActorHeader } from './audit/audit-actor.js';
export { buildAsyncApiDocument, type AsyncApiStream } from './asyncapi/asyncapi-document.js';
export { streamSpecs } from './streams/stream-specs.js';
export { latestSchemas } from './schemas/schema-bucket-list.js';
export { sampleFromSchema } from './schemas/schema-sample.js';
export { ServerLoggingModule } from './server-logging/server-logging.module.js';
export { RequestLoggerMiddleware } from './server-logging/request-logger.middleware.js';
export { noteAggregatedRefusal } from './server-logging/request-outcome.js';
export { type ServerLoggingOptions } from './server-logging/server-logging-env.js';
