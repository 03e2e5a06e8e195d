/**
 * What `publishEvent` did with an event.
 * @example
 * const { id, queued } = await events.publishEvent('vendor.created', { vendor }); // queued: held in the outbox, NATS was down
 */
export interface PublishResult {
  id: string;
  /** True when the event went to the outbox (JetStream unavailable or inside a transaction). */
  queued: boolean;
  /** JetStream stream sequence, when published directly. */
  seq?: number;
  /** JetStream already had this id inside the duplicate window. */
  duplicate?: boolean;
}
