/**
 * The library's answer shapes with no runtime dependency (no Nest, NATS or Node), alias
 * `@app/events/views`: the console's browser code imports them with `import type`, which the
 * bundler erases, so the server's types are the only copy.
 */
export type { CloudEvent, EventLevel } from './envelope/cloud-event.types.js';
export type { DeadLetterFilter, StoredDeadLetter, RedriveResult, RedriveFailure, RedriveReport } from './dlq/dead-letter.views.js';
export type { MeshStatus, StreamStatus, DurableStatus } from './status/mesh-status.views.js';
