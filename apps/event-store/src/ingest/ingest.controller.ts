import { BadRequestException, Body, Controller, Headers, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiKey, ApiKeyGuard, auditActorHeader } from '@app/events';
import { IngestOutcome, IngestService } from './ingest.service.js';
import { answer } from './ingest-answer.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
    return answer(await this.ingest.ingest(items, actor), items.length);
  }
}
