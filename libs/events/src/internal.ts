/**
 * Every module of the library, public or not, for the library's own tests, the apps' tests,
 * benchmarks and `@app/testing` (alias `@app/events/internal`). Application code imports
 * `@app/events`: what is only here may change without notice (lint refuses it outside tests).
 */
export * from './index.js';
export * from './config/events-env.js';
export * from './config/env-validators.js';
export * from './config/events-config.js';
export * from './envelope/cloud-event.js';
export * from './envelope/envelope-parser.js';
export * from './envelope/event-type.js';
export * from './envelope/event-size.js';
export * from './envelope/jsonb-storable.js';
export * from './database/mesh-data-source.js';
export * from './database/pg-errors.js';
export * from './rate-limit/shared-rate-limit.js';
export * from './events.constants.js';
export * from './publisher/events-service.port.js';
export * from './outbox/outbox.repository.js';
export * from './outbox/outbox-relay.js';
export * from './metrics/metrics.service.js';
export * from './dlq/dlq.publisher.js';
export * from './dlq/dead-letter-store.js';
export * from './status/mesh-status.js';
export * from './transport/jetstream.server.js';
export * from './transport/jetstream.context.js';
export * from './transport/handler-errors.js';
export * from './transport/failure-policy.js';
export * from './health/events-health-contributor.js';
export * from './http/api-key.guard.js';
export * from './http/http-edge.js';
export * from './http/edge-error.js';
export * from './http/edge-exception.filter.js';
export * from './http/edge-validation.js';
export * from './http/bad-text.js';
export * from './http/security-headers.js';
export * from './http/failure-aggregator.js';
export * from './group-commit/group-commit.js';
export * from './context/mesh-context.js';
export * from './context/request-context.middleware.js';
export * from './tracing/mesh-tracer.js';
export * from './tracing/tracing-sdk.js';
export * from './tracing/traceparent.js';
export * from './logging/mesh-logger.js';
export * from './logging/log-redaction.js';
export * from './logging/start-observability.js';
export * from './metrics/mesh-gauges.js';
export * from './envelope/audience.js';
export * from './text/mustache-template.js';
export * from './text/masking.js';
export * from './audit/audit-entry.js';
export * from './audit/audit-trail.js';
export * from './audit/audit-exempt.js';
export * from './asyncapi/asyncapi-document.js';
export * from './schemas/schema-bucket-list.js';
export * from './streams/stream-specs.js';
export { createAjv } from './schemas/schema-check.js';
