import { Injectable } from '@nestjs/common';
import { DeliveryExecutor } from '../delivery/delivery-executor.js';
import type { DeliveryOutcome } from '../delivery/delivery.types.js';
import type { ClaimedBatch } from './batch.repository.js';

/** The header telling a receiver how many events the batch body holds. */
export const BATCH_SIZE_HEADER = 'webhook-batch-size';

/** A batch's body: the members' envelopes exactly as published (each with its `id`), as one JSON array, oldest first. */
export const batchBody = (batch: ClaimedBatch): string => `[${batch.deliveries.map((d) => d.body).join(',')}]`;

/**
 * One attempt of one batch: one request, signed over the array with the batch id as `webhook-id`,
 * judged once; every member gets the same outcome (retried together, on the same schedule) and a
 * line in its attempt log. Only the first member's outcome counts toward the subscription's
 * consecutive failures: one request is one attempt, however many events it carries.
 * Resolves `undefined` when the dispatcher cut the request off itself (no attempt).
 */
@Injectable()
export class BatchExecutor {
  constructor(private readonly executor: DeliveryExecutor) {}

  async attempt(batch: ClaimedBatch, signal?: AbortSignal): Promise<DeliveryOutcome[] | undefined> {
    const [first] = batch.deliveries;
    // Members move together, so they share their attempt count; the most any made is the batch's.
    const attempts = Math.max(...batch.deliveries.map((d) => d.attempts));
    const maxAttempts = Math.max(...batch.deliveries.map((d) => d.maxAttempts));
    const outcome = await this.executor.attempt(
      {
        ...first,
        id: batch.id,
        eventId: batch.id,
        eventType: 'batch',
        attempts,
        maxAttempts,
        body: batchBody(batch),
        headers: { ...first.headers, [BATCH_SIZE_HEADER]: String(batch.deliveries.length) },
      },
      signal,
    );
    if (!outcome) return undefined;
    return batch.deliveries.map((d, i) => ({
      ...outcome,
      delivery: d,
      attempt: { ...outcome.attempt, deliveryId: d.id, eventId: d.eventId },
      tallied: i === 0,
    }));
  }
}
