/**
 * The part of the library that needs no Nest, TypeORM or Ajv: names, the envelope, durations, the
 * dead-letter store, the status reader and the aggregated auth refusals. Plain Node programs (the
 * `mesh` CLI, the MCP server) import this entry: the full index loads the framework, about 1.5 s
 * before the first line runs.
 */
export * from './events.constants.js';
export * from './config/duration.js';
export * from './config/env-transforms.js';
export * from './envelope/cloud-event.js';
export * from './envelope/envelope-parser.js';
export * from './envelope/event-type.js';
export * from './envelope/event-size.js';
export * from './envelope/jsonb-storable.js';
export * from './envelope/uuid-v7.js';
export * from './dlq/dead-letter-store.js';
export * from './status/mesh-status.js';
export * from './schemas/schema-bucket.js';
export * from './schemas/schema-validation.error.js';
export * from './audit/audit-entry.js';
export * from './asyncapi/asyncapi-document.js';
export * from './schemas/schema-bucket-list.js';
export * from './server-logging/auth-refusals.js';
