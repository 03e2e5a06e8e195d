import { BadRequestException, Body, Controller, Headers, HttpCode, PayloadTooLargeException, Post, Res, UseGuards } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiKey, ApiKeyGuard } from '@app/events';
import { IngestOutcome, IngestResult, IngestService } from './ingest.service.js';
import { auditActorHeader } from '../audit-actor.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
 * `POST /events` (one event) and `POST /events/batch` (`{ "events": [...] }`), admin key only.
 * Answers 200 with per-item results when at least one event was accepted, 400 (same body plus a
 * message) when none was; 400 for a malformed body or too many events, 413 for a body over
 * INGEST_MAX_BODY_BYTES, 429 with Retry-After over the key's rate.
 * An event over EVENT_MAX_BYTES is refused alone, like any invalid item (`reason: "too_large"`,
 * `limitBytes` in its result), so the rest of its batch still goes through; when nothing was
 * accepted and size is the only reason, the answer is 413 naming the limit instead of 400.
 */
@Controller('events')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(200)
  one(@Body() body: unknown, @Headers('x-api-key') apiKey: string, @Headers('x-audit-actor') actor: string | undefined, @Res({ passthrough: true }) res: ServerResponse): Promise<IngestOutcome> {
    if (!isObject(body)) throw new BadRequestException('The body must be one event as a JSON object (Content-Type: application/json); use POST /events/batch for several');
    return this.run([body], apiKey, auditActorHeader(actor), res);
  }

  @Post('batch')
  @HttpCode(200)
  batch(@Body() body: unknown, @Headers('x-api-key') apiKey: string, @Headers('x-audit-actor') actor: string | undefined, @Res({ passthrough: true }) res: ServerResponse): Promise<IngestOutcome> {
    if (!isObject(body)) throw new BadRequestException('The body must be {"events": [...]} as JSON (Content-Type: application/json)');
    const extra = Object.keys(body).filter((k) => k !== 'events');
    if (extra.length > 0) throw new BadRequestException(extra.map((k) => `property ${k} should not exist`));
    const { events } = body;
    if (!Array.isArray(events)) throw new BadRequestException('events must be an array of events');
    if (events.length === 0) throw new BadRequestException('events must contain at least one event');
    return this.run(events, apiKey, auditActorHeader(actor), res);
  }

  private async run(items: unknown[], apiKey: string, actor: string | undefined, res: ServerResponse): Promise<IngestOutcome> {
    const retryAfter = await this.ingest.admit(items.length, apiKey);
    if (retryAfter !== undefined) {
      res.setHeader('Retry-After', String(retryAfter));
      throw this.ingest.rateLimited(items.length, retryAfter);
    }
    const outcome = await this.ingest.ingest(items, actor);
    if (outcome.accepted > 0) return outcome;
    const tooLarge = tooLargeOnly(outcome);
    if (tooLarge) throw tooLarge;
    const first = outcome.results[0];
    const message =
      items.length === 1 && first && !first.ok ? `The event was rejected: ${first.errors.join('; ')}` : `All ${items.length} events were rejected; see each result's errors`;
    // Each error starts with the field it is about (`type: is required`).
    const firstField = first && !first.ok ? /^([\w.[\]]+):/.exec(first.errors[0] ?? '')?.[1] : undefined;
    const field = firstField && (items.length === 1 ? firstField : `events[0].${firstField}`);
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, ...(field ? { field } : {}), ...outcome });
  }
}
