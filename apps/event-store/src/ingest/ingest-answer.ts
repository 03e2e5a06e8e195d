import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { IngestOutcome, IngestResult } from './ingest.service.js';

/** The 413 for a request whose every item was refused for its size alone; undefined otherwise. */
function tooLargeOnly(outcome: IngestOutcome): PayloadTooLargeException | undefined {
  const failed = outcome.results.filter((r): r is Extract<IngestResult, { ok: false }> => !r.ok);
  if (failed.length === 0 || !failed.every((r) => r.reason === 'too_large')) return undefined;
  const limitBytes = failed[0].limitBytes;
  const message =
    failed.length === 1
      ? `The event was rejected: ${failed[0].errors.join('; ')}`
      : `All ${failed.length} events were rejected: each is over the limit of ${limitBytes} bytes (EVENT_MAX_BYTES); see each result's errors`;
  return new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message, limitBytes, ...outcome });
}

/**
 * The answer to an ingest call of `count` items: the outcome when anything was accepted, else the
 * 413 (size alone) or 400 naming the first item's first field at fault (`events[0].type`; just `type` for
 * a single event, unless `indexed` says the body held a list).
 */
export function answer(outcome: IngestOutcome, count: number, indexed = false): IngestOutcome {
  if (outcome.accepted > 0) return outcome;
  const tooLarge = tooLargeOnly(outcome);
  if (tooLarge) throw tooLarge;
  const first = outcome.results[0];
  const message =
    count === 1 && first && !first.ok ? `The event was rejected: ${first.errors.join('; ')}` : `All ${count} events were rejected; see each result's errors`;
  // Each error starts with the field it is about (`type: is required`).
  const firstField = first && !first.ok ? /^([\w.[\]]+):/.exec(first.errors[0] ?? '')?.[1] : undefined;
  const field = firstField && (count === 1 && !indexed ? firstField : `events[0].${firstField}`);
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, ...(field ? { field } : {}), ...outcome });
}
