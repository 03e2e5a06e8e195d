/** The mesh's streams and durables as `meshStatus` reads them, free of runtime dependencies (the console's browser code imports these as types). */

export interface StreamStatus {
  name: string;
  subjects: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  /** Time of the oldest message; absent when the stream is empty. */
  firstTime?: string;
  lastSeq: number;
  lastTime?: string;
  consumers: number;
}

export interface DurableStatus {
  stream: string;
  name: string;
  filterSubject?: string;
  /** Messages matching the filter not yet delivered: the consumer's lag. */
  pending: number;
  /** Delivered and not yet acknowledged. */
  ackPending: number;
  redelivered: number;
  /** Pull requests waiting: a running app keeps some open. */
  waiting: number;
  /** Last delivery or acknowledgement; absent when the server has none recorded. */
  lastActive?: string;
}

/**
 * The streams and durables of the mesh, as {@link meshStatus} reads them from JetStream.
 * @example const { streams, durables } = await meshStatus(nats.jetStreamManager());
 */
export interface MeshStatus {
  streams: StreamStatus[];
  /** Mesh streams (EVENTS, EVENTS_DLQ, EVENTS_REPLAY) that do not exist: no app has started yet. */
  missingStreams: string[];
  /** Every durable consumer on every stream, by stream then name. */
  durables: DurableStatus[];
  /** Dead letters per consumer app (`dlq.<consumer>.>`). */
  deadLetters: Record<string, number>;
}
