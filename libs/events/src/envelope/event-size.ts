/**
 * Largest serialised event (envelope and data) by default: a quarter of nats-server's default
 * `max_payload` (1 MiB), so headers and a later rise of the limit stay far from the server's.
 */
export const DEFAULT_EVENT_MAX_BYTES = 256 * 1024;

/**
 * An event over `EVENT_MAX_BYTES`: never retryable, the same bytes will always be too large.
 * @example
 * catch (err) { if (err instanceof EventTooLargeError) throw new PayloadTooLargeException(err.message); throw err; }
 */
export class EventTooLargeError extends Error {
  readonly retryable = false;
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`the event is ${bytes} bytes, over the limit of ${maxBytes} bytes (EVENT_MAX_BYTES): store large content elsewhere and send a reference to it`);
    this.name = 'EventTooLargeError';
  }
}

/**
 * Throws {@link EventTooLargeError} when the serialised event is over `maxBytes`.
 * @example assertEventSize(JSON.stringify(event), config.eventMaxBytes);
 */
export function assertEventSize(payload: string, maxBytes: number): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most events are decided without counting.
  if (payload.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(payload);
  if (bytes > maxBytes) throw new EventTooLargeError(bytes, maxBytes);
}
