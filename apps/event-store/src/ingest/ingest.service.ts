import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import type { PublishOptions } from '@app/events';
import { EventsService, EventTooLargeError, InvalidEventTypeError, UnstorableDataError, SchemaValidationError, sharedRateLimiter, takeAll, AuditTrail } from '@app/events';

import { ingestEnv } from './ingest-env.js';
import type { IngestLimits } from './ingest-env.js';
import { checkIngestItem, publishOptionsOf } from './ingest-item.js';

export type IngestResult =
  | { index: number; ok: true; id: string; queued: boolean; duplicate?: true }
  | { index: number; ok: false; errors: string[]; reason?: 'too_large'; limitBytes?: number };

/** One item after its checks: what to publish, or why not. */
export type PreparedItem = { ok: true; type: string; data: unknown; options: PublishOptions } | { ok: false; errors: string[] };

export interface IngestOutcome {
  results: IngestResult[];
  accepted: number;
  rejected: number;
}

/** Publishes in flight at once; issued in item order, so a batch lands in the stream in its order. */
const IN_FLIGHT = 100;

function publishErrors(err: unknown): string[] {
  if (err instanceof SchemaValidationError) return err.problems.map((p) => `${p.field}: ${p.message} (${err.schemaId})`);
  if (err instanceof InvalidEventTypeError) return [`type: ${err.message}`];
  if (err instanceof EventTooLargeError) return [`event: ${err.message}`];
  if (err instanceof UnstorableDataError) return [err.message];
  return [`event: could not be published: ${err instanceof Error ? err.message : String(err)}`];
}

/**
 * HTTP ingest for producers that cannot speak NATS: per-key rate limit, each event validated on its
 * own, the valid ones published through `EventsService` (never written to the table here).
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  /** Counted in PostgreSQL, so the limit is per key across every replica, not per replica. */
  private readonly limiter: RateLimiterPostgres;

  constructor(
    private readonly events: EventsService,
    private readonly audit: AuditTrail,
    @Inject(ingestEnv.KEY) private readonly limits: IngestLimits,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.limiter = sharedRateLimiter(dataSource, { keyPrefix: 'ingest', points: limits.ratePerMinute, durationSeconds: 60 });
  }

  /**
   * Takes `count` events from the key's allowance. Returns the seconds to wait when it is used up
   * (the caller answers 429); throws a 400 for a request that could never fit.
   */
  async admit(count: number, apiKey: string): Promise<number | undefined> {
    if (count > this.limits.maxBatch) {
      throw new BadRequestException(`events has ${count} items; the limit is ${this.limits.maxBatch} per request (INGEST_MAX_BATCH): split the batch`);
    }
    if (count > this.limits.ratePerMinute) {
      throw new BadRequestException(
        `events has ${count} items, more than the rate limit of ${this.limits.ratePerMinute} events per minute (INGEST_RATE_LIMIT_PER_MINUTE) allows at once: split the batch`,
      );
    }
    // The key itself is never kept, only a digest of it.
    const decision = await takeAll(this.limiter, createHash('sha256').update(apiKey).digest('hex'), count);
    return decision.ok ? undefined : Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  }

  /** The 429 body for {@link admit}'s wait. */
  rateLimited(count: number, retryAfterSeconds: number): HttpException {
    return new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `Rate limit of ${this.limits.ratePerMinute} events per minute per API key (INGEST_RATE_LIMIT_PER_MINUTE) reached: this request has ${count} events; retry after ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Validates every item, publishes the valid ones in order and records the call as `audit.events_ingested` (by `actor`, the admin key's when absent). */
  async ingest(items: unknown[], actor?: string): Promise<IngestOutcome> {
    const outcome = await this.publishAll(
      items.map((raw) => {
        const checked = checkIngestItem(raw);
        return checked.ok ? { ok: true, type: checked.event.type, data: checked.event.data, options: publishOptionsOf(checked.event) } : checked;
      }),
    );
    await this.audit
      .record({ action: 'events_ingested', actor, target: { type: 'event-store' }, details: { accepted: outcome.accepted, rejected: outcome.rejected } })
      .catch((err: Error) => this.logger.warn(`audit.events_ingested not recorded: ${err.message}`));
    return outcome;
  }

  /** Publishes the items that passed their checks, in order, `IN_FLIGHT` at a time; the others keep their errors. */
  async publishAll(prepared: PreparedItem[]): Promise<IngestOutcome> {
    const results: IngestResult[] = new Array(prepared.length);
    const valid: { index: number; publish: () => Promise<IngestResult> }[] = [];
    prepared.forEach((item, index) => {
      if (!item.ok) {
        results[index] = { index, ok: false, errors: item.errors };
        return;
      }
      const { type, data, options } = item;
      const publish = async (): Promise<IngestResult> => {
        try {
          const r = await this.events.publishEvent(type, data, options);
          return r.duplicate ? { index, ok: true, id: r.id, queued: r.queued, duplicate: true } : { index, ok: true, id: r.id, queued: r.queued };
        } catch (err) {
          if (!(err instanceof SchemaValidationError)) this.logger.warn(`ingested ${type} not published: ${(err as Error).message}`);
          // Marked so the controller can answer 413 when size is all that stopped the request.
          if (err instanceof EventTooLargeError) return { index, ok: false, errors: publishErrors(err), reason: 'too_large', limitBytes: err.maxBytes };
          return { index, ok: false, errors: publishErrors(err) };
        }
      };
      valid.push({ index, publish });
    });
    for (let i = 0; i < valid.length; i += IN_FLIGHT) {
      const chunk = valid.slice(i, i + IN_FLIGHT);
      const done = await Promise.all(chunk.map((v) => v.publish()));
      for (const r of done) results[r.index] = r;
    }
    const accepted = results.filter((r) => r.ok).length;
    return { results, accepted, rejected: results.length - accepted };
  }
}
